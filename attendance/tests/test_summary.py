"""Month summaries from the stored judgements (ATT-03..07): equal to summarising the days, fines
with their band, notice level, leave by type, make-up punches, overtime by day kind."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import DayJudgement
from attendance.queries import month_summaries
from attendance.rules import AttendancePolicy, summarise_month
from attendance.tests.scenarios import OCTOBER, at, october, punches
from core.models import PolicyVersion
from core.policy import policy_for
from people.models import Person
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def summary_of(person, month=OCTOBER):
    (row,) = month_summaries(Person.objects.filter(pk=person.pk), month)
    return row


def test_the_summary_of_stored_days_equals_summarising_the_days(org):
    october(org)
    for person in (org.engineer_a, org.vendor_engineer_a, org.leader_a):
        days = DayJudgement.objects.filter(person=person, date__month=10).order_by("date")
        policy = AttendancePolicy.from_policy(policy_for(person.client_id, on=date(2026, 10, 31)))
        assert summary_of(person).summary == summarise_month(days, policy)


def test_the_month_counts_follow_the_days(org):
    s = october(org)
    row = summary_of(org.engineer_a)
    m = row.summary
    assert (m.workdays, m.rest_days) == (s.workdays, 31 - s.workdays)
    assert (m.late_count, m.late_minutes) == (s.late_count, s.late_minutes)
    assert (m.serious_late_count, m.serious_late_minutes) == (1, 35)
    assert (m.early_count, m.early_minutes) == (s.early_count, s.early_minutes)
    assert (m.missing_in, m.missing_out) == (0, s.missing_out)
    assert m.total_absent_days == s.absent_days
    assert m.trip_days == s.trip_days
    assert m.attended_days == Decimal("15.5")  # 18 − 1 absent − 1.5 leave
    assert row.judged_days == 31 and not row.locked and row.corrections == 0


def test_leave_is_counted_by_type(org):
    s = october(org)
    assert summary_of(org.engineer_a).summary.leave_days == s.leave_days


def test_fines_name_their_rule_and_the_att_05_band(org):
    october(org)
    fines = {(f.rule_id, f.code): f for f in summary_of(org.engineer_a).summary.fines}
    assert set(fines) == {
        ("ATT-04", "late_each"),
        ("ATT-05", "late_band"),
        ("ATT-06", "early_each"),
    }
    assert (fines["ATT-04", "late_each"].count, fines["ATT-04", "late_each"].amount) == (
        1,
        Decimal("20.00"),
    )
    band = fines["ATT-05", "late_band"]
    assert (band.count, band.amount) == (1, Decimal("100.00"))  # 80 min: band 1 (60–100)
    assert fines["ATT-06", "early_each"].amount == Decimal("20.00")
    assert summary_of(org.engineer_a).summary.fine_total == Decimal("140.00")


def test_the_policy_of_the_client_served_applies(org):
    october(org)
    PolicyVersion.objects.create(
        company=org.client,
        effective_from=date(2026, 1, 1),
        values={"att.late_fine": "50", "att.late_band1_fine": "150"},
        created_at=at(date(2026, 1, 1), "00:00"),
    )
    fines = {f.code: f.amount for f in summary_of(org.engineer_a).summary.fines}
    assert (fines["late_each"], fines["late_band"]) == (Decimal("50.00"), Decimal("150.00"))


@pytest.mark.parametrize(
    ("persona", "level"),
    [
        ("engineer_a", "vendor_notice"),  # 4 late + 1 early > 3 (ATT-03)
        ("vendor_engineer_a", "criticism"),  # 2 late: criticism at the meeting
        ("leader_a", ""),  # no punches at all: absent, but never late
    ],
)
def test_the_notice_level_att_03(org, persona, level):
    october(org)
    assert summary_of(getattr(org, persona)).summary.notice_level == level


def test_two_late_arrivals_are_not_fined(org):
    october(org)
    summary = summary_of(org.vendor_engineer_a).summary
    assert (summary.late_count, summary.late_minutes, summary.fines) == (2, 15, [])


def test_make_up_punches_and_approved_overtime_by_day_kind(org):
    s = october(org)
    row = summary_of(org.engineer_a)
    assert row.makeup_count == s.makeup_count
    assert row.overtime_hours == s.overtime
    assert summary_of(org.vendor_engineer_a).makeup_count == 0


def test_a_closed_day_keeps_its_value_and_counts_as_a_correction(org, time_machine):
    october(org)
    time_machine.move_to("2026-11-22 10:00 +0800", tick=False)
    from attendance.services import close_month

    close_month(org.station_a, month=OCTOBER, by=org.manager_a.user)
    punches(org.engineer_a, date(2026, 10, 22), ("08:30", "11:30", "13:00", "17:00"))
    from attendance.services import recompute_days

    recompute_days(person_ids=[org.engineer_a.pk], start=date(2026, 10, 22), end=date(2026, 10, 22))
    row = summary_of(org.engineer_a)
    assert row.locked and row.corrections == 1
    assert row.summary.total_absent_days == 1  # the stored value, not silently changed


def test_the_number_of_queries_does_not_grow_with_people(org):
    october(org)
    few = Person.objects.filter(pk=org.engineer_a.pk)
    with CaptureQueriesContext(connection) as one:
        month_summaries(few, OCTOBER)
    for _ in range(5):
        person = PersonFactory(unit=org.station_a, client=org.client)
        punches(person, date(2026, 10, 8), ("08:40",))
    from attendance.services import recompute_days

    everyone = Person.objects.filter(unit=org.station_a)
    recompute_days(
        person_ids=list(everyone.values_list("pk", flat=True)),
        start=OCTOBER,
        end=date(2026, 10, 31),
    )
    with CaptureQueriesContext(connection) as many:
        rows = month_summaries(everyone.order_by("staff_no"), OCTOBER)
    assert len(rows) == everyone.count() > 5
    assert len(many) == len(one)


def test_a_page_of_people_keeps_its_order(org):
    october(org)
    page = Person.objects.filter(unit=org.station_a).order_by("-staff_no")[:2]
    rows = month_summaries(page, OCTOBER)
    assert [r.person.pk for r in rows] == [p.pk for p in page]


def test_nobody_gives_no_rows(org):
    assert month_summaries(Person.objects.none(), OCTOBER) == []
