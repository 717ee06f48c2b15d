"""Shared for the order pages, API and queries tests: a fixed clock and the WO-05 personas."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import make_person
from people.roles import Role
from workorders import services
from workorders.tests.factories import repair_order

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)  # a Tuesday


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def now(time_machine):
    """The clock stands at T0; `now.move_to(at(12))` moves it."""
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def staff(org):
    """The org personas plus the station head of station A (WO-05 chain)."""
    org.head_a = make_person("head_a", Role.STATION_HEAD, employer=org.own, unit=org.station_a)
    return org


def dispatched(org, engineer=None):
    order = repair_order(org)
    return services.dispatch_order(order, engineer=engineer or org.engineer_a, by=org.cs)
