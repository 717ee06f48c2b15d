"""The demo loader: assets, this month's tickets, a done ticket with a repair order, a pending
skip (INS-01); idempotent."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from inspections.demo import load_demo_inspections
from inspections.models import Answer, Asset, SkipRequest, Ticket
from people.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_inspections_load_once(time_machine):
    time_machine.move_to(datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    load_demo()
    created = load_demo_inspections()
    assert created == Asset.objects.count() > 0
    assert not Asset.objects.filter(engineer__isnull=True).exists()
    assert Ticket.objects.filter(status="done", engineer__user__username="engineer1").exists()
    assert Answer.objects.filter(order__isnull=False).exists()
    assert SkipRequest.objects.filter(status="pending").exists()
    count = Ticket.objects.count()
    assert load_demo_inspections() == 0
    assert Ticket.objects.count() == count
