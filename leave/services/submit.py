"""Filing a request: every check of REQ-01..09, ATT-02 and ATT-09, then its approval chain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from leave import rules
from leave.models import ApprovalStep, Half, LeaveType, Request
from leave.queries import COVER_ASSIGNERS, cc_candidates_for
from leave.services.approvers import resolve_chain
from leave.services.common import (
    ATTACHMENT_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    MAX_DAYS_AHEAD,
    MAX_OVERTIME,
    MAX_SPAN_DAYS,
    OPEN,
    describe_period,
    kind_label,
    notify_on_commit,
    period_of,
    person_acting,
    request_policy,
    request_url,
    user_of,
    workday_test,
)
from leave.services.decisions import approve_request
from people.models import Person
from people.queries import people_for, sees_everything


def _check_may_file(person: Person, by: Any) -> None:
    actor = person_acting(by)
    if actor is not None and actor.pk == person.pk:
        return
    user = user_of(by)
    allowed = sees_everything(user) or (actor is not None and actor.role in COVER_ASSIGNERS)
    if not (allowed and people_for(user).filter(pk=person.pk).exists()):
        raise DomainError(_("You may only file requests for yourself."))


def _check_attachment(attachment: Any) -> None:
    if not attachment:
        return
    if Path(getattr(attachment, "name", "")).suffix.lower() not in ATTACHMENT_SUFFIXES:
        raise DomainError(_("Attach a PDF or a photo (JPG, PNG, HEIC, WebP)."), field="attachment")
    if (getattr(attachment, "size", 0) or 0) > MAX_ATTACHMENT_BYTES:
        raise DomainError(_("The attachment is larger than 10 MB."), field="attachment")


def overlapping(person: Person, period: rules.Period, *, exclude_pk: int | None = None):
    """The person's pending or approved leave, trips and secondments sharing a half day."""
    candidates = Request.objects.filter(
        person=person,
        kind__in=rules.ABSENCE_KINDS,
        status__in=OPEN,
        start_date__lte=period.end_date,
        end_date__gte=period.start_date,
    ).exclude(pk=exclude_pk)
    return [r for r in candidates if rules.overlaps(period, period_of(r))]


def _validate_period(
    person: Person,
    kind: str,
    period: rules.Period,
    *,
    leave_type: LeaveType | None,
    emergency: bool,
    attachment: Any,
    today: date,
    policy: rules.RequestPolicy,
) -> Decimal:
    """Checks of leave, trips and secondments; returns the working days taken."""
    if period.start_half not in Half.values:
        raise DomainError(_("Choose morning or afternoon."), field="start_half")
    if period.end_half not in Half.values:
        raise DomainError(_("Choose morning or afternoon."), field="end_half")
    if not rules.period_in_order(period):
        raise DomainError(_("The end is before the start."), field="end_date")
    if (period.end_date - period.start_date).days >= MAX_SPAN_DAYS:
        raise DomainError(_("A request covers at most one year."), field="end_date")
    if (period.start_date - today).days > MAX_DAYS_AHEAD:
        raise DomainError(_("Requests are filed at most one year ahead."), field="start_date")
    # One calendar covers the period and the REQ-03 deadline after it.
    lookahead = max(period.end_date, today) + timedelta(days=60)
    is_workday = workday_test(person, min(period.start_date, today), lookahead)
    days = rules.request_days(period, is_workday)
    if kind == Request.Kind.LEAVE and days == 0:
        raise DomainError(_("The period contains no working day."), field="end_date")
    if not rules.notice_ok(
        kind,
        bool(leave_type and leave_type.needs_notice),
        period.start_date,
        today,
        policy,
        emergency=emergency,
    ):
        raise DomainError(
            _(
                "REQ-02: {type} is applied for at least {days} day(s) in advance. "
                "For a sudden illness or accident tick “emergency”."
            ).format(type=leave_type, days=policy.personal_leave_notice_days),
            field="start_date",
        )
    if rules.is_retroactive(period.start_date, today):
        if not emergency:
            raise DomainError(
                _(
                    "REQ-03: this has already begun. File it as an emergency request "
                    "(sudden illness, accident) and tell your group leader."
                ),
                field="emergency",
            )
        if not rules.retro_allowed(period.end_date, today, is_workday, policy):
            deadline = rules.retro_deadline(period.end_date, is_workday, policy)
            raise DomainError(
                _(
                    "REQ-03: an emergency request had to be filed by {deadline}. "
                    "The days stay absent (REQ-04)."
                ).format(deadline=deadline),
                field="start_date",
            )
    if (
        leave_type is not None
        and rules.certificate_required(leave_type.needs_certificate, days, policy)
        and not attachment
    ):
        raise DomainError(
            _("REQ-05: {type} of more than {days} day(s) needs a hospital certificate.").format(
                type=leave_type, days=policy.sick_certificate_after_days
            ),
            field="attachment",
        )
    clash = overlapping(person, period)
    if clash:
        other = clash[0]
        raise DomainError(
            _(
                "This overlaps your request #{pk} ({kind}, {start} to {end}). "
                "Withdraw or change that one first."
            ).format(
                pk=other.pk,
                kind=other.get_kind_display(),
                start=other.start_date,
                end=other.end_date,
            ),
            field="start_date",
        )
    return days


