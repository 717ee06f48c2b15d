"""Inspection pages: the engineer's phone pages (my tickets, doing a ticket), the asset list,
checklists and plans (INS-09), skip approvals (INS-01) and spot checks (CB-03)."""

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError, ValidationErrors
from inspections import services
from inspections.forms import AssetFilterForm
from inspections.models import SkipRequest, SpotCheck, Ticket
from inspections.queries import (
    access_answer,
    access_skip,
    access_spot_check,
    access_ticket,
    answers_of,
    assets_for,
    can_spot_check,
    my_tickets,
    skips_for,
    spot_checks_for,
    tickets_for,
)
from people.queries import customer_phone_for, person_of
from people.roles import Role


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _me(request):
    me = person_of(request.user)
    if me is None:
        raise PermissionDenied
    return me


@login_required
def index(request):
    """/inspections/: the engineer's day for engineers, the ticket list for everyone else."""
    me = person_of(request.user)
    if me is not None and me.role in (Role.ENGINEER, Role.GROUP_LEADER):
        return redirect("inspections:mine")
    return redirect("inspections:tickets")


@login_required
def mine(request):
    """The engineer's phone page: today's tickets and the overdue ones."""
    me = _me(request)
    today = clock.today()
    tickets = list(my_tickets(me, today))
    for ticket in tickets:
        ticket.overdue = ticket.due_on < today
    return render(request, "inspections/mine.html", {"tickets": tickets, "today": today})


def _items_with_input(ticket: Ticket, posted=None, errors=None):
    """The checklist items with what the engineer entered and the error per item."""
    items = list(ticket.template.items.order_by("position", "pk"))
    for item in items:
        key = f"item_{item.pk}"
        item.field = key
        item.entered = posted.get(key, "") if posted else ""
        item.anomaly_checked = bool(posted.get(f"anomaly_{item.pk}")) if posted else False
        item.entered_note = posted.get(f"note_{item.pk}", "") if posted else ""
        item.error = (errors or {}).get(key, "")
        item.limits = None
        if item.min_value is not None or item.max_value is not None:
            item.limits = tuple(
                format(v.normalize(), "f") if v is not None else "…"
                for v in (item.min_value, item.max_value)
            )
    return items


@login_required
def ticket(request, pk: int):
    """One inspection: the checklist to fill on the phone (POST submits it whole), or, once done,
    the answers with their anomalies and a one-tap repair order each."""
    ticket = access_ticket(request.user, pk)
    me = person_of(request.user)
    mine_open = me is not None and ticket.engineer_id == me.pk and ticket.status == "open"
    errors: dict[str, str] = {}
    posted = None
    if request.method == "POST":
        if not mine_open:
            raise PermissionDenied
        posted = request.POST
        answers, photos = {}, {}
        for item in ticket.template.items.all():
            answers[item.pk] = {
                "value": posted.get(f"item_{item.pk}", ""),
                "anomaly": bool(posted.get(f"anomaly_{item.pk}")),
                "note": posted.get(f"note_{item.pk}", ""),
            }
            if f"photo_{item.pk}" in request.FILES:
                photos[item.pk] = request.FILES[f"photo_{item.pk}"]
        try:
            services.submit_answers(
                ticket, by=me, answers=answers, photos=photos, note=posted.get("note", "")
            )
        except ValidationErrors as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = {exc.field or "form": exc.message}
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("inspections:ticket", pk=ticket.pk)
    context = {
        "ticket": ticket,
        "mine_open": mine_open,
        "items": _items_with_input(ticket, posted, errors) if mine_open else [],
        "errors": errors,
        "form_error": errors.get("form") or errors.get("status") or errors.get("answers"),
        "answers": answers_of(ticket) if ticket.status == "done" else [],
        "sampled_users": ticket.sampled_users.all(),
        "skips": ticket.skip_requests.select_related("approver", "decided_by"),
        "pending_skip": ticket.skip_requests.filter(status=SkipRequest.Status.PENDING).first(),
        "can_order": me is not None and ticket.engineer_id == me.pk,
        "overdue": ticket.status == "open" and ticket.due_on < clock.today(),
    }
    return render(request, "inspections/ticket.html", context, status=400 if errors else 200)


