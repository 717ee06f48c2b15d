"""Requests and approvals (REQ-01..11, ATT-09): one named write path per operation.

Each operation runs in a transaction, asks `leave.rules` for the decisions, writes an audit
entry and schedules its side effects (notifications, attendance recomputation) on commit.
`by` is the acting User or Person; the applicant is always a Person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from core.policy import policy_for
from core.workcalendar import WorkCalendar
from leave import rules
from leave.models import ApprovalStep, Half, LeaveType, Request
from leave.queries import COVER_ASSIGNERS, can_assign_cover, cc_candidates_for
from notifications.services import notify
from people.models import Person
from people.queries import people_for, person_of, sees_everything
from people.roles import Role

# Leave, trips and secondments may be planned up to a year ahead and last up to a year.
MAX_DAYS_AHEAD = 366
MAX_SPAN_DAYS = 366
MAX_OVERTIME = timedelta(hours=24)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".webp"}
OPEN = (Request.Status.PENDING, Request.Status.APPROVED)


# --- helpers ---------------------------------------------------------------------------------


def _user(by: Any) -> Any:
    return getattr(by, "user", by)


def _person(by: Any) -> Person | None:
    return by if isinstance(by, Person) else person_of(by)


def request_policy(person: Person, on: date) -> rules.RequestPolicy:
    """The request rules in force for a person: his client's variant, else his employer's."""
    return rules.RequestPolicy.from_policy(
        policy_for(person.client_id or person.employer_id, on=on)
    )


def _is_workday(person: Person, start: date, end: date) -> rules.IsWorkday:
    """Working days from the working calendar (ATT-08) for the dates around a request."""
    policy = policy_for(person.client_id or person.employer_id, on=start)
    calendar = WorkCalendar(start, end, use_cn_calendar=policy["att.cn_calendar"])
    return lambda day: calendar.day(day).is_workday


def _period(req: Request) -> rules.Period:
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


def _kind_label(req: Request) -> Any:
    return Request.Kind(req.kind).label  # lazy: rendered in the recipient's language


def _on_commit_notify(recipient_id: int, **kwargs: Any) -> None:
    def send() -> None:
        notify(Person.objects.get(pk=recipient_id), **kwargs)

    transaction.on_commit(send)


def _schedule_recompute(req: Request) -> None:
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


def _locked(req: Request) -> Request:
    return Request.objects.select_for_update().select_related("person", "leave_type").get(pk=req.pk)


# --- approvers -------------------------------------------------------------------------------


def _nearest_in_units(person: Person, role: str) -> Person | None:
    """An active person with `role` in the person's unit, else the closest unit above it."""
    if person.unit_id is None:
        return None
    unit_ids = [int(p) for p in person.unit.path.strip("/").split("/") if p][::-1]
    found = {
        p.unit_id: p
        for p in Person.objects.filter(unit_id__in=unit_ids, role=role, active=True)
        .exclude(pk=person.pk)
        .order_by("-pk")
    }
    return next((found[u] for u in unit_ids if u in found), None)


def _team_leader(person: Person) -> Person | None:
    return person.team.leader if person.team_id and person.team.leader_id else None


def _client_pic(person: Person) -> Person | None:
    if person.client_id is None:
        return None
    return (
        Person.objects.filter(client_id=person.client_id, role=Role.CLIENT_PIC, active=True)
        .exclude(pk=person.pk)
        .order_by("pk")
        .first()
    )


def _ops_manager(person: Person) -> Person | None:
    return (
        Person.objects.filter(role=Role.OPS_MANAGER, active=True)
        .exclude(pk=person.pk)
        .order_by("pk")
        .first()
    )


def _station_head(person: Person) -> Person | None:
    return _nearest_in_units(person, Role.STATION_HEAD)


def _station_manager(person: Person) -> Person | None:
    # 站长 and 区站经理 share one line in RULES §1: a station manager heads a station too.
    return _nearest_in_units(person, Role.STATION_MANAGER)


def _manager(person: Person) -> Person | None:
    return person.manager if person.manager_id else None