def _validate_overtime(
    person: Person,
    start_at: datetime | None,
    end_at: datetime | None,
    *,
    emergency: bool,
    now: datetime,
    policy: rules.RequestPolicy,
) -> Decimal:
    """ATT-09: prior approval of a time range; returns the hours."""
    if start_at is None:
        raise DomainError(_("Give the start time."), field="start_at")
    if end_at is None:
        raise DomainError(_("Give the end time."), field="end_at")
    if end_at <= start_at:
        raise DomainError(_("The end is before the start."), field="end_at")
    if end_at - start_at > MAX_OVERTIME:
        raise DomainError(_("File overtime for at most 24 hours at a time."), field="end_at")
    if start_at - now > timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(_("Requests are filed at most one year ahead."), field="start_at")
    if start_at < now:
        if not emergency:
            raise DomainError(
                _(
                    "ATT-09: overtime is approved before it starts. For an emergency tick “emergency”."
                ),
                field="start_at",
            )
        day = timezone.localdate(end_at)
        is_workday = workday_test(person, day, day + timedelta(days=60))
        if not rules.retro_allowed(day, timezone.localdate(now), is_workday, policy):
            raise DomainError(
                _("REQ-03: an emergency request had to be filed by {deadline}.").format(
                    deadline=rules.retro_deadline(day, is_workday, policy)
                ),
                field="start_at",
            )
    clash = Request.objects.filter(
        person=person,
        kind=Request.Kind.OVERTIME,
        status__in=OPEN,
        start_at__lt=end_at,
        end_at__gt=start_at,
    ).first()
    if clash:
        raise DomainError(
            _("This overlaps your overtime request #{pk}.").format(pk=clash.pk), field="start_at"
        )
    hours = rules.overtime_hours(start_at, end_at)
    if hours == 0:
        raise DomainError(_("Overtime is filed in half hours."), field="end_at")
    return hours


def _validate_makeup(
    person: Person, at: datetime | None, *, now: datetime, policy: rules.RequestPolicy
) -> None:
    """ATT-02: a make-up punch is for a past time, limited per month."""
    if at is None:
        raise DomainError(_("Give the time of the missing punch."), field="start_at")
    if at > now:
        raise DomainError(_("A make-up punch is for a time that has passed."), field="start_at")
    if now - at > timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(_("That punch is more than a year ago."), field="start_at")
    day = timezone.localdate(at)
    month_start = day.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    already = Request.objects.filter(
        person=person,
        kind=Request.Kind.MAKEUP,
        status__in=OPEN,
        start_date__gte=month_start,
        start_date__lt=next_month,
    ).count()
    if not rules.makeup_allowed(already, policy):
        raise DomainError(
            _("ATT-02: at most {limit} make-up punches per month; {month} has {count}.").format(
                limit=policy.makeup_punches_per_month, month=f"{month_start:%Y-%m}", count=already
            ),
            field="start_at",
        )


