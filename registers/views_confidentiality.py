"""SEC-01..03 pages: confidentiality agreements with the list of who has none, and private-device
and data copy-out requests decided by the manager."""

import mimetypes
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, ValidationErrors
from people.queries import people_for, person_of
from registers.models import ConfidentialityAgreement, SecurityRequest
from registers.queries import (
    access_security_request,
    can_record_agreements,
    security_requests_for,
)
from registers.services_confidentiality import (
    decide_security_request,
    file_security_request,
    needs_agreement,
    record_agreement,
)


def _errors(exc: DomainError) -> dict[str, str]:
    return exc.errors if isinstance(exc, ValidationErrors) else {exc.field or "": exc.message}


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


@login_required
def agreements(request):
    """SEC-01: who at a client site has signed, and who has not."""
    if not can_record_agreements(request.user):
        raise Http404
    people = people_for(request.user)
    missing = needs_agreement(people).order_by("unit__path", "name")
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = request.POST.get("person", "")
        person = people.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
        try:
            if person is None:
                raise DomainError(_("Choose the person."), field="person")
            record_agreement(
                person,
                by=request.user,
                signed_on=_date(request.POST.get("signed_on")),
                upload=request.FILES.get("file"),
            )
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Agreement archived."))
            return redirect("registers:agreements")
    signed = ConfidentialityAgreement.objects.filter(person__in=people.values("pk")).select_related(
        "person"
    )[:200]
    return render(
        request,
        "registers/agreements.html",
        {"missing": missing[:500], "signed": signed, "errors": errors, "people": missing},
        status=400 if errors else 200,
    )


@login_required
def agreement_file(request, pk: int):
    if not can_record_agreements(request.user):
        raise Http404
    agreement = ConfidentialityAgreement.objects.filter(
        pk=pk, person__in=people_for(request.user).values("pk")
    ).first()
    if agreement is None:
        raise Http404
    name = Path(agreement.file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        agreement.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


@login_required
def security_requests(request):
    """SEC-02/SEC-03: file a request; the manager decides those waiting for him."""
    me = person_of(request.user)
    if me is None:
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            file_security_request(
                me,
                by=request.user,
                kind=request.POST.get("kind", ""),
                subject=request.POST.get("subject", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Request filed."))
            return redirect("registers:security-requests")
    visible = security_requests_for(request.user)
    return render(
        request,
        "registers/security_requests.html",
        {
            "to_decide": visible.filter(approver=me, status=SecurityRequest.Status.PENDING),
            "requests": visible.exclude(approver=me, status=SecurityRequest.Status.PENDING)[:100],
            "kinds": SecurityRequest.Kind.choices,
            "values": request.POST if request.method == "POST" else {},
            "errors": errors,
            "form_error": errors.get(""),
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def security_request_decide(request, pk: int):
    req = access_security_request(request.user, pk)
    try:
        decide_security_request(
            req,
            by=request.user,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registers:security-requests")
