"""Report services on an explicit clock: drafts, reminders, late flags, submission and delivery
(REP-01..04)."""

from datetime import date

import pytest
from django.utils import translation

from core.errors import DomainError
from core.models import AuditEntry
from notifications.models import Delivery, Notification
from reports import drafts, services
from reports.models import Kind, Project, Report
from reports.tests.conftest import local

pytestmark = pytest.mark.django_db


def make_reports(time_machine, when):
    time_machine.move_to(when, tick=False)
    services.create_due_reports(when.date())


def test_drafts_are_created_for_reporters_only_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    kinds = set(Report.objects.filter(person=rep.reporter).values_list("kind", flat=True))
    assert kinds == {Kind.DAILY, Kind.WEEKLY, Kind.QUARTERLY}
    # Own staff (engineer_a) does not report.
    assert not Report.objects.filter(person=rep.engineer_a).exists()
    daily = Report.objects.get(person=rep.reporter, kind=Kind.DAILY)
    assert daily.due_at == local(2026, 11, 3, 20)
    assert daily.remind_at == local(2026, 11, 3, 19)
    # Idempotent: a second run creates nothing.
    assert services.create_due_reports(date(2026, 11, 3)) == 0


def test_no_daily_report_on_a_holiday_but_on_an_adjusted_saturday_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 10, 2, 0, 5))
    assert not Report.objects.filter(kind=Kind.DAILY).exists()
    make_reports(time_machine, local(2026, 10, 10, 0, 5))
    assert Report.objects.filter(kind=Kind.DAILY, period_start=date(2026, 10, 10)).exists()


def test_reminder_before_20_00_once_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    time_machine.move_to(local(2026, 11, 3, 18, 59), tick=False)
    services.run_clock(local(2026, 11, 3, 18, 59))
    assert not Notification.objects.filter(event="reports.daily.reminder").exists()
    time_machine.move_to(local(2026, 11, 3, 19, 0), tick=False)
    services.run_clock(local(2026, 11, 3, 19, 0))
    services.run_clock(local(2026, 11, 3, 19, 1))
    reminders = Notification.objects.filter(event="reports.daily.reminder")
    assert [n.recipient_id for n in reminders] == [rep.reporter.pk]


def test_late_flag_after_20_00_when_nothing_is_submitted_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    services.run_clock(local(2026, 11, 3, 20, 0))
    daily = Report.objects.get(kind=Kind.DAILY)
    assert not daily.late
    services.run_clock(local(2026, 11, 3, 20, 0, 1))
    daily.refresh_from_db()
    assert daily.late and daily.late_flagged_at == local(2026, 11, 3, 20, 0, 1)
    assert AuditEntry.objects.filter(action="reports.report.late").count() == 1
    # The manager is told once.
    services.run_clock(local(2026, 11, 3, 20, 5))
    assert (
        Notification.objects.filter(recipient=rep.manager_a, event="reports.daily.late").count()
        == 1
    )


def test_submission_goes_to_the_client_contact_with_specialist_in_copy_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    daily = Report.objects.get(kind=Kind.DAILY)
    time_machine.move_to(local(2026, 11, 3, 19, 30), tick=False)
    services.submit_report(daily, by=rep.reporter.user, text="今日巡检两处，处理故障一单。")
    daily.refresh_from_db()
    assert daily.status == Report.Status.SUBMITTED and not daily.late
    assert daily.facts["orders"]["resolved"] == 0
    to_pic = Notification.objects.get(recipient=rep.client_pic)
    to_spec = Notification.objects.get(recipient=rep.specialist)
    assert "今日巡检" in to_pic.body and to_spec.event == "reports.daily.submitted"
    emails = set(Delivery.objects.values_list("to_email", flat=True))
    assert emails == {"pic@client.example", "specialist@client.example"}
    assert AuditEntry.objects.filter(action="reports.report.submitted").count() == 1
    # The reminder is not sent for a submitted report.
    services.run_clock(local(2026, 11, 3, 19, 45))
    assert not Notification.objects.filter(event="reports.daily.reminder").exists()


