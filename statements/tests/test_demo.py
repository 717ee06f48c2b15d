"""The demo wages (settlement guard): loaded once, eng14's low wage flags his statement."""

from decimal import Decimal

from conftest import make_person
from people.roles import Role
from statements.demo import load_demo_wages
from statements.models import WageRecord


def test_the_settlement_guard_demo_wages_are_loaded_once(org):
    make_person("eng14", Role.ENGINEER, employer=org.own, unit=org.station_a)
    created = load_demo_wages()
    assert created == WageRecord.objects.count() > 0
    assert WageRecord.objects.get(person__user__username="eng14").monthly_wage == Decimal("2450")
    assert not WageRecord.objects.filter(person=org.client_pic).exists()
    assert load_demo_wages() == 0
