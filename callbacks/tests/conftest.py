"""Callback tests: a fixed clock in November 2026, closed orders and the client's specialist."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import make_person
from people.roles import Role
from workorders.models import Order, State

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def crew(org):
    """The org personas plus the client's customer specialist (CB-02)."""
    org.specialist = make_person(
        "specialist", Role.CLIENT_SPECIALIST, employer=org.client, client=org.client
    )
    return org


_numbers = iter(range(1, 1_000_000))


def closed_order(org, *, kind="repair", engineer=None, customer=None, closed_at=T0):
    return Order.objects.create(
        number=f"T{next(_numbers):06d}",
        kind=kind,
        state=State.CLOSED,
        customer=customer or org.customer_a,
        unit=org.community_a,
        description="宽带无法上网",
        engineer=engineer or org.engineer_a,
        created_at=closed_at,
        closed_at=closed_at,
    )
