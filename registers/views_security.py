"""SEC-04 pages for the phone: the machine-room entry register and the lent-out register."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError, ValidationErrors
from people.queries import person_of
from registers.models import Loan
from registers.queries import (
    access_entry,
    access_loan,
    can_keep_registers,
    entries_for,
    escorts_for,
    loans_for,
    sites_for,
)
from registers.services_security import lend_item, register_entry, return_item, sign_out_entry


def _pick(qs, raw: str | None):
    return qs.filter(pk=int(raw)).first() if raw and raw.isdigit() and len(raw) < 12 else None


def _errors(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, ValidationErrors):
        return exc.errors
    return {exc.field or "": exc.message}


@login_required
def entries(request):
    """SEC-04: who is in the machine room now (sign out in one tap) and the register below."""
    writer = can_keep_registers(request.user)
    errors: dict[str, str] = {}
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        if not writer:
            raise Http404
        unit = _pick(sites_for(request.user), request.POST.get("unit"))
        escort = _pick(escorts_for(request.user), request.POST.get("escort"))
        try:
            if unit is None:
                raise DomainError(_("Choose the site."), field="unit")
            register_entry(
                unit,
                by=request.user,
                room=request.POST.get("room", ""),
                visitor_name=request.POST.get("visitor_name", ""),
                visitor_company=request.POST.get("visitor_company", ""),
                purpose=request.POST.get("purpose", ""),
                escort=escort,
            )
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Entry registered."))
            return redirect("registers:entries")
    qs = entries_for(request.user)
    me = person_of(request.user)
    return render(
        request,
        "registers/entries.html",
        {
            "inside": qs.filter(time_out__isnull=True).order_by("time_in")[:100],
            "recent": qs.filter(time_out__isnull=False)[:50],
            "writer": writer,
            "sites": sites_for(request.user),
            "escorts": escorts_for(request.user),
            "values": values,
            "me": me,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def entry_sign_out(request, pk: int):
    entry = access_entry(request.user, pk)
    if not can_keep_registers(request.user):
        raise Http404
    try:
        sign_out_entry(entry, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registers:entries")


def _parse_due(raw: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
    if not 2000 <= value.year <= 2100:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@login_required
def loans(request):
    """SEC-04: equipment and media lent out; overdue ones in red."""
    writer = can_keep_registers(request.user)
    errors: dict[str, str] = {}
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        if not writer:
            raise Http404
        unit = _pick(sites_for(request.user), request.POST.get("unit"))
        try:
            if unit is None:
                raise DomainError(_("Choose the site."), field="unit")
            lend_item(
                unit,
                by=request.user,
                kind=request.POST.get("kind", ""),
                item=request.POST.get("item", ""),
                serial=request.POST.get("serial", ""),
                borrower=request.POST.get("borrower", ""),
                borrower_company=request.POST.get("borrower_company", ""),
                due_back=_parse_due(request.POST.get("due_back", "")),
            )
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Loan registered."))
            return redirect("registers:loans")
    now = clock.now()
    out = list(loans_for(request.user).filter(returned_at__isnull=True).order_by("due_back")[:200])
    for loan in out:
        loan.overdue = loan.is_overdue(now)
    return render(
        request,
        "registers/loans.html",
        {
            "out": out,
            "returned": loans_for(request.user)
            .filter(returned_at__isnull=False)
            .order_by("-returned_at")[:50],
            "writer": writer,
            "sites": sites_for(request.user),
            "kinds": Loan.Kind.choices,
            "me": person_of(request.user),
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def loan_return(request, pk: int):
    loan = access_loan(request.user, pk)
    if not can_keep_registers(request.user):
        raise Http404
    try:
        return_item(loan, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registers:loans")