@login_required
@require_POST
def anomaly_order(request, pk: int):
    """One tap on an anomaly: a repair order appears on the dispatcher board."""
    answer = access_answer(request.user, pk)
    me = _me(request)
    error = ""
    if answer.ticket.engineer_id != me.pk:
        raise PermissionDenied
    try:
        services.open_repair_order(answer, by=me)
    except DomainError as exc:
        error = exc.message
    answer = access_answer(request.user, pk)
    if _is_htmx(request):
        return render(
            request,
            "inspections/_answer.html",
            {"answer": answer, "can_order": True, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect("inspections:ticket", pk=answer.ticket_id)


@login_required
def answer_photo(request, pk: int):
    answer = access_answer(request.user, pk)
    if not answer.photo:
        raise Http404
    name = Path(answer.photo.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(answer.photo.open("rb"), filename=name, content_type=content_type)


@login_required
@require_POST
def skip_request(request, pk: int):
    ticket = access_ticket(request.user, pk)
    try:
        services.request_skip(ticket, by=_me(request), reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your request to skip was sent to the area supervisor."))
    return redirect("inspections:ticket", pk=ticket.pk)


@login_required
def skips(request):
    """INS-01: the area supervisor's inbox of skip requests, and the history."""
    me = person_of(request.user)
    qs = skips_for(request.user)
    pending = qs.filter(status=SkipRequest.Status.PENDING)
    if me is not None:
        pending = [s for s in pending if services.may_decide_skip(me, s)]
    decided = qs.exclude(status=SkipRequest.Status.PENDING)[:50]
    return render(request, "inspections/skips.html", {"pending": pending, "decided": decided})


@login_required
@require_POST
def skip_decide(request, pk: int):
    skip = access_skip(request.user, pk)
    try:
        services.decide_skip(
            skip,
            by=_me(request),
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("inspections:skips")


@login_required
def assets(request):
    form = AssetFilterForm(request.GET or None)
    qs = assets_for(request.user).filter(active=True)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    page = Paginator(qs.order_by("kind", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "inspections/assets.html", {"form": form, "page": page})


@login_required
def ticket_list(request):
    """Tickets in the user's scope: open, done, skipped or missed (due passed, not done)."""
    today = clock.today()
    status = request.GET.get("status", "open")
    qs = tickets_for(request.user)
    if status == "missed":
        qs = qs.filter(status=Ticket.Status.OPEN, due_on__lt=today)
    elif status in Ticket.Status.values:
        qs = qs.filter(status=status)
    qs = qs.order_by("-due_on", "pk") if status != "open" else qs.order_by("due_on", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for t in page:
        t.overdue = t.status == "open" and t.due_on < today
    statuses = [("open", _("Open")), ("missed", _("Missed")), *Ticket.Status.choices[1:]]
    return render(
        request,
        "inspections/tickets.html",
        {"page": page, "status": status, "statuses": statuses},
    )


@login_required
def spotchecks(request):
    """CB-03: the dispatch centre's call list of sampled done tickets, and the findings."""
    qs = spot_checks_for(request.user)
    pending = list(
        qs.select_related("ticket__asset__customer")
        .filter(result=SpotCheck.Result.PENDING)
        .order_by("sampled_at")[:100]
    )
    for check in pending:  # SEC-05: the full number only for those who call from the desk
        customer = check.ticket.asset.customer
        check.phone = customer_phone_for(request.user, customer) if customer else ""
    recorded = qs.exclude(result=SpotCheck.Result.PENDING).order_by("-checked_at")[:50]
    return render(
        request,
        "inspections/spotchecks.html",
        {"pending": pending, "recorded": recorded, "can_check": can_spot_check(request.user)},
    )


@login_required
@require_POST
def spotcheck_record(request, pk: int):
    if not can_spot_check(request.user):
        raise Http404
    check = access_spot_check(request.user, pk)
    try:
        services.record_spot_check(
            check,
            by=_me(request),
            matched=request.POST.get("result") == "match",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Spot check recorded."))
    return redirect(reverse("inspections:spotchecks"))
