"""Request pages: file, list, detail with the approval trail, approver inbox (HTMX rows)."""

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.models import AuditEntry
from leave.forms import CoverForm, DecisionForm, RequestForm, TripReportForm
from leave.models import ApprovalStep, Request
from leave.queries import (
    access_request,
    can_assign_cover,
    can_decide,
    can_withdraw,
    current_step,
    inbox_for,
    own_requests_for,
    requests_for,
)
from leave.services import (
    approve_step,
    assign_cover,
    reject_step,
    submit_request,
    submit_trip_report,
    trip_report_due,
    withdraw_request,
)
from people.queries import person_of


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _add_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def request_list(request):
    """My requests; `?scope=all` lists every request the user may see (managers)."""
    scope = "all" if request.GET.get("scope") == "all" else "mine"
    reqs = own_requests_for(request.user) if scope == "mine" else requests_for(request.user)
    status = request.GET.get("status", "")
    if status in Request.Status.values:
        reqs = reqs.filter(status=status)
    page = Paginator(reqs.order_by("-created_at", "-pk"), 25).get_page(request.GET.get("page"))
    template = "leave/_request_rows.html" if _is_htmx(request) else "leave/request_list.html"
    return render(
        request,
        template,
        {"page": page, "scope": scope, "status": status, "statuses": Request.Status.choices},
    )


@login_required
def request_new(request):
    person = person_of(request.user)
    if person is None:
        raise Http404
    kind = request.POST.get("kind") or request.GET.get("kind") or Request.Kind.LEAVE
    if kind not in Request.Kind.values:
        kind = Request.Kind.LEAVE
    form = RequestForm(request.POST or None, request.FILES or None, person=person, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["cc"] = list(data.get("cc") or [])
        data["idempotency_key"] = data.get("idempotency_key") or None
        data = {k: v for k, v in data.items() if v is not None or k == "idempotency_key"}
        try:
            req = submit_request(person, by=request.user, **data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Request filed."))
            return redirect("leave:detail", pk=req.pk)
    return render(
        request,
        "leave/request_form.html",
        {"form": form, "kind": kind, "kinds": Request.Kind.choices},
    )


@login_required
def request_detail(request, pk: int):
    req = access_request(request.user, pk)
    me = person_of(request.user)
    is_applicant = me is not None and me.pk == req.person_id
    due = trip_report_due(req)
    context = {
        "req": req,
        "steps": req.steps.all(),
        "step": current_step(req),
        "can_decide": can_decide(request.user, req),
        "can_withdraw": can_withdraw(request.user, req),
        "can_cover": can_assign_cover(request.user, req),
        "trip_report_due": due,
        "can_report": is_applicant and due is not None and req.trip_report_at is None,
        "cc": req.cc.all(),
        "history": AuditEntry.objects.filter(
            object_type="leave.request", object_id=str(req.pk)
        ).order_by("at", "pk"),
        "decision_form": DecisionForm(),
    }
    if context["can_cover"]:
        context["cover_form"] = CoverForm(user=request.user)
    if context["can_report"]:
        context["report_form"] = TripReportForm()
    return render(request, "leave/request_detail.html", context)


@login_required
def request_attachment(request, pk: int):
    """The attachment (e.g. a sick certificate, REQ-05) only for those who see the request."""
    req = access_request(request.user, pk)
    if not req.attachment:
        raise Http404
    name = Path(req.attachment.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        req.attachment.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _decide(request, pk: int, service, done_message: str):
    req = access_request(request.user, pk)
    me = person_of(request.user)
    # The row to send back: the step waiting now, else this approver's own (already decided).
    step = current_step(req) or next(
        (s for s in req.steps.all() if me is not None and s.approver_id == me.pk), None
    )
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    error = None
    try:
        service(req, by=request.user, comment=comment)
    except DomainError as exc:
        error = exc.message
    if _is_htmx(request) and step is not None:
        step = ApprovalStep.objects.select_related("request__person", "request__leave_type").get(
            pk=step.pk
        )
        return render(
            request,
            "leave/_inbox_row.html",
            {"step": step, "error": error, "decision_form": DecisionForm()},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done_message)
    return redirect(_next_url(request, reverse("leave:detail", args=[req.pk])))


@login_required
@require_POST
def approve(request, pk: int):
    return _decide(request, pk, approve_step, _("Approved."))


@login_required
@require_POST
def reject(request, pk: int):
    return _decide(request, pk, reject_step, _("Rejected."))


@login_required
@require_POST
def withdraw(request, pk: int):
    req = access_request(request.user, pk)
    try:
        withdraw_request(req, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("leave:detail", pk=req.pk)


@login_required
@require_POST
def trip_report(request, pk: int):
    req = access_request(request.user, pk)
    form = TripReportForm(request.POST)
    if form.is_valid():
        try:
            submit_trip_report(req, by=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Trip report handed in."))
    else:
        messages.error(request, _("Write the trip report."))
    return redirect("leave:detail", pk=req.pk)


@login_required
@require_POST
def cover(request, pk: int):
    req = access_request(request.user, pk)
    if not can_assign_cover(request.user, req):
        raise Http404
    form = CoverForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            assign_cover(req, by=request.user, cover=form.cleaned_data["cover"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Cover assigned."))
    else:
        messages.error(request, _("Choose a reserve engineer."))
    return redirect("leave:detail", pk=req.pk)


@login_required
def inbox(request):
    """The approver's inbox: steps waiting for me, and what I decided lately."""
    me = person_of(request.user)
    steps = inbox_for(me)
    decided = (
        ApprovalStep.objects.filter(
            approver=me,
            status__in=[ApprovalStep.Status.APPROVED, ApprovalStep.Status.REJECTED],
        )
        .select_related("request__person", "request__leave_type")
        .order_by("-decided_at")[:20]
        if me is not None
        else []
    )
    return render(
        request,
        "leave/inbox.html",
        {"steps": steps, "decided": decided, "decision_form": DecisionForm()},
    )
