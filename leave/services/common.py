"""Helpers shared by the request services: actors, policy, calendar, notifications, on-commit work."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from core.policy import policy_for
from core.workcalendar import WorkCalendar
from leave import rules
from leave.models import Half, Request
from notifications.services import notify
from people.models import Person
from people.queries import person_of

MAX_DAYS_AHEAD = 366
MAX_SPAN_DAYS = 366
MAX_OVERTIME = timedelta(hours=24)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".webp"}
OPEN = (Request.Status.PENDING, Request.Status.APPROVED)


def user_of(by: Any) -> Any:
    return getattr(by, "user", by)


def person_acting(by: Any) -> Person | None:
    return by if isinstance(by, Person) else person_of(by)


def request_policy(person: Person, on: date) -> rules.RequestPolicy:
    """The request rules in force for a person: his client's variant, else his employer's."""
    return rules.RequestPolicy.from_policy(
        policy_for(person.client_id or person.employer_id, on=on)
    )


def workday_test(person: Person, start: date, end: date) -> rules.IsWorkday:
    """Working days from the working calendar (ATT-08) for the dates around a request."""
    policy = policy_for(person.client_id or person.employer_id, on=start)
    calendar = WorkCalendar(start, end, use_cn_calendar=policy["att.cn_calendar"])
    return lambda day: calendar.day(day).is_workday


def period_of(req: Request) -> rules.Period:
    return rules.Period(req.start_date, req.end_date, req.start_half, req.end_half)


def request_url(req: Request) -> str:
    return reverse("leave:detail", args=[req.pk])


def _describe_period(req: Request) -> str:
    """The period in the active language, for notifications."""
    if req.kind in rules.ABSENCE_KINDS:
        return _("{start} {start_half} to {end} {end_half} ({days} days)").format(
            start=req.start_date,
            start_half=Half(req.start_half).label,
            end=req.end_date,
            end_half=Half(req.end_half).label,
            days=req.days,
        )
    start = timezone.localtime(req.start_at).strftime("%Y-%m-%d %H:%M")
    if req.kind == Request.Kind.OVERTIME:
        end = timezone.localtime(req.end_at).strftime("%Y-%m-%d %H:%M")
        return _("{start} to {end} ({hours} h)").format(start=start, end=end, hours=req.hours)
    return start


describe_period = lazy(_describe_period, str)


def kind_label(req: Request) -> Any:
    return Request.Kind(req.kind).label  # lazy: rendered in the recipient's language


def notify_on_commit(recipient_id: int, **kwargs: Any) -> None:
    def send() -> None:
        notify(Person.objects.get(pk=recipient_id), **kwargs)

    transaction.on_commit(send)


def schedule_recompute(req: Request) -> None:
    """Attendance judges the days again once the decision is committed (REQ-04, REQ-07)."""
    if req.kind in rules.ABSENCE_KINDS:
        start, end = req.start_date, req.end_date
    elif req.kind == Request.Kind.MAKEUP:
        start = end = timezone.localdate(req.start_at)
    else:  # overtime is filed with HR (ATT-09); it does not change how a day is judged
        return
    person_id = req.person_id

    def recompute() -> None:
        # Imported here: attendance reads approved requests, so it depends on this app.
        from attendance import services as attendance_services

        attendance_services.recompute_days(person_ids=[person_id], start=start, end=end)

    transaction.on_commit(recompute)


def locked(req: Request) -> Request:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to leave_type.
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("person", "leave_type")
        .get(pk=req.pk)
    )