@transaction.atomic
def submit_request(
    person: Person,
    *,
    by: Any,
    kind: str,
    reason: str,
    leave_type: LeaveType | None = None,
    start_date: date | None = None,
    start_half: str = Half.AM,
    end_date: date | None = None,
    end_half: str = Half.PM,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
    emergency: bool = False,
    destination: str = "",
    requesting_unit: str = "",
    attachment: Any = None,
    cc: Iterable[Person] = (),
    idempotency_key: str | None = None,
) -> Request:
    """File a request and build its approval chain (REQ-01..09, ATT-09, ATT-02).

    Refused with a DomainError naming the field: bad or overlapping dates, missing notice
    (REQ-02), an emergency request past its deadline (REQ-03), a missing certificate (REQ-05),
    too many make-up punches this month. A retry with the same `idempotency_key` returns the
    request filed the first time. The first approver and the people on copy are notified.
    """
    if idempotency_key:
        existing = Request.objects.filter(person=person, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    _check_may_file(person, by)
    if not person.active:
        raise DomainError(_("This person has left."))
    # Serialise this person's submissions: the overlap and monthly-limit checks stay true.
    Person.objects.select_for_update().filter(pk=person.pk).exists()
    now, today = clock.now(), clock.today()
    policy = request_policy(person, today)

    if kind not in Request.Kind.values:
        raise DomainError(_("Choose what you are asking for."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    if len(reason) > 1000:
        raise DomainError(_("The reason is too long (at most 1000 characters)."), field="reason")
    if kind == Request.Kind.LEAVE:
        if leave_type is None or not leave_type.active:
            raise DomainError(_("Choose the type of leave."), field="leave_type")
    else:
        leave_type = None
    _check_attachment(attachment)
    cc = list(cc)
    if cc:
        allowed = set(cc_candidates_for(person).values_list("pk", flat=True))
        if any(p.pk not in allowed for p in cc):
            raise DomainError(_("You cannot copy this person."), field="cc")

    days = hours = Decimal(0)
    if kind in rules.ABSENCE_KINDS:
        if start_date is None:
            raise DomainError(_("Give the first day."), field="start_date")
        if end_date is None:
            raise DomainError(_("Give the last day."), field="end_date")
        if kind == Request.Kind.TRIP and not destination.strip():
            raise DomainError(_("Give the destination of the trip."), field="destination")
        if kind == Request.Kind.SECONDMENT and not requesting_unit.strip():
            raise DomainError(_("Give the unit that asks for you."), field="requesting_unit")
        period = rules.Period(start_date, end_date, start_half, end_half)
        days = _validate_period(
            person,
            kind,
            period,
            leave_type=leave_type,
            emergency=emergency,
            attachment=attachment,
            today=today,
            policy=policy,
        )
        start_at = end_at = None
    elif kind == Request.Kind.OVERTIME:
        hours = _validate_overtime(
            person, start_at, end_at, emergency=emergency, now=now, policy=policy
        )
        start_date, end_date = timezone.localdate(start_at), timezone.localdate(end_at)
    else:
        _validate_makeup(person, start_at, now=now, policy=policy)
        end_at = None
        start_date = end_date = timezone.localdate(start_at)

    chain = rules.approval_chain(
        kind, days, rules.PersonFacts(employment_type=person.employment_type), policy
    )
    steps = resolve_chain(person, chain)

    req = Request(
        person=person,
        kind=kind,
        leave_type=leave_type,
        start_date=start_date,
        start_half=start_half if kind in rules.ABSENCE_KINDS else Half.AM,
        end_date=end_date,
        end_half=end_half if kind in rules.ABSENCE_KINDS else Half.PM,
        start_at=start_at,
        end_at=end_at,
        days=days,
        hours=hours,
        reason=reason,
        emergency=emergency,
        destination=destination.strip()[:120] if kind == Request.Kind.TRIP else "",
        requesting_unit=requesting_unit.strip()[:120] if kind == Request.Kind.SECONDMENT else "",
        idempotency_key=idempotency_key or None,
        created_at=now,
        created_by=user_of(by) if getattr(user_of(by), "pk", None) else None,
    )
    if attachment:
        req.attachment = attachment
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError:
        # A concurrent retry with the same idempotency key won the race.
        existing = Request.objects.filter(person=person, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    if cc:
        req.cc.set(cc)
    ApprovalStep.objects.bulk_create(
        ApprovalStep(
            request=req,
            order=index,
            approver=approver,
            basis=basis,
            status=ApprovalStep.Status.PENDING if index == 1 else ApprovalStep.Status.WAITING,
        )
        for index, (approver, basis) in enumerate(steps, start=1)
    )
    audit.record(
        req,
        "leave.request.submitted",
        by=by,
        data={
            "kind": kind,
            "leave_type": leave_type.code if leave_type else "",
            "start_date": start_date,
            "start_half": req.start_half,
            "end_date": end_date,
            "end_half": req.end_half,
            "start_at": start_at,
            "end_at": end_at,
            "days": days,
            "hours": hours,
            "emergency": emergency,
            "attachment": bool(attachment),
            "cc": [p.name for p in cc],
            "chain": [f"{basis}: {approver.name}" for approver, basis in steps],
        },
    )
    params = {"name": person.name, "kind": kind_label(req), "period": describe_period(req)}
    url = request_url(req)
    if steps:
        notify_on_commit(
            steps[0][0].pk,
            event="leave.step.pending",
            title=gettext_lazy("{name} asks for your approval: {kind}"),
            body="{period}",
            url=url,
            params=params,
        )
    for person_cc in cc:
        notify_on_commit(
            person_cc.pk,
            event="leave.request.cc",
            title=gettext_lazy("Copy: {name} filed a request for {kind}"),
            body="{period}",
            url=url,
            params=params,
        )
    if not steps:  # e.g. overtime when the policy asks for no prior approval (ATT-09)
        approve_request(req, by=by, now=now)
    return req