def test_submitted_after_20_00_is_late_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    daily = Report.objects.get(kind=Kind.DAILY)
    time_machine.move_to(local(2026, 11, 3, 20, 0, 1), tick=False)
    services.submit_report(daily, by=rep.reporter, text="晚交")
    daily.refresh_from_db()
    assert daily.late


def test_weekly_report_friday_case_REP_02(rep, time_machine):
    """REP-02."""
    make_reports(time_machine, local(2026, 11, 2, 0, 5))  # Monday
    weekly = Report.objects.get(kind=Kind.WEEKLY)
    assert weekly.due_at == local(2026, 11, 6, 20)
    time_machine.move_to(local(2026, 11, 6, 19, 0), tick=False)
    services.run_clock(local(2026, 11, 6, 19, 0))
    assert Notification.objects.filter(event="reports.weekly.reminder").count() == 1
    services.run_clock(local(2026, 11, 6, 20, 1))
    weekly.refresh_from_db()
    assert weekly.late


def test_weekly_report_of_golden_week_is_due_on_wednesday_30_september_REP_02(rep, time_machine):
    """REP-02."""
    make_reports(time_machine, local(2026, 9, 28, 0, 5))
    weekly = Report.objects.get(kind=Kind.WEEKLY)
    assert weekly.due_at == local(2026, 9, 30, 20)


@pytest.mark.parametrize(
    ("created", "due"),
    [
        (local(2026, 9, 1, 1), local(2026, 9, 30, 20)),
        (local(2026, 12, 1, 1), local(2026, 12, 31, 20)),
    ],
)
def test_quarterly_summary_quarter_end_cases_REP_03(rep, time_machine, created, due):
    """REP-03."""
    make_reports(time_machine, created)
    quarterly = Report.objects.get(kind=Kind.QUARTERLY)
    assert quarterly.due_at == due
    services.run_clock(due.replace(hour=19, minute=0))
    assert Notification.objects.filter(event="reports.quarterly.reminder").count() == 1
    services.run_clock(due.replace(second=1))
    quarterly.refresh_from_db()
    assert quarterly.late


def test_project_manager_reports_weekly_while_the_project_runs_REP_04(rep, time_machine):
    """REP-04."""
    Project.objects.create(
        name="机房改造",
        client=rep.client,
        manager=rep.leader_a,
        start_date=date(2026, 10, 1),
        end_date=date(2026, 11, 30),
    )
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    report = Report.objects.get(kind=Kind.PROJECT)
    assert report.person == rep.leader_a and report.due_at == local(2026, 11, 6, 20)
    make_reports(time_machine, local(2026, 12, 1, 0, 5))  # project over
    assert Report.objects.filter(kind=Kind.PROJECT).count() == 1


def test_empty_report_is_refused_and_nothing_is_written_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    daily = Report.objects.get(kind=Kind.DAILY)
    with pytest.raises(DomainError) as err:
        services.submit_report(daily, by=rep.reporter, text="   ")
    assert err.value.field == "text"
    daily.refresh_from_db()
    assert daily.status == Report.Status.DRAFT and daily.submitted_at is None
    assert (
        not Notification.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="reports.").exists()
    )


def test_only_the_author_submits_and_only_once_REP_01(rep, time_machine):
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    daily = Report.objects.get(kind=Kind.DAILY)
    with pytest.raises(DomainError):
        services.submit_report(daily, by=rep.manager_a, text="代写")
    services.submit_report(daily, by=rep.reporter, text="ok")
    with pytest.raises(DomainError):
        services.submit_report(daily, by=rep.reporter, text="again")
    assert Notification.objects.filter(recipient=rep.client_pic).count() == 1


