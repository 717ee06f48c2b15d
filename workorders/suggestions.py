"""The engineers suggested for a dispatch: responsibility zone, skills, today's attendance,
load and the next free appointment time (WO-07), each with its reasons."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.models import OrgUnit, Person
from people.roles import Role
from workorders import rules
from workorders.models import OPEN_STATES, Appointment, Order, State

ENGINEER_ROLES = {Role.ENGINEER, Role.GROUP_LEADER}  # who may receive an order

# Skills that suit an order, by words in the skill's name (Skill is master data, so the words
# match whatever names a company uses). Keyed by type, or type:support task / type:fault class.
SKILL_WORDS: dict[str, list[str]] = {
    "install": ["报装", "安装", "install"],
    "repair": ["维修", "维护", "熔接", "EPON", "repair"],
    "repair:major": ["熔接", "EPON", "光纤", "repair"],
    "renewal": ["续费", "营业", "renewal"],
    "inspection": ["巡检", "值守", "运维", "inspection"],
    "support:fault": ["维护", "维修", "运维", "fault"],
    "support:upgrade": ["升级", "upgrade"],
    "support:equipment": ["巡检", "设备", "运维", "equipment"],
}


# --- suggestions for a dispatch ------------------------------------------------------------------


def station_of(unit: OrgUnit) -> OrgUnit | None:
    from workorders.services import station_of as station_above

    return station_above(unit)


def skill_words(order: Order) -> list[str]:
    detail = order.support_kind or order.fault_class
    return SKILL_WORDS.get(f"{order.kind}:{detail}") or SKILL_WORDS.get(order.kind, [])


@dataclass
class Suggestion:
    person: Person
    zone: bool
    skill: str  # the matching skill's name, "" if none
    away: bool  # on leave, a trip or secondment today
    load: int  # open orders now
    free_at: datetime  # next free appointment time from the moment asked
    reasons: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.away


def suggest_engineers(order: Order, at: datetime, *, limit: int = 20) -> list[Suggestion]:
    """Engineers of the order's station (its whole subtree) ranked for a dispatch: present today
    first, then responsibility zone (Person.zones covering the order's unit or a unit above it),
    matching skill, fewest open orders, earliest free appointment time (WO-07). Each comes with
    the reasons. Three queries whatever the number of engineers."""
    from leave.models import Request

    unit = order.unit
    root = station_of(unit) or unit
    day = timezone.localdate(at)
    above = [int(p) for p in unit.path.strip("/").split("/") if p]
    zones = Person.zones.through.objects.filter(person_id=OuterRef("pk"), orgunit_id__in=above)
    words = skill_words(order)
    skill_match = Q()
    for word in words:
        skill_match |= Q(skill__name__icontains=word)
    skill_name = (
        Subquery(
            Person.skills.through.objects.filter(skill_match, person_id=OuterRef("pk"))
            .order_by("skill__name")
            .values("skill__name")[:1]
        )
        if words
        else Value("")
    )
    away = Request.objects.filter(
        person=OuterRef("pk"),
        status=Request.Status.APPROVED,
        kind__in=[Request.Kind.LEAVE, Request.Kind.TRIP, Request.Kind.SECONDMENT],
        start_date__lte=day,
        end_date__gte=day,
    )
    load = (
        Order.objects.filter(engineer=OuterRef("pk"), state__in=OPEN_STATES)
        .exclude(state=State.NEW)
        .order_by()
        .values("engineer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    people = list(
        Person.objects.filter(
            active=True, role__in=ENGINEER_ROLES, unit__path__startswith=root.path
        )
        .exclude(pk=order.engineer_id or 0)
        .annotate(
            zone_match=Exists(zones),
            skill_name=Coalesce(skill_name, Value(""), output_field=CharField()),
            is_away=Exists(away),
            load=Coalesce(Subquery(load, output_field=IntegerField()), 0),
        )
        .select_related("unit")
    )
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for engineer_id, start, end in Appointment.objects.filter(
        engineer_id__in=[p.pk for p in people], active=True, end__gt=at
    ).values_list("engineer_id", "start", "end"):
        busy.setdefault(engineer_id, []).append((start, end))
    slot = _slot_length(order, at)
    suggestions = []
    for person in people:
        free_at = rules.next_free_slot(busy.get(person.pk, []), wanted_start=at, length=slot)
        suggestions.append(
            Suggestion(
                person=person,
                zone=person.zone_match,
                skill=person.skill_name,
                away=person.is_away,
                load=person.load,
                free_at=free_at,
            )
        )
    suggestions.sort(
        key=lambda s: (s.away, not s.zone, not s.skill, s.load, s.free_at, s.person.name)
    )
    for s in suggestions:
        s.reasons = _reasons(s, at)
    return suggestions[:limit]


def _slot_length(order: Order, at: datetime) -> timedelta:
    from workorders.services import sla_policy

    return sla_policy(order, at).slot


def _reasons(s: Suggestion, at: datetime) -> list[str]:
    reasons = []
    if s.away:
        reasons.append(_("On leave, a trip or secondment today"))
    if s.zone:
        reasons.append(_("Responsibility zone covers this site"))
    if s.skill:
        reasons.append(_("Skill: {skill}").format(skill=s.skill))
    reasons.append(
        ngettext("{n} open order", "{n} open orders", s.load).format(n=s.load)
        if s.load
        else _("No open orders")
    )
    if s.free_at <= at:
        reasons.append(_("Free now"))
    else:
        reasons.append(
            _("Next free time: {time}").format(
                time=timezone.localtime(s.free_at).strftime("%m-%d %H:%M")
            )
        )
    return reasons
