"""Helpers shared by the inspection services: policy, calendar, who is responsible, who approves."""

from __future__ import annotations

from datetime import date

from core.policy import Policy, policy_for
from core.workcalendar import WorkCalendar
from people.models import OrgUnit, Person
from people.roles import Role

# Photos of an inspection: a technical limit of the upload, not a regulation number.
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def ancestor_ids(unit: OrgUnit) -> list[int]:
    """The unit and every unit above it, nearest first."""
    return [int(p) for p in reversed(unit.path.strip("/").split("/")) if p]


def station_of(unit: OrgUnit) -> OrgUnit | None:
    """The station (区站) at or above a unit."""
    return (
        OrgUnit.objects.filter(pk__in=ancestor_ids(unit), kind=OrgUnit.Kind.STATION)
        .order_by("-path")
        .first()
    )


def responsible_engineer_for(unit: OrgUnit) -> Person | None:
    """The active engineer whose responsibility zone is the unit or the nearest unit above it."""
    ids = ancestor_ids(unit)
    candidates = (
        Person.objects.filter(
            active=True, role__in=[Role.ENGINEER, Role.GROUP_LEADER], zones__in=ids
        )
        .values_list("pk", "zones")
        .order_by("pk")
    )
    best: tuple[int, int] | None = None  # (distance, person id)
    for person_id, zone_id in candidates:
        distance = ids.index(zone_id)
        if best is None or (distance, person_id) < best:
            best = (distance, person_id)
    return Person.objects.get(pk=best[1]) if best else None


def area_supervisor_for(unit: OrgUnit) -> Person | None:
    """INS-01: the area supervisor (镇区主管) of the nearest area above the unit; without one the
    station manager, then the operations manager, so that a request never waits for nobody."""
    ids = ancestor_ids(unit)
    for role in (Role.AREA_SUPERVISOR, Role.STATION_MANAGER, Role.STATION_HEAD):
        people = {
            p.unit_id: p
            for p in Person.objects.filter(active=True, role=role, unit__in=ids).order_by("-pk")
        }
        for unit_id in ids:
            if unit_id in people:
                return people[unit_id]
    return Person.objects.filter(active=True, role=Role.OPS_MANAGER).order_by("pk").first()


def policy_of(client_id: int | None, day: date) -> Policy:
    return policy_for(client_id, on=day)


def workday_test(client_id: int | None, start: date, end: date):
    """Working days of the calendar (ATT-08) between start and end, loaded once."""
    policy = policy_for(client_id, on=start)
    calendar = WorkCalendar(start, end, use_cn_calendar=policy["att.cn_calendar"])
    return lambda day: calendar.day(day).is_workday
