"""After approval: reserve cover (REQ-10) and the trip report (REQ-07)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from leave import rules
from leave.models import ApprovalStep, Request
from leave.queries import can_assign_cover
from leave.services.common import (
    describe_period,
    locked,
    notify_on_commit,
    period_of,
    person_acting,
    request_policy,
    request_url,
    user_of,
)
from leave.services.submit import overlapping
from notifications.services import notify
from people.models import Person


@transaction.atomic
def assign_cover(request: Request, *, by: Any, cover: Person) -> Request:
    """REQ-10: a manager assigns a reserve engineer to cover an approved leave."""
    req = locked(request)
    if not can_assign_cover(user_of(by), req):
        raise DomainError(_("You may not assign cover for this request."))
    policy = request_policy(req.person, clock.today())
    if not policy.reserve_cover:
        raise DomainError(_("REQ-10: the policy does not use reserve cover."), field="cover")
    if cover.pk == req.person_id or not cover.active:
        raise DomainError(_("Choose another person."), field="cover")
    if not rules.cover_allowed(req.kind, req.status, cover.employment_type, policy):
        raise DomainError(
            _("REQ-10: only a reserve engineer covers an approved leave."), field="cover"
        )
    period = period_of(req)
    if overlapping(cover, period):
        raise DomainError(_("{name} is away at that time.").format(name=cover.name), field="cover")
    busy = Request.objects.filter(
        cover=cover,
        status=Request.Status.APPROVED,
        start_date__lte=req.end_date,
        end_date__gte=req.start_date,
    ).exclude(pk=req.pk)
    if any(rules.overlaps(period, period_of(other)) for other in busy):
        raise DomainError(
            _("{name} already covers someone at that time.").format(name=cover.name), field="cover"
        )
    before = req.cover
    req.cover = cover
    req.save(update_fields=["cover"])
    audit.record(req, "leave.request.cover_assigned", by=by, changes={"cover": [before, cover]})
    params = {"name": req.person.name, "cover": cover.name, "period": describe_period(req)}
    notify_on_commit(
        cover.pk,
        event="leave.cover.assigned",
        title=gettext_lazy("You cover {name}"),
        body="{period}",
        url=request_url(req),
        params=params,
    )
    notify_on_commit(
        req.person_id,
        event="leave.cover.assigned",
        title=gettext_lazy("{cover} covers your leave"),
        body="{period}",
        url=request_url(req),
        params=params,
    )
    return req


def trip_report_due(req: Request) -> date | None:
    """REQ-07: when the trip report of an approved trip is due (None for other requests)."""
    if req.kind != Request.Kind.TRIP or req.status != Request.Status.APPROVED:
        return None
    return rules.trip_report_due(req.end_date, request_policy(req.person, req.end_date))


@transaction.atomic
def submit_trip_report(request: Request, *, by: Any, text: str) -> Request:
    """REQ-07: after return the traveller hands in a trip report; the approvers are told."""
    req = locked(request)
    actor = person_acting(by)
    if actor is None or actor.pk != req.person_id:
        raise DomainError(_("Only the traveller hands in the trip report."))
    if req.kind != Request.Kind.TRIP or req.status != Request.Status.APPROVED:
        raise DomainError(_("A trip report belongs to an approved business trip."))
    if req.trip_report_at is not None:
        raise DomainError(_("The trip report has already been handed in."))
    if clock.today() < req.end_date:
        raise DomainError(
            _("The trip report is handed in after return (from {date}).").format(date=req.end_date),
            field="text",
        )
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the trip report."), field="text")
    if len(text) > 10000:
        raise DomainError(
            _("The trip report is too long (at most 10000 characters)."), field="text"
        )
    due = trip_report_due(req)
    req.trip_report = text
    req.trip_report_at = clock.now()
    req.save(update_fields=["trip_report", "trip_report_at"])
    audit.record(
        req,
        "leave.trip_report.submitted",
        by=by,
        data={"due": due, "late": bool(due and clock.today() > due), "length": len(text)},
    )
    approvers = req.steps.filter(status=ApprovalStep.Status.APPROVED).values_list(
        "approver_id", flat=True
    )
    for approver_id in dict.fromkeys(approvers):
        notify_on_commit(
            approver_id,
            event="leave.trip_report.submitted",
            title=gettext_lazy("{name} handed in the trip report"),
            body=gettext_lazy("{destination}, {period}"),
            url=request_url(req),
            params={
                "name": req.person.name,
                "destination": req.destination,
                "period": describe_period(req),
            },
        )
    return req


def remind_trip_report(request_id: int) -> bool:
    """REQ-07: ask the traveller once for the report of an approved trip that has ended."""
    from notifications.models import Notification

    req = Request.objects.select_related("person").get(pk=request_id)
    if req.kind != Request.Kind.TRIP or req.status != Request.Status.APPROVED:
        return False
    if req.trip_report_at is not None or clock.today() <= req.end_date:
        return False
    url = request_url(req)
    if Notification.objects.filter(
        recipient=req.person, event="leave.trip_report.due", url=url
    ).exists():
        return False
    notify(
        req.person,
        event="leave.trip_report.due",
        title=gettext_lazy("Hand in your trip report by {due}"),
        body=gettext_lazy("{destination}, {period}"),
        url=url,
        params={
            "due": trip_report_due(req),
            "destination": req.destination,
            "period": describe_period(req),
        },
    )
    return True
