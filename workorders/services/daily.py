"""WO-12: the engineer hands in his daily event record (运维事件记录单) before the end of the day;
after the deadline a periodic check flags the records not handed in and tells the group leader."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from core.policy import policy_for
from notifications.services import notify
from people.models import Person
from workorders import rules
from workorders.models import DailyRecord, OrderEvent
from workorders.suggestions import ENGINEER_ROLES


def day_bounds(day: date) -> tuple[datetime, datetime]:
    begin = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return begin, begin + timedelta(days=1)


def deadline_of(person: Person, day: date, cache: dict | None = None) -> datetime:
    """WO-12: when the record of `day` is due (wo.daily_record_due of the person's company);
    `cache` keeps one answer per company for a list of people."""
    cache = {} if cache is None else cache
    if person.client_id not in cache:
        policy = policy_for(person.client_id, on=day)
        cache[person.client_id] = rules.hand_in_deadline(
            day, policy["wo.daily_record_due"], timezone.get_current_timezone()
        )
    return cache[person.client_id]


def events_on(person: Person, day: date) -> int:
    begin, end = day_bounds(day)
    return OrderEvent.objects.filter(by=person, at__gte=begin, at__lt=end).count()


@transaction.atomic
def hand_in_daily(person: Person, day: date, *, by: Person) -> DailyRecord:
    """He hands in the record of `day` (his own only; not a day to come). Idempotent: a second
    hand-in returns the first one unchanged. After the deadline it is still taken, as late."""
    if by.pk != person.pk:
        raise DomainError(_("Only the engineer hands in his own daily record."), field="person")
    if day > clock.today():
        raise DomainError(_("A day that has not come yet cannot be handed in."), field="day")
    record, _created = DailyRecord.objects.select_for_update().get_or_create(person=person, day=day)
    if record.handed_in_at is not None:
        return record
    now = clock.now()
    record.handed_in_at, record.handed_in_by = now, by
    record.events = events_on(person, day)
    record.save(update_fields=["handed_in_at", "handed_in_by", "events"])
    state = rules.hand_in_state(handed_in_at=now, deadline=deadline_of(person, day), now=now)
    audit.record(
        record,
        "workorders.daily.handed_in",
        by=by,
        data={"day": day.isoformat(), "events": record.events, "state": state},
    )
    return record


def flag_missing_records(day: date, *, now: datetime | None = None) -> int:
    """WO-12: once the deadline of `day` passed, every engineer who recorded events that day and
    has not handed in his record is flagged once, and his group leader told. A day without
    events needs no record. Race-safe: a conditional UPDATE claims each flag. Returns how many
    were flagged now."""
    now = now or clock.now()
    begin, end = day_bounds(day)
    people_ids = set(
        OrderEvent.objects.filter(
            at__gte=begin, at__lt=end, by__role__in=ENGINEER_ROLES, by__active=True
        )
        .order_by()
        .values_list("by_id", flat=True)
        .distinct()
    )
    done = set(
        DailyRecord.objects.filter(day=day, person_id__in=people_ids)
        .exclude(handed_in_at=None, flagged_at=None)
        .values_list("person_id", flat=True)
    )
    flagged, deadlines = 0, {}
    for person in Person.objects.filter(pk__in=people_ids - done).select_related("team__leader"):
        if now <= deadline_of(person, day, deadlines):
            continue
        with transaction.atomic():
            record, _created = DailyRecord.objects.get_or_create(person=person, day=day)
            claimed = DailyRecord.objects.filter(
                pk=record.pk, handed_in_at=None, flagged_at=None
            ).update(flagged_at=now, events=events_on(person, day))
            if not claimed:
                continue
            flagged += 1
            leader = person.team.leader if person.team_id and person.team.leader_id else None
            if leader is not None and leader.pk != person.pk:
                url = reverse("workorders:daily", args=[day.isoformat()]) + f"?person={person.pk}"
                notify(
                    leader,
                    event="workorders.daily.missing",
                    title=gettext_lazy("{name} has not handed in the daily record of {day}"),
                    body="{link}",  # e-mails and group robots get the absolute link
                    params={
                        "name": person.name,
                        "day": day.isoformat(),
                        "link": settings.SITE_URL + url,
                    },
                    url=url,
                    unit=person.unit,
                )
            audit.record(
                record,
                "workorders.daily.flagged",
                by=None,
                data={"day": day.isoformat(), "leader": leader.name if leader else ""},
            )
    return flagged


def hand_in_states(people: list[Person], day: date, *, now: datetime) -> list[dict]:
    """WO-12 for the leader: per engineer, his events of the day and the hand-in state."""
    begin, end = day_bounds(day)
    records = {r.person_id: r for r in DailyRecord.objects.filter(day=day, person__in=people)}
    counts: dict[int, int] = {}
    for by_id in OrderEvent.objects.filter(by__in=people, at__gte=begin, at__lt=end).values_list(
        "by_id", flat=True
    ):
        counts[by_id] = counts.get(by_id, 0) + 1
    rows, deadlines = [], {}
    for person in people:
        record = records.get(person.pk)
        handed = record.handed_in_at if record else None
        state = rules.hand_in_state(
            handed_in_at=handed, deadline=deadline_of(person, day, deadlines), now=now
        )
        if state == "missing" and not counts.get(person.pk):
            state = "none"  # no events, nothing to hand in
        rows.append(
            {
                "person": person,
                "events": counts.get(person.pk, 0),
                "handed_in_at": handed,
                "state": state,
                "flagged_at": record.flagged_at if record else None,
            }
        )
    return rows
