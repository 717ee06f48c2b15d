"""The demo loaders run on the demo organisation and are idempotent (INS-07, SEC-04, REP-01)."""

import pytest

from people.demo import load_demo
from registers.demo import load_demo_registers
from registers.models import Loan, Loss, MachineRoomEntry, StockTake
from reports.demo import load_demo_reports
from reports.models import Report
from reports.tests.conftest import local

pytestmark = pytest.mark.django_db


def test_demo_registers_and_reports_load_once_INS_07_SEC_04_REP_01(time_machine, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    time_machine.move_to(local(2026, 11, 4, 10), tick=False)
    load_demo()
    count = load_demo_registers()
    assert count == StockTake.objects.count() > 0
    assert Loss.objects.count() == 1 and StockTake.objects.filter(status="open").exists()
    assert MachineRoomEntry.objects.filter(time_out__isnull=True).count() == 1
    assert Loan.objects.filter(returned_at__isnull=True).count() == 2
    assert load_demo_registers() == 0
    reports = load_demo_reports()
    assert reports == Report.objects.count() > 0
    assert Report.objects.filter(status="submitted", late=False).exists()
    assert Report.objects.filter(status="draft", late=True).exists()
    assert load_demo_reports() == 0


def test_pages_render_on_the_demo_for_each_role_INS_07_SEC_04_REP_01(
    client, time_machine, settings
):
    from django.urls import reverse

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    time_machine.move_to(local(2026, 11, 4, 10), tick=False)
    load_demo()
    load_demo_registers()
    load_demo_reports()
    pages = {
        "manager1": [
            "registers:stocktakes",
            "registers:entries",
            "registers:loans",
            "registers:agreements",
            "registers:security-requests",
            "reports:overview",
        ],
        "engineer1": [
            "registers:stocktakes",
            "registers:entries",
            "registers:loans",
            "registers:security-requests",
            "reports:mine",
        ],
        "eng14": ["reports:mine"],
        "client": ["registers:stocktakes", "registers:entries", "registers:loans"],
        "ops": [
            "reports:overview",
            "reports:projects",
            "registers:stocktakes",
            "registers:equipment",
        ],
    }
    from people.models import Person

    for username, names in pages.items():
        client.force_login(Person.objects.get(user__username=username).user)
        for name in names:
            assert client.get(reverse(name)).status_code == 200, (username, name)
    client.force_login(Person.objects.get(user__username="eng14").user)
    report = Report.objects.filter(person__user__username="eng14").first()
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    loss = Loss.objects.get()
    client.force_login(Person.objects.get(user__username="manager1").user)
    assert client.get(reverse("registers:loss", args=[loss.pk])).status_code == 200
    manager = Person.objects.get(user__username="manager1")
    stocktake = StockTake.objects.filter(
        status="open", community__path__startswith=manager.unit.path
    ).first()
    assert client.get(reverse("registers:stocktake", args=[stocktake.pk])).status_code == 200
