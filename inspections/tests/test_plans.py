"""Plan generation (INS-01, INS-03..06) across months, quarter ends and Golden Week; special
inspections (INS-02); impossible recurrences refused."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.errors import ValidationErrors
from core.models import AuditEntry, PolicyVersion
from core.workcalendar import WorkCalendar
from inspections.models import Asset, AssetKind, Plan, Ticket
from inspections.services import generate_tickets, raise_special_inspections, save_plan
from inspections.tests.conftest import GOLDEN_WEEK, asset
from notifications.models import Notification
from workorders.services import create_order

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock_at(time_machine):
    time_machine.move_to(datetime(2026, 9, 1, 8, 0, tzinfo=TZ), tick=False)
    return time_machine


def tickets(kind):
    return Ticket.objects.filter(asset__kind=kind).order_by("due_on")


def test_INS_01_each_cafe_twice_a_month_first_and_second_half(ins, clock_at):
    generate_tickets(date(2026, 9, 1), date(2026, 11, 30))
    cafe = list(tickets(AssetKind.CAFE))
    assert len(cafe) == 6  # September, October, November: two each
    for month in (9, 10, 11):
        pair = [t for t in cafe if t.window_start.month == month]
        assert [t.window_start.day for t in pair] == [1, 16]
        assert pair[0].due_on.day <= 15 < pair[1].planned_on.day
        assert all(t.engineer == ins.engineer_a and t.rule_id == "INS-01" for t in pair)


def test_no_ticket_planned_or_due_in_golden_week_or_on_rest_days(ins, clock_at):
    """Chinese holidays (ATT-08): October 1–7, 2026 (Golden Week) and weekends that are not
    adjusted working days carry no planned or due day, whatever the plan."""
    generate_tickets(date(2026, 9, 1), date(2026, 10, 31))
    calendar = WorkCalendar(date(2026, 9, 1), date(2026, 11, 30))
    all_tickets = list(Ticket.objects.all())
    assert all_tickets
    for ticket in all_tickets:
        assert calendar.day(ticket.planned_on).is_workday, ticket
        assert calendar.day(ticket.due_on).is_workday, ticket
        assert ticket.planned_on not in GOLDEN_WEEK and ticket.due_on not in GOLDEN_WEEK
    october_first_half = Ticket.objects.get(asset=ins.cafe, window_start=date(2026, 10, 1))
    assert october_first_half.planned_on == date(2026, 10, 8)
    # The INS-06 week of Sep 28 – Oct 4 is due before the holiday starts.
    week = Ticket.objects.get(asset=ins.monitoring, window_start=date(2026, 9, 28))
    assert week.due_on == date(2026, 9, 30)


def test_generation_is_idempotent(ins, clock_at):
    first = generate_tickets(date(2026, 9, 1), date(2026, 10, 31))
    assert first > 0
    count = Ticket.objects.count()
    assert generate_tickets(date(2026, 9, 1), date(2026, 10, 31)) == 0
    assert generate_tickets(date(2026, 9, 10), date(2026, 10, 5)) == 0
    assert Ticket.objects.count() == count


def test_INS_04_monthly_epon_and_INS_06_weekly_monitoring(ins, clock_at):
    generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    epon = list(tickets(AssetKind.EPON_LINE))
    assert [t.window_start for t in epon] == [date(2026, 11, 1)]
    assert epon[0].due_on == date(2026, 11, 30) and epon[0].rule_id == "INS-04"
    weekly = list(tickets(AssetKind.MONITORING_POINT))
    # Weeks overlapping November 2026: Oct 26, Nov 2, 9, 16, 23, 30.
    assert [t.window_start for t in weekly] == [
        date(2026, 10, 26) + timedelta(weeks=i) for i in range(6)
    ]
    assert all(t.rule_id == "INS-06" for t in weekly)


def test_INS_05_quarterly_households_and_epon_power_up_to_the_quarter_end(ins, clock_at):
    generate_tickets(date(2026, 7, 1), date(2026, 12, 31))
    for kind in (AssetKind.BUILDING, AssetKind.EPON_POWER):
        quarterly = list(tickets(kind))
        assert [t.window_start for t in quarterly] == [date(2026, 7, 1), date(2026, 10, 1)]
        assert quarterly[0].due_on == date(2026, 9, 30)  # a Wednesday, quarter end
        assert quarterly[1].due_on == date(2026, 12, 31)
        assert quarterly[1].planned_on == date(2026, 10, 8)  # after Golden Week
        assert all(t.rule_id == "INS-05" for t in quarterly)


def test_INS_05_policy_can_ask_for_two_rounds_a_quarter(ins, clock_at):
    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2026, 1, 1),
        values={"ins.household_per_quarter": 2},
        created_at=datetime(2026, 1, 1, tzinfo=TZ),
    )
    generate_tickets(date(2026, 10, 1), date(2026, 12, 31))
    starts = [t.window_start for t in tickets(AssetKind.BUILDING)]
    assert starts == [date(2026, 10, 1), date(2026, 11, 16)]


def test_INS_03_weekly_sample_of_two_to_three_boxes_and_three_to_five_users(ins, clock_at):
    generate_tickets(date(2026, 11, 2), date(2026, 11, 29))
    boxes = Ticket.objects.filter(asset__kind=AssetKind.JUNCTION_BOX)
    weeks = sorted({t.window_start for t in boxes})
    assert weeks == [date(2026, 11, d) for d in (2, 9, 16, 23)]
    for week in weeks:
        sample = list(boxes.filter(window_start=week))
        assert 2 <= len(sample) <= 3
        users = [u for t in sample for u in t.sampled_users.all()]
        assert 3 <= len(users) <= 5
        assert all(u.unit == ins.community_a for u in users)
    # Least recently sampled first: within four weeks every one of the five boxes gets its turn.
    assert {t.asset_id for t in boxes} == {b.pk for b in ins.boxes}
    # The same week again draws nothing new.
    assert generate_tickets(date(2026, 11, 2), date(2026, 11, 29)) == 0


def test_tickets_keep_the_checklist_version_and_go_to_the_responsible_engineer(ins, clock_at):
    """The engineer comes from the responsibility zone (asset saved without one)."""
    assert ins.epon.engineer == ins.engineer_a
    assert ins.epon.station == ins.station_a
    generate_tickets(date(2026, 11, 1), date(2026, 11, 1))
    ticket = Ticket.objects.get(asset=ins.epon)
    assert ticket.template.asset_kind == AssetKind.EPON_LINE and ticket.template.version == 1


def test_assets_without_engineer_or_inactive_get_no_ticket(ins, clock_at):
    Asset.objects.filter(pk=ins.epon.pk).update(active=False)
    lone = asset(ins, AssetKind.EPON_LINE, "无人线路", unit=ins.station_b)
    assert lone.engineer is None
    generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    assert not Ticket.objects.filter(asset__in=[ins.epon, lone]).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"frequency": "weekly", "per_period": 8}, "per_period"),
        ({"frequency": "monthly", "per_period": 0}, "per_period"),
        ({"frequency": "hourly", "per_period": 1}, "frequency"),
        ({"frequency": "monthly", "per_period": None, "rule_id": "X-1"}, "per_period"),
    ],
)
def test_an_impossible_recurrence_is_refused_and_nothing_stored(ins, fields, field):
    before = Plan.objects.count()
    plan = Plan(name="机房巡检", rule_id=fields.pop("rule_id", "INS-08"), asset_kind="machine_room")
    for key, value in fields.items():
        setattr(plan, key, value)
    with pytest.raises(ValidationErrors) as caught:
        save_plan(plan, by=ins.ops)
    assert field in caught.value.errors
    assert Plan.objects.count() == before
    assert not AuditEntry.objects.filter(action="inspections.plan.created").exists()


def test_INS_03_a_policy_with_min_above_max_makes_a_sampled_plan_impossible(ins):
    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2020, 1, 1),
        values={"ins.boxes_min": 5, "ins.boxes_max": 3},
        created_at=datetime(2020, 1, 1, tzinfo=TZ),
    )
    plan = Plan(name="抽检", rule_id="INS-03", asset_kind="junction_box", frequency="weekly")
    plan.sampled = True
    with pytest.raises(ValidationErrors) as caught:
        save_plan(plan, by=ins.ops)
    assert "sampled" in caught.value.errors


def test_a_possible_plan_is_saved_and_audited(ins, clock_at):
    plan = save_plan(
        Plan(
            name="机房月巡检",
            rule_id="INS-08",
            asset_kind="machine_room",
            frequency="monthly",
            per_period=1,
        ),
        by=ins.ops,
    )
    assert AuditEntry.objects.filter(
        action="inspections.plan.created", object_id=str(plan.pk)
    ).exists()
    room = asset(ins, AssetKind.MACHINE_ROOM, "东苑机房")
    generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    assert Ticket.objects.filter(asset=room, plan=plan).count() == 1


# --- INS-02 --------------------------------------------------------------------------------------


def fault(ins, n=1):
    for _ in range(n):
        create_order(
            by=ins.cs,
            kind="repair",
            unit=ins.community_a,
            customer=ins.customer_a,
            fault_class="general",
            description="网吧大面积掉线",
        )


def test_INS_02_many_faults_in_one_cafe_raise_one_special_inspection(ins, time_machine):
    time_machine.move_to(datetime(2026, 11, 3, 10, 0, tzinfo=TZ), tick=False)
    fault(ins, 2)
    assert raise_special_inspections(date(2026, 11, 3)) == []
    fault(ins, 1)  # the third fault of the day (ins.special_fault_count = 3)
    raised = raise_special_inspections(date(2026, 11, 3))
    assert len(raised) == 1
    ticket = raised[0]
    assert (ticket.kind, ticket.rule_id, ticket.asset) == ("special", "INS-02", ins.cafe)
    assert ticket.engineer == ins.engineer_a
    assert ticket.planned_on == date(2026, 11, 3) and ticket.due_on == date(2026, 11, 4)
    assert (
        Notification.objects.filter(
            recipient=ins.engineer_a, event="inspections.ticket.special"
        ).count()
        == 1
    )
    # More faults the same day, and the task running again: still one special inspection.
    fault(ins, 2)
    assert raise_special_inspections(date(2026, 11, 3)) == []
    assert Ticket.objects.filter(kind="special").count() == 1
    assert AuditEntry.objects.filter(action="inspections.ticket.special_raised").count() == 1
    assert Notification.objects.filter(event="inspections.ticket.special").count() == 1


def test_INS_02_faults_of_other_days_do_not_add_up(ins, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 10, 0, tzinfo=TZ), tick=False)
    fault(ins, 2)
    time_machine.move_to(datetime(2026, 11, 3, 10, 0, tzinfo=TZ), tick=False)
    fault(ins, 1)
    assert raise_special_inspections(date(2026, 11, 3)) == []
    assert raise_special_inspections(date(2026, 11, 2)) == []


def test_a_plan_started_late_creates_no_overdue_ticket(ins, time_machine):
    time_machine.move_to(datetime(2026, 11, 3, 9, 0, tzinfo=TZ), tick=False)
    generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    assert not Ticket.objects.filter(due_on__lt=date(2026, 11, 3)).exists()
    assert not Ticket.objects.filter(window_start=date(2026, 10, 26)).exists()
