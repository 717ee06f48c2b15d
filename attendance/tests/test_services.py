"""Punches, judging days from the database, the Chinese working calendar, closing a month."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attendance.models import (
    DayJudgement,
    MonthClose,
    Punch,
    RosterDay,
    ScheduleAssignment,
    ShiftTemplate,
)
from attendance.services import close_month, recompute_days, record_proxy_signing, record_punch
from core.errors import DomainError
from core.models import AuditEntry, CalendarDay, PolicyVersion

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def judgement(person, day):
    return DayJudgement.objects.get(person=person, date=day)


def test_a_punch_is_judged_at_once_and_audited(org):
    day = date(2026, 11, 3)  # a Tuesday
    record_punch(org.engineer_a, at=at(day, "08:45"), source="app", by=org.engineer_a.user)
    j = judgement(org.engineer_a, day)
    # Default split shift (ATT-01): the morning is late with no sign-out, the afternoon not worked yet.
    assert (j.status, j.late_minutes, j.missing_out, j.absent_days) == (
        "late",
        15,
        1,
        Decimal("0.5"),
    )
    assert AuditEntry.objects.filter(action="attendance.punch.recorded").count() == 1


def test_a_retried_punch_with_the_same_key_is_recorded_once(org):
    day = date(2026, 11, 3)
    first = record_punch(
        org.engineer_a,
        at=at(day, "08:20"),
        source="api",
        by=org.engineer_a.user,
        idempotency_key="k-1",
    )
    again = record_punch(
        org.engineer_a,
        at=at(day, "08:20"),
        source="api",
        by=org.engineer_a.user,
        idempotency_key="k-1",
    )
    assert first.pk == again.pk and Punch.objects.count() == 1


def test_location_is_kept_only_with_consent_and_rounded(org):
    day = date(2026, 11, 3)
    p = record_punch(
        org.engineer_a,
        at=at(day, "08:20"),
        source="app",
        by=org.engineer_a.user,
        latitude="22.543096",
        longitude="114.057865",
    )
    assert p.latitude is None
    org.engineer_a.location_consent = True
    p = record_punch(
        org.engineer_a,
        at=at(day, "17:00"),
        source="app",
        by=org.engineer_a.user,
        latitude="22.543096",
        longitude="114.057865",
    )
    p.refresh_from_db()
    assert (p.latitude, p.longitude) == (Decimal("22.543"), Decimal("114.058"))


def test_two_people_on_one_device_within_the_window_are_flagged_att_02(org):
    day = date(2026, 11, 3)
    record_punch(
        org.engineer_a, at=at(day, "08:20"), source="app", by=org.engineer_a.user, device="phone-1"
    )
    second = record_punch(
        org.vendor_engineer_a,
        at=at(day, "08:25"),
        source="app",
        by=org.vendor_engineer_a.user,
        device="phone-1",
    )
    assert second.flagged and "ATT-02" in second.flag_reason
    assert Punch.objects.filter(flagged=True).count() == 2
    third = record_punch(
        org.leader_a, at=at(day, "09:00"), source="app", by=org.leader_a.user, device="phone-1"
    )
    assert not third.flagged  # 35 minutes later: outside the 10-minute window


def test_proxy_signing_makes_both_absent(org):
    day = date(2026, 11, 3)
    record_punch(org.engineer_a, at=at(day, "08:20"), source="app", by=org.engineer_a.user)
    record_proxy_signing(org.engineer_a, org.vendor_engineer_a, day=day, by=org.manager_a.user)
    assert judgement(org.engineer_a, day).status == "absent"
    assert judgement(org.vendor_engineer_a, day).status == "absent"
    assert "ATT-02" in judgement(org.engineer_a, day).rule_ids


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(2026, 1, 4), "absent"),  # a 调休 Sunday is a working day (ATT-08)
        (date(2026, 10, 1), "holiday"),  # National Day
        (date(2026, 11, 7), "rest"),  # an ordinary Saturday
        (date(2026, 11, 9), "absent"),  # an ordinary Monday without punches
    ],
)
def test_the_chinese_calendar_decides_working_days_att_08(org, day, status):
    recompute_days(person_ids=[org.engineer_a.pk], start=day, end=day)
    assert judgement(org.engineer_a, day).status == status


def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday(org):
    recompute_days(person_ids=[org.engineer_a.pk], start=date(2027, 1, 1), end=date(2027, 1, 4))
    assert [judgement(org.engineer_a, date(2027, 1, d)).status for d in (1, 2, 3, 4)] == [
        "absent",
        "rest",
        "rest",
        "absent",
    ]
    CalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    recompute_days(person_ids=[org.engineer_a.pk], start=date(2027, 1, 1), end=date(2027, 1, 1))
    assert judgement(org.engineer_a, date(2027, 1, 1)).status == "holiday"


def test_a_company_variant_moves_the_start_att_01(org):
    PolicyVersion.objects.create(
        company=org.client,
        effective_from=date(2026, 1, 1),
        values={"att.work_start": "09:00"},
        created_at=at(date(2026, 1, 1), "00:00"),
    )
    day = date(2026, 11, 3)
    for hhmm in ("08:50", "11:30", "13:00", "17:00"):
        record_punch(org.engineer_a, at=at(day, hhmm), source="app", by=org.engineer_a.user)
    assert judgement(org.engineer_a, day).status == "on_time"  # engineer_a serves org.client


def test_a_schedule_template_and_a_duty_roster(org):
    plain = ShiftTemplate.objects.create(name="驻场", kind="plain", blocks=[["09:00", "17:30"]])
    ScheduleAssignment.objects.create(
        person=org.engineer_a, template=plain, valid_from=date(2026, 11, 1)
    )
    day = date(2026, 11, 3)
    record_punch(org.engineer_a, at=at(day, "09:00"), source="app", by=org.engineer_a.user)
    record_punch(org.engineer_a, at=at(day, "17:30"), source="app", by=org.engineer_a.user)
    assert judgement(org.engineer_a, day).status == "on_time"
    duty = ShiftTemplate.objects.create(name="机房值班", kind="duty", blocks=[["08:00", "20:00"]])
    ScheduleAssignment.objects.create(
        person=org.leader_a, template=duty, valid_from=date(2026, 9, 1)
    )
    RosterDay.objects.create(
        person=org.leader_a, date=date(2026, 10, 1), template=duty
    )  # on duty on a holiday
    recompute_days(person_ids=[org.leader_a.pk], start=date(2026, 10, 1), end=date(2026, 10, 2))
    assert judgement(org.leader_a, date(2026, 10, 1)).status == "absent"  # rostered, no punches
    assert judgement(org.leader_a, date(2026, 10, 2)).status == "holiday"  # not rostered


def test_recomputing_is_idempotent(org):
    day = date(2026, 11, 3)
    record_punch(org.engineer_a, at=at(day, "08:45"), source="app", by=org.engineer_a.user)
    before = list(DayJudgement.objects.values_list("person", "date", "status", "late_minutes"))
    recompute_days(person_ids=[org.engineer_a.pk], start=day, end=day)
    assert (
        list(DayJudgement.objects.values_list("person", "date", "status", "late_minutes")) == before
    )


def test_a_closed_month_is_locked_and_later_changes_show_as_corrections(org):
    with time_machine.travel(datetime(2026, 11, 22, 10, tzinfo=TZ), tick=False):
        close_month(org.station_a, month=date(2026, 10, 1), by=org.manager_a.user)
        day = date(2026, 10, 9)
        j = judgement(org.engineer_a, day)
        assert (j.status, j.locked) == ("absent", True)
        for hhmm in ("08:30", "11:30", "13:00", "17:00"):
            record_punch(org.engineer_a, at=at(day, hhmm), source="import", by=org.hr.user)
        j.refresh_from_db()
        assert j.status == "absent"  # never silently changed
        assert j.correction["status"] == "on_time"
        with pytest.raises(DomainError):
            close_month(org.station_a, month=date(2026, 10, 1), by=org.manager_a.user)
        with pytest.raises(DomainError):
            close_month(org.station_a, month=date(2026, 11, 1), by=org.manager_a.user)
    assert MonthClose.objects.count() == 1
    assert AuditEntry.objects.filter(action="attendance.month.closed").exists()


def test_holidays_carry_their_chinese_name(org):
    recompute_days(person_ids=[org.engineer_a.pk], start=date(2026, 10, 1), end=date(2026, 10, 1))
    assert judgement(org.engineer_a, date(2026, 10, 1)).evidence["calendar"] == "国庆节"


def test_every_night_yesterday_is_judged_for_everyone(org):
    from attendance.tasks import judge_yesterday

    with time_machine.travel(datetime(2026, 11, 4, 0, 20, tzinfo=TZ), tick=False):
        judge_yesterday()
    assert judgement(org.engineer_b, date(2026, 11, 3)).status == "absent"