_HEAD = [_station_head, _manager, _station_manager, _ops_manager]
RESOLVERS = {
    rules.Approver.GROUP_LEADER: [
        _team_leader,
        _manager,
        _station_head,
        _station_manager,
        _ops_manager,
    ],
    rules.Approver.CLIENT_PIC: [_client_pic, _ops_manager],
    rules.Approver.STATION_HEAD: _HEAD,
    rules.Approver.UNIT_LEADER: _HEAD,
}
APPROVER_LABELS = {
    rules.Approver.GROUP_LEADER: gettext_lazy("group leader"),
    rules.Approver.CLIENT_PIC: gettext_lazy("client's person in charge"),
    rules.Approver.STATION_HEAD: gettext_lazy("station head"),
    rules.Approver.UNIT_LEADER: gettext_lazy("requesting unit's leader"),
}


def resolve_approver(person: Person, who: rules.Approver) -> Person | None:
    """The first resolver that finds an active person other than the applicant: nobody
    approves his own request, so a group leader's leave goes to his manager or station head."""
    for resolver in RESOLVERS[who]:
        candidate = resolver(person)
        if candidate is not None and candidate.pk != person.pk and candidate.active:
            return candidate
    return None


def _resolve_chain(person: Person, chain: list[rules.StepSpec]) -> list[tuple[Person, str]]:
    """(approver, basis) per step; one person holding two roles on the chain decides once."""
    steps: list[tuple[Person, str]] = []
    for spec in chain:
        approver = resolve_approver(person, spec.who)
        if approver is None:
            raise DomainError(
                _(
                    "{rule}: nobody can approve this as {who}. Ask an administrator to set the "
                    "team leader, manager or client contact."
                ).format(rule=spec.basis_rule_id, who=APPROVER_LABELS[spec.who])
            )
        for index, (existing, basis) in enumerate(steps):
            if existing.pk == approver.pk:
                steps[index] = (existing, f"{basis}; {spec.basis}"[:120])
                break
        else:
            steps.append((approver, spec.basis))
    return steps


# --- submit ----------------------------------------------------------------------------------


def _check_may_file(person: Person, by: Any) -> None:
    actor = _person(by)
    if actor is not None and actor.pk == person.pk:
        return
    user = _user(by)
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


def _overlapping(person: Person, period: rules.Period, *, exclude_pk: int | None = None):
    """The person's pending or approved leave, trips and secondments sharing a half day."""
    candidates = Request.objects.filter(
        person=person,
        kind__in=rules.ABSENCE_KINDS,
        status__in=OPEN,
        start_date__lte=period.end_date,
        end_date__gte=period.start_date,
    ).exclude(pk=exclude_pk)
    return [r for r in candidates if rules.overlaps(period, _period(r))]


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
    is_workday = _is_workday(person, min(period.start_date, today), lookahead)
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
    clash = _overlapping(person, period)
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
        is_workday = _is_workday(person, day, day + timedelta(days=60))
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
    steps = _resolve_chain(person, chain)

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
        created_by=_user(by) if getattr(_user(by), "pk", None) else None,
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
    params = {"name": person.name, "kind": _kind_label(req), "period": describe_period(req)}
    url = request_url(req)
    if steps:
        _on_commit_notify(
            steps[0][0].pk,
            event="leave.step.pending",
            title=gettext_lazy("{name} asks for your approval: {kind}"),
            body="{period}",
            url=url,
            params=params,
        )
    for person_cc in cc:
        _on_commit_notify(
            person_cc.pk,
            event="leave.request.cc",
            title=gettext_lazy("Copy: {name} filed a request for {kind}"),
            body="{period}",
            url=url,
            params=params,
        )
    if not steps:  # e.g. overtime when the policy asks for no prior approval (ATT-09)
        _approve(req, by=by, now=now)
    return req


# --- decisions -------------------------------------------------------------------------------