def test_draft_is_prefilled_from_orders_and_attendance_REP_01(rep, time_machine):
    from attendance.models import DayJudgement

    make_reports(time_machine, local(2026, 11, 6, 0, 5))
    DayJudgement.objects.create(
        person=rep.reporter,
        date=date(2026, 11, 4),
        status="late",
        workday=True,
        late_count=1,
        computed_at=local(2026, 11, 4, 18),
    )
    from workorders.models import Order
    from workorders.tests.factories import repair_order

    order = repair_order(rep)
    Order.objects.filter(pk=order.pk).update(
        engineer=rep.reporter,
        state="resolved",
        dispatched_at=local(2026, 11, 5, 9),
        resolved_at=local(2026, 11, 5, 11),
    )
    weekly = Report.objects.get(kind=Kind.WEEKLY)
    facts = drafts.report_facts(weekly)
    assert facts["orders"]["dispatched"] == 1 and facts["orders"]["resolved_numbers"] == [
        order.number
    ]
    assert facts["attendance"] == {
        "days_worked": 1,
        "late": 1,
        "absent_days": "0",
        "leave_days": "0",
    }
    with translation.override("en"):  # the wording itself is translated; the figures are the test
        assert "1 late arrivals" in drafts.draft_text(weekly, facts)


def test_draft_counts_the_inspections_done_in_the_period_REP_01(rep, time_machine):
    from inspections.defaults import ensure_defaults
    from inspections.models import Asset, AssetKind, ChecklistTemplate, Ticket
    from inspections.services import save_asset

    ensure_defaults()
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    epon = save_asset(
        Asset(name="东苑 EPON 干线 1", kind=AssetKind.EPON_LINE, unit=rep.community_a), by=rep.ops
    )
    Ticket.objects.create(
        asset=epon,
        template=ChecklistTemplate.objects.first(),
        engineer=rep.reporter,
        rule_id="INS-04",
        window_start=date(2026, 11, 1),
        planned_on=date(2026, 11, 3),
        due_on=date(2026, 11, 3),
        status=Ticket.Status.DONE,
        done_at=local(2026, 11, 3, 10),
        created_at=local(2026, 11, 1),
    )
    daily = Report.objects.get(kind=Kind.DAILY)
    facts = drafts.report_facts(daily)
    assert facts["inspections"]["done"] == 1 and facts["inspections"]["assets"] == [epon.name]
    assert facts["inspections"]["due_planned"] == 1
    assert epon.name in drafts.draft_text(daily, facts)


def test_periodic_tasks_create_drafts_and_remind_REP_01(rep, time_machine):
    from reports.tasks import create_due_reports_task, report_clock_task

    time_machine.move_to(local(2026, 11, 3, 0, 1), tick=False)
    create_due_reports_task.call_local()
    assert Report.objects.filter(kind=Kind.DAILY).count() == 1
    time_machine.move_to(local(2026, 11, 3, 19, 0), tick=False)
    report_clock_task.call_local()
    report_clock_task.call_local()
    assert Notification.objects.filter(event="reports.daily.reminder").count() == 1


def _approved_leave(person, day, start_half="am", end_half="pm"):
    from leave.models import Request

    return Request.objects.create(
        person=person,
        kind=Request.Kind.LEAVE,
        status=Request.Status.APPROVED,
        start_date=day,
        start_half=start_half,
        end_date=day,
        end_half=end_half,
        reason="事假",
        created_at=local(2026, 11, 1),
    )


def test_no_daily_report_on_a_day_of_approved_leave_REP_01(rep, time_machine):
    """REP-01: nothing due on a whole day of leave; a leave approved after the draft was made
    drops the draft instead of flagging it late."""
    _approved_leave(rep.reporter, date(2026, 11, 3))
    make_reports(time_machine, local(2026, 11, 3, 0, 5))
    assert not Report.objects.filter(kind=Kind.DAILY).exists()
    make_reports(time_machine, local(2026, 11, 4, 0, 5))
    assert Report.objects.filter(kind=Kind.DAILY).count() == 1
    _approved_leave(rep.reporter, date(2026, 11, 4))
    services.run_clock(local(2026, 11, 4, 20, 1))
    assert not Report.objects.filter(kind=Kind.DAILY).exists()
    assert AuditEntry.objects.filter(action="reports.report.dropped").count() == 1
    assert not Notification.objects.filter(event="reports.daily.late").exists()
