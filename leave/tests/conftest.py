"""Fixtures of the leave tests: a fixed Monday, a reserve engineer, a stand-in for attendance."""

import importlib
import sys
import types
from datetime import date, datetime
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from leave.models import LeaveType
from people.roles import EmploymentType, Role
from people.tests.factories import PersonFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=SH)  # a plain working week (no holiday)
TUESDAY = date(2026, 11, 17)


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return MONDAY


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def attendance_calls(monkeypatch):
    """attendance.services (record_punch, recompute_days) is written by another engineer in
    parallel; the leave tests only check that they are called, so they stand in with mocks."""
    try:
        module = importlib.import_module("attendance.services")
    except ImportError:
        import attendance

        module = types.ModuleType("attendance.services")
        monkeypatch.setitem(sys.modules, "attendance.services", module)
        monkeypatch.setattr(attendance, "services", module, raising=False)
    calls = SimpleNamespace(recompute_days=mock.Mock(return_value=1), record_punch=mock.Mock())
    monkeypatch.setattr(module, "recompute_days", calls.recompute_days, raising=False)
    monkeypatch.setattr(module, "record_punch", calls.record_punch, raising=False)
    return calls


@pytest.fixture
def reserve(org):
    return PersonFactory(
        user=UserFactory(username="reserve_a"),
        role=Role.ENGINEER,
        employer=org.own,
        unit=org.station_a,
        employment_type=EmploymentType.RESERVE,
    )


@pytest.fixture
def types_(db):
    """The seeded leave types. A transactional test (browser) flushes the tables of earlier
    ones, data migrations included, so they are seeded again from the migration's list."""
    seeded = importlib.import_module("leave.migrations.0002_leave_types")
    for code, name, name_en, paid, needs_notice, needs_certificate in seeded.LEAVE_TYPES:
        LeaveType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "paid": paid,
                "needs_notice": needs_notice,
                "needs_certificate": needs_certificate,
            },
        )
    return SimpleNamespace(**{t.code: t for t in LeaveType.objects.all()})