def _current_step_of(req: Request, by: Any) -> ApprovalStep:
    if req.status != Request.Status.PENDING:
        raise DomainError(_("This request has already been decided."))
    step = req.steps.filter(status=ApprovalStep.Status.PENDING).select_related("approver").first()
    actor = _person(by)
    if step is None or actor is None or step.approver_id != actor.pk:
        raise DomainError(_("This request is not waiting for your decision."))
    return step


def _claim(step: ApprovalStep, status: str, *, now: datetime, comment: str) -> None:
    """Decide the step only if it is still pending: a double click decides once."""
    updated = ApprovalStep.objects.filter(pk=step.pk, status=ApprovalStep.Status.PENDING).update(
        status=status, decided_at=now, comment=comment
    )
    if not updated:
        raise DomainError(_("This step has already been decided."))


def _notify_applicant_and_cc(
    req: Request, *, event: str, title: Any, body: Any, params: dict
) -> None:
    url = request_url(req)
    recipients = [req.person_id, *req.cc.values_list("pk", flat=True)]
    for recipient_id in dict.fromkeys(recipients):
        _on_commit_notify(recipient_id, event=event, title=title, body=body, url=url, params=params)


def _approve(req: Request, *, by: Any, now: datetime) -> None:
    """The last step approved: the request takes effect."""
    req.status = Request.Status.APPROVED
    req.decided_at = now
    req.save(update_fields=["status", "decided_at"])
    audit.record(req, "leave.request.approved", by=by, changes={"status": ["pending", "approved"]})
    if req.kind == Request.Kind.MAKEUP:
        from attendance import services as attendance_services
        from attendance.models import Punch

        attendance_services.record_punch(
            req.person,
            at=req.start_at,
            source=Punch.Source.MAKEUP,
            by=_user(by),
            idempotency_key=f"makeup-request-{req.pk}",
        )
    _schedule_recompute(req)
    params = {"kind": _kind_label(req), "period": describe_period(req)}
    body: Any = "{period}"
    if req.kind == Request.Kind.TRIP:
        policy = request_policy(req.person, clock.today())
        params["due"] = rules.trip_report_due(req.end_date, policy)
        body = gettext_lazy(
            "{period}. No sign-in is needed during the trip; hand in a trip report by {due} (REQ-07)."
        )
    _notify_applicant_and_cc(
        req,
        event="leave.request.approved",
        title=gettext_lazy("Approved: {kind}"),
        body=body,
        params=params,
    )


@transaction.atomic
def approve_step(request: Request, *, by: Any, comment: str = "") -> Request:
    """The current approver approves his step (REQ-11: who, when, comment are kept). The next
    approver is asked; after the last step the request is approved, a make-up punch is recorded
    and attendance is recomputed."""
    req = _locked(request)
    step = _current_step_of(req, by)
    comment = (comment or "").strip()[:500]
    now = clock.now()
    _claim(step, ApprovalStep.Status.APPROVED, now=now, comment=comment)
    audit.record(
        req,
        "leave.step.approved",
        by=by,
        data={
            "step": step.order,
            "basis": step.basis,
            "approver": step.approver.name,
            "comment": comment,
        },
    )
    following = req.steps.filter(status=ApprovalStep.Status.WAITING).order_by("order").first()
    if following is None:
        _approve(req, by=by, now=now)
        return req
    following.status = ApprovalStep.Status.PENDING
    following.save(update_fields=["status"])
    params = {"name": req.person.name, "kind": _kind_label(req), "period": describe_period(req)}
    _on_commit_notify(
        following.approver_id,
        event="leave.step.pending",
        title=gettext_lazy("{name} asks for your approval: {kind}"),
        body="{period}",
        url=request_url(req),
        params=params,
    )
    _on_commit_notify(
        req.person_id,
        event="leave.step.approved",
        title=gettext_lazy("{approver} approved your request for {kind}; now waiting for {next}"),
        url=request_url(req),
        params={
            "approver": step.approver.name,
            "kind": _kind_label(req),
            "next": following.approver.name,
        },
    )
    return req


