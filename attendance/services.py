"""Attendance writes: punches, proxy signings, judging days (in bulk), closing a month."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import (
    DayJudgement,
    MonthClose,
    ProxySigning,
    Punch,
    RosterDay,
    ScheduleAssignment,
)
from attendance.rules import AttendancePolicy, DayFacts, Excuse, judge_day
from core import audit, clock
from core.bulk import connection_for, insert_rows
from core.clock import month_bounds
from core.errors import DomainError
from core.policy import Policy, PolicyBook
from core.workcalendar import WorkCalendar
from people.models import Person

JUDGEMENT_FIELDS = [
    "status",
    "workday",
    "late_minutes",
    "late_count",
    "serious_late",
    "absent_late",
    "early_minutes",
    "early_count",
    "missing_in",
    "missing_out",
    "absent_days",
    "leave_type",
    "leave_days",
    "trip_days",
    "rule_ids",
    "evidence",
]
CHUNK = 400  # people judged together: bounds memory for any organisation size


def policy_company_id(person) -> int | None:
    """Whose policy variant applies: the client served (resident staff follow the client's rules),
    else the employer."""
    return person.client_id or person.employer_id


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


# --- punches ------------------------------------------------------------------------------------


def _rounded(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise DomainError(_("The location is not a number."), field="latitude") from None
    return number.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@transaction.atomic
def record_punch(
    person: Person,
    *,
    at: datetime,
    source: str,
    by: Any,
    device: str = "",
    user_agent: str = "",
    ip: str | None = None,
    latitude: Any = None,
    longitude: Any = None,
    idempotency_key: str | None = None,
) -> Punch:
    """Record a sign-in/out (ATT-02). Only for oneself, except an approved make-up punch or an
    import by HR. A retried request with the same idempotency key returns the first punch.
    Location is kept only with the person's consent, rounded to about 100 m (PIPL)."""
    if timezone.is_naive(at):
        raise DomainError(_("The time needs a time zone."), field="at")
    if idempotency_key:
        existing = Punch.objects.filter(person=person, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    keep_location = bool(person.location_consent)
    policy = PolicyBook().policy_for(policy_company_id(person), on=local_day(at))
    punch = Punch.objects.create(
        person=person,
        at=at,
        source=source,
        device=device[:120],
        user_agent=user_agent[:300],
        ip=ip,
        latitude=_rounded(latitude) if keep_location else None,
        longitude=_rounded(longitude) if keep_location else None,
        idempotency_key=idempotency_key or None,
        created_at=clock.now(),
        created_by=getattr(by, "user", by) if getattr(by, "pk", None) else None,
    )
    _flag_shared_device(punch, policy)
    audit.record(punch, "attendance.punch.recorded", by=by, data={"source": source, "at": at})
    recompute_days(person_ids=[person.pk], start=local_day(at), end=local_day(at))
    return punch


def _flag_shared_device(punch: Punch, policy: Policy) -> None:
    """ATT-02: two different people punching from one device within a short window may be a
    proxy signing; both punches are flagged for a supervisor to review."""
    window = policy.duration("att.same_device_minutes")
    if not punch.device or not window:
        return
    others = Punch.objects.filter(
        device=punch.device, at__gte=punch.at - window, at__lte=punch.at + window
    ).exclude(person=punch.person)
    if others.exists():
        reason = _("Same device as another person's punch within {minutes} min (ATT-02)").format(
            minutes=int(window.total_seconds() // 60)
        )
        others.update(flagged=True, flag_reason=reason)
        Punch.objects.filter(pk=punch.pk).update(flagged=True, flag_reason=reason)
        punch.flagged, punch.flag_reason = True, reason


@transaction.atomic
def record_proxy_signing(
    signer: Person, signee: Person, *, day: date, by: Any, note: str = ""
) -> ProxySigning:
    """A supervisor records a confirmed proxy signing: both are absent that day (ATT-02)."""
    if signer.pk == signee.pk:
        raise DomainError(_("Signer and signee must be different people."), field="signee")
    proxy, created = ProxySigning.objects.get_or_create(
        signer=signer,
        signee=signee,
        date=day,
        defaults={"note": note, "recorded_by": getattr(by, "user", by), "recorded_at": clock.now()},
    )
    if created:
        audit.record(proxy, "attendance.proxy.recorded", by=by, data={"date": day, "note": note})
        recompute_days(person_ids=[signer.pk, signee.pk], start=day, end=day)
    return proxy


# --- judging ------------------------------------------------------------------------------------


def _blocks_from_policy(policy: Policy) -> list[tuple[str, str]]:
    """ATT-01 default schedule of the policy in force (e.g. 08:30–11:30 + 13:00–17:00)."""
    if policy["att.split_shift"]:
        return [
            (policy.raw("att.work_start"), policy.raw("att.morning_end")),
            (policy.raw("att.afternoon_start"), policy.raw("att.work_end")),
        ]
    return [(policy.raw("att.work_start"), policy.raw("att.work_end"))]


def _aware(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hours, minutes)))


class _Facts:
    """Loads the facts for a set of people and days with a fixed number of queries."""

    def __init__(self, person_ids: Sequence[int], start: date, end: date, book: PolicyBook):
        self.start, self.end, self.book = start, end, book
        self._blocks_cache: dict[tuple, list[tuple[datetime, datetime]]] = {}
        self.people = {
            p.pk: p
            for p in Person.objects.filter(pk__in=person_ids).only(
                "pk", "client_id", "employer_id", "active"
            )
        }
        self.assignments: dict[int, list[ScheduleAssignment]] = defaultdict(list)
        for a in (
            ScheduleAssignment.objects.filter(person_id__in=person_ids, valid_from__lte=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
            .select_related("template")
        ):
            self.assignments[a.person_id].append(a)
        self.roster = {
            (r.person_id, r.date): r.template
            for r in RosterDay.objects.filter(
                person_id__in=person_ids, date__gte=start, date__lte=end
            ).select_related("template")
        }
        low = timezone.make_aware(datetime.combine(start, time.min))
        high = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        self.punches: dict[tuple[int, date], list[datetime]] = defaultdict(list)
        zone = timezone.get_current_timezone()
        # A plain fetch (at most CHUNK people's punches), not .iterator(): PostgreSQL plans a
        # server-side cursor for the first rows and then walked the whole month by time.
        for person_id, moment in Punch.objects.filter(
            person_id__in=person_ids, at__gte=low, at__lt=high
        ).values_list("person_id", "at"):
            self.punches[(person_id, moment.astimezone(zone).date())].append(moment)
        self.proxy: set[tuple[int, date]] = set()
        for signer, signee, day in (
            ProxySigning.objects.filter(date__gte=start, date__lte=end)
            .filter(Q(signer_id__in=person_ids) | Q(signee_id__in=person_ids))
            .values_list("signer_id", "signee_id", "date")
        ):
            self.proxy.update({(signer, day), (signee, day)})
        self.excuses = self._load_excuses(person_ids)

    def _load_excuses(self, person_ids) -> dict[tuple[int, date], list[Excuse]]:
        from leave.models import (
            Request,  # leave builds on attendance; imported here to avoid a cycle
        )

        kinds = {
            Request.Kind.LEAVE: "leave",
            Request.Kind.TRIP: "trip",
            Request.Kind.SECONDMENT: "seconded",
        }
        excuses: dict[tuple[int, date], list[Excuse]] = defaultdict(list)
        requests = Request.objects.filter(
            person_id__in=person_ids,
            status=Request.Status.APPROVED,
            kind__in=list(kinds),
            start_date__lte=self.end,
            end_date__gte=self.start,
        ).select_related("leave_type")
        for r in requests:
            day = max(r.start_date, self.start)
            while day <= min(r.end_date, self.end):
                halves = ["am", "pm"]
                if day == r.start_date and r.start_half == "pm":
                    halves.remove("am")
                if day == r.end_date and r.end_half == "am":
                    halves.remove("pm")
                for half in halves:
                    excuses[(r.person_id, day)].append(
                        Excuse(
                            kinds[r.kind], half, r.leave_type.code if r.leave_type_id else "", r.pk
                        )
                    )
                day += timedelta(days=1)
        return excuses

    def blocks(
        self, person, day: date, is_workday: bool, policy: Policy
    ) -> list[tuple[datetime, datetime]]:
        if (person.pk, day) in self.roster:  # a duty roster entry decides, holidays included
            template = self.roster[(person.pk, day)]
            return self._aware_blocks(day, template.blocks) if template else []
        template = None
        for a in self.assignments.get(person.pk, ()):
            if a.valid_from <= day and (a.valid_to is None or a.valid_to >= day):
                template = a.template
        if template is not None and not template.follows_calendar:
            return []  # duty staff work only rostered days
        if not is_workday:
            return []
        pairs = template.blocks if template is not None else _blocks_from_policy(policy)
        return self._aware_blocks(day, pairs)

    def _aware_blocks(self, day: date, pairs) -> list[tuple[datetime, datetime]]:
        """The blocks as aware datetimes of the day; computed once per day and schedule, as
        thousands of people share a handful of schedules (the bulk judging hot path)."""
        key = (day, tuple(tuple(pair) for pair in pairs))
        blocks = self._blocks_cache.get(key)
        if blocks is None:
            blocks = self._blocks_cache[key] = [(_aware(day, s), _aware(day, e)) for s, e in pairs]
        return blocks


def judge_people(
    person_ids: Sequence[int],
    start: date,
    end: date,
    *,
    book: PolicyBook | None = None,
    calendar: WorkCalendar | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterable[tuple[int, date, Any]]:
    """(person id, day, DayResult) for every person and day, loading facts in chunks.
    `on_progress(people done, people in all)` is called after each chunk."""
    book = book or PolicyBook()
    use_cn = book.policy_for(None, on=end)["att.cn_calendar"]
    calendar = calendar or WorkCalendar(start, end, use_cn_calendar=use_cn)
    ids = list(person_ids)
    # The book hands out one Policy object per company and day: its rule view is built once.
    rule_policies: dict[int, tuple[Policy, AttendancePolicy]] = {}
    days = [calendar.day(start + timedelta(days=n)) for n in range((end - start).days + 1)]
    for offset in range(0, len(ids), CHUNK):
        facts = _Facts(ids[offset : offset + CHUNK], start, end, book)
        for person in facts.people.values():
            company_id = policy_company_id(person)
            for info in days:
                day = info.date
                policy = book.policy_for(company_id, on=day)
                known = rule_policies.get(id(policy))
                if known is None or known[0] is not policy:
                    known = rule_policies[id(policy)] = (
                        policy,
                        AttendancePolicy.from_policy(policy),
                    )
                rule_policy = known[1]
                result = judge_day(
                    DayFacts(
                        day_kind=info.kind,
                        blocks=facts.blocks(person, day, info.is_workday, policy),
                        punches=facts.punches.get((person.pk, day), ()),
                        excuses=facts.excuses.get((person.pk, day), ()),
                        proxy_signing=(person.pk, day) in facts.proxy,
                        calendar_name=info.name,
                    ),
                    rule_policy,
                )
                yield person.pk, day, result
        if on_progress is not None:
            on_progress(min(offset + CHUNK, len(ids)), len(ids))


def recompute_days(
    *,
    person_ids: Sequence[int],
    start: date,
    end: date,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Judge the people's days again and store the judgements; returns the number of days.

    Days of a closed month keep their values: a differing result is stored as a correction
    (shown as such), never applied silently.
    """
    if end < start:
        raise DomainError(_("The end date is before the start date."), field="end")
    now = clock.now()
    count = 0
    locked = {
        (j.person_id, j.date): j
        for j in DayJudgement.objects.filter(
            person_id__in=person_ids, date__gte=start, date__lte=end, locked=True
        )
    }
    batch: list[tuple[int, date, Any]] = []
    corrections: list[DayJudgement] = []
    for person_id, day, result in judge_people(person_ids, start, end, on_progress=on_progress):
        count += 1
        old = locked.get((person_id, day))
        if old is not None:
            values = {f: getattr(result, f) for f in JUDGEMENT_FIELDS}
            differs = any(
                _normal(getattr(old, f)) != _normal(values[f])
                for f in JUDGEMENT_FIELDS
                if f != "evidence"
            )
            old.correction = {k: _normal(v) for k, v in values.items()} if differs else None
            corrections.append(old)
            continue
        batch.append((person_id, day, result))
        if len(batch) >= UPSERT_BATCH:
            _upsert(batch, computed_at=now)
            batch = []
    _upsert(batch, computed_at=now)
    if corrections:
        DayJudgement.objects.bulk_update(corrections, ["correction"], batch_size=1000)
    return count


def _normal(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


UPSERT_BATCH = 2000


def _upsert(batch: list[tuple[int, date, Any]], *, computed_at: datetime) -> None:
    """Store (person id, day, DayResult) rows: insert, or update the day's judgement in place.

    The same as bulk_create(update_conflicts=True, unique_fields=[person, date],
    update_fields=JUDGEMENT_FIELDS + computed_at), as one INSERT … ON CONFLICT … DO UPDATE per
    batch (core/bulk.py): bulk_create's per-value preparation was most of the time of judging a
    month for thousands of people.
    """
    if not batch:
        return
    connection = connection_for(DayJudgement)
    ops, quote = connection.ops, connection.ops.quote_name
    meta = DayJudgement._meta
    plain = [n for n in JUDGEMENT_FIELDS if meta.get_field(n).get_internal_type() != "JSONField"]
    json_fields = [n for n in JUDGEMENT_FIELDS if n not in plain]
    updated = [meta.get_field(name).column for name in [*JUDGEMENT_FIELDS, "computed_at"]]
    stamp = ops.adapt_datetimefield_value(computed_at)
    days: dict[date, Any] = {}  # a batch holds a few dozen distinct days and rule lists
    rules: dict[tuple, Any] = {}
    rows = []
    for person_id, day, result in batch:
        data = vars(result)
        values: list[Any] = [
            person_id,
            days.get(day) or days.setdefault(day, ops.adapt_datefield_value(day)),
        ]
        values.extend(data[name] for name in plain)
        for name in json_fields:
            value = data[name]
            if name == "rule_ids":
                key = tuple(value)
                adapted = rules.get(key)
                if adapted is None:
                    adapted = rules[key] = ops.adapt_json_value(value, None)
                values.append(adapted)
            else:
                values.append(ops.adapt_json_value(value, None))
        values.append(stamp)
        rows.append(values)
    insert_rows(
        DayJudgement,
        ["person", "date", *plain, *json_fields, "computed_at"],
        rows,
        constants={"locked": "FALSE"},
        on_conflict=f"ON CONFLICT ({quote('person_id')}, {quote('date')}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in updated),
    )


# --- closing a month ----------------------------------------------------------------------------


@transaction.atomic
def close_month(unit, *, month: date, by: Any) -> MonthClose:
    """ATT-07: judge the station's month one last time and lock it. Later changes show as corrections."""
    first, last = month_bounds(month)
    if last >= clock.today():
        raise DomainError(_("A month can be closed only after it has ended."), field="month")
    if MonthClose.objects.filter(unit=unit, month=first).exists():
        raise DomainError(_("This month is already closed."), field="month")
    person_ids = list(
        Person.objects.filter(unit__path__startswith=unit.path).values_list("pk", flat=True)
    )
    recompute_days(person_ids=person_ids, start=first, end=last)
    locked = DayJudgement.objects.filter(
        person_id__in=person_ids, date__gte=first, date__lte=last
    ).update(locked=True)
    closed = MonthClose.objects.create(
        unit=unit, month=first, closed_at=clock.now(), closed_by=getattr(by, "user", by)
    )
    audit.record(closed, "attendance.month.closed", by=by, data={"month": first, "days": locked})
    return closed
