"""Who sees which entries (KPI-11: the assessed person sees his result), month totals, the task."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from assessment import queries, services
from assessment.models import Entry
from assessment.tasks import assess_yesterdays_month
from attendance.models import DayJudgement

SH = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)


@pytest.fixture
def entries(org, time_machine):
    time_machine.move_to(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False)

    def add(person, rule_id):
        return services.add_manual_entry(
            person, month=NOV, rule_id=rule_id, by=org.ops, evidence_text="seen on site"
        )

    return [
        add(org.engineer_a, "KPI-05"),
        add(org.engineer_a, "KPI-05"),
        add(org.engineer_b, "KPI-06"),
        add(org.leader_a, "BEH-03"),  # BEH-03: group leaders and above
    ]


@pytest.mark.parametrize(
    ("who", "seen"),
    [("engineer_a", 2), ("engineer_b", 1), ("manager_a", 3), ("hr", 4), ("client_pic", 2)],
)
def test_entries_are_seen_like_people(org, entries, who, seen):
    assert queries.entries_for(getattr(org, who).user).count() == seen


def test_the_outsider_gets_404_for_an_entry_not_his(org, entries):
    with pytest.raises(Http404):
        queries.access_entry(org.outsider.user, entries[0].pk)
    assert queries.access_entry(org.engineer_a.user, entries[0].pk) == entries[0]


def test_month_totals_leave_out_withdrawn_entries(org, entries):
    Entry.objects.filter(pk=entries[1].pk).update(state=Entry.State.WITHDRAWN)

    totals = queries.month_totals(Entry.objects.all(), NOV)

    mine = totals[org.engineer_a.pk]
    assert (mine.points, mine.fine, mine.points_left) == (
        Decimal("0.5"),
        Decimal("50"),
        Decimal("2.5"),
    )
    assert totals[org.engineer_b.pk].points == Decimal("1")


def test_open_objections_list_entries_under_objection(org, entries):
    services.file_objection(entries[0], by=org.engineer_a, text="badge was on")

    assert list(queries.open_objections_for(org.hr.user)) == [entries[0]]


def test_the_nightly_task_assesses_the_month_of_yesterday(org, time_machine):
    DayJudgement.objects.create(
        person=org.engineer_a,
        date=date(2026, 11, 30),
        status="early",
        workday=True,
        early_count=1,
        early_minutes=5,
        computed_at=datetime(2026, 12, 1, 0, 20, tzinfo=SH),
    )
    time_machine.move_to(datetime(2026, 12, 1, 0, 40, tzinfo=SH), tick=False)

    assert assess_yesterdays_month() == (1, 0)
    assert Entry.objects.get().month == NOV