@transaction.atomic
def reject_step(request: Request, *, by: Any, comment: str = "") -> Request:
    """The current approver rejects: the request is rejected and the later steps cancelled.
    Leave not approved counts as absence (REQ-04), so attendance is recomputed."""
    req = _locked(request)
    step = _current_step_of(req, by)
    comment = (comment or "").strip()[:500]
    now = clock.now()
    _claim(step, ApprovalStep.Status.REJECTED, now=now, comment=comment)
    req.steps.filter(status=ApprovalStep.Status.WAITING).update(
        status=ApprovalStep.Status.CANCELLED
    )
    req.status = Request.Status.REJECTED
    req.decided_at = now
    req.save(update_fields=["status", "decided_at"])
    audit.record(
        req,
        "leave.step.rejected",
        by=by,
        data={
            "step": step.order,
            "basis": step.basis,
            "approver": step.approver.name,
            "comment": comment,
        },
    )
    audit.record(req, "leave.request.rejected", by=by, changes={"status": ["pending", "rejected"]})
    _schedule_recompute(req)
    _notify_applicant_and_cc(
        req,
        event="leave.request.rejected",
        title=gettext_lazy("Rejected: {kind}"),
        body=gettext_lazy("{approver}: {comment}") if comment else "{period}",
        params={
            "kind": _kind_label(req),
            "approver": step.approver.name,
            "comment": comment,
            "period": describe_period(req),
        },
    )
    return req


@transaction.atomic
def withdraw_request(request: Request, *, by: Any) -> Request:
    """REQ-11: the applicant withdraws his request while it is still pending."""
    req = _locked(request)
    actor = _person(by)
    if actor is None or actor.pk != req.person_id:
        raise DomainError(_("Only the applicant can withdraw a request."))
    if req.status != Request.Status.PENDING:
        raise DomainError(_("Only a pending request can be withdrawn."))
    waiting_for = list(
        req.steps.filter(status=ApprovalStep.Status.PENDING).values_list("approver_id", flat=True)
    )
    req.steps.filter(status__in=[ApprovalStep.Status.PENDING, ApprovalStep.Status.WAITING]).update(
        status=ApprovalStep.Status.CANCELLED
    )
    req.status = Request.Status.WITHDRAWN
    req.save(update_fields=["status"])
    audit.record(
        req, "leave.request.withdrawn", by=by, changes={"status": ["pending", "withdrawn"]}
    )
    _schedule_recompute(req)
    for approver_id in waiting_for:
        _on_commit_notify(
            approver_id,
            event="leave.request.withdrawn",
            title=gettext_lazy("{name} withdrew the request for {kind}"),
            body="{period}",
            url=request_url(req),
            params={
                "name": req.person.name,
                "kind": _kind_label(req),
                "period": describe_period(req),
            },
        )
    return req


# --- after approval: cover and trip report ---------------------------------------------------


@transaction.atomic
def assign_cover(request: Request, *, by: Any, cover: Person) -> Request:
    """REQ-10: a manager assigns a reserve engineer to cover an approved leave."""
    req = _locked(request)
    if not can_assign_cover(_user(by), req):
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
    period = _period(req)
    if _overlapping(cover, period):
        raise DomainError(_("{name} is away at that time.").format(name=cover.name), field="cover")
    busy = Request.objects.filter(
        cover=cover,
        status=Request.Status.APPROVED,
        start_date__lte=req.end_date,
        end_date__gte=req.start_date,
    ).exclude(pk=req.pk)
    if any(rules.overlaps(period, _period(other)) for other in busy):
        raise DomainError(
            _("{name} already covers someone at that time.").format(name=cover.name), field="cover"
        )
    before = req.cover
    req.cover = cover
    req.save(update_fields=["cover"])
    audit.record(req, "leave.request.cover_assigned", by=by, changes={"cover": [before, cover]})
    params = {"name": req.person.name, "cover": cover.name, "period": describe_period(req)}
    _on_commit_notify(
        cover.pk,
        event="leave.cover.assigned",
        title=gettext_lazy("You cover {name}"),
        body="{period}",
        url=request_url(req),
        params=params,
    )
    _on_commit_notify(
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
    req = _locked(request)
    actor = _person(by)
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
        _on_commit_notify(
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
