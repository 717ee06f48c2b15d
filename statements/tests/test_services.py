"""KPI-11 month close: the ledger is brought in line, the month locked per station and each
person's statement kept; closing twice changes nothing; a closed month refuses changes until the
operations manager reopens it with a reason. Wage records for the settlement guard."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import services as assessment
from assessment.models import Decision, Entry
from core.errors import DomainError, ValidationErrors
from core.models import AuditEntry, Job
from core.policy_params import BY_KEY
from statements import services
from statements.locks import is_locked
from statements.models import AssessmentClose, Statement, WageRecord
from statements.queries import statement_of
from statements.tests.conftest import DEC, IN_DEC, NOV, finding

# The lock's message up to its placeholder, in the active language (zh-hans by default).
CLOSED = re.escape(
    gettext("Assessment month closed: {month} is locked for this person.").split("{")[0]
)


@pytest.fixture
def two_findings(org, in_nov):
    """engineer_a: KPI-05 (0.5 pt, 50 CNY) and BEH-01 (50 CNY) in November."""
    return [finding(org, "KPI-05"), finding(org, "BEH-01")]


def close_nov(org, time_machine, unit=None, by=None):
    time_machine.move_to(IN_DEC, tick=False)
    return services.close_month(NOV, unit=unit or org.station_a, by=by or org.ops.user)


def test_kpi_11_close_locks_the_station_month_and_keeps_statements(org, two_findings, in_nov):
    result = close_nov(org, in_nov)
    close = AssessmentClose.objects.get()
    assert result.closed == [close.pk] and (close.unit, close.month) == (org.station_a, NOV)
    assert is_locked(org.engineer_a.pk, NOV) and is_locked(org.vendor_engineer_a.pk, NOV)
    assert not is_locked(org.engineer_b.pk, NOV)  # station B stays open
    assert not is_locked(org.engineer_a.pk, DEC)
    snapshot = Statement.objects.get(person=org.engineer_a)
    assert (snapshot.points, snapshot.total) == (Decimal("0.50"), Decimal("100.00"))
    audit = AuditEntry.objects.get(action="statements.month.closed")
    assert audit.actor == org.ops.user and audit.data["statements"] == result.statements


def test_kpi_11_a_closed_statement_comes_from_the_snapshot(org, two_findings, in_nov):
    live = statement_of(org.engineer_a, NOV)
    assert live.provisional and live.total == Decimal("100.00")
    close_nov(org, in_nov)
    Entry.objects.filter(rule_id="BEH-01").update(fine=Decimal("999"))  # behind the services' back
    kept = statement_of(org.engineer_a, NOV)
    assert not kept.provisional and kept.closed_at is not None
    assert (kept.total, kept.points, kept.points_left) == (
        Decimal("100.00"),
        Decimal("0.50"),
        Decimal("2.50"),
    )
    assert [(line.rule_id, line.fine) for line in kept.lines] == [
        ("BEH-01", Decimal("50.00")),
        ("KPI-05", Decimal("50.00")),
    ]


def test_kpi_11_close_brings_the_ledger_in_line_first(org, in_nov):
    from attendance.models import DayJudgement

    DayJudgement.objects.create(
        person=org.engineer_a,
        date=date(2026, 11, 12),
        status="early",
        workday=True,
        early_count=1,
        early_minutes=10,
        computed_at=IN_DEC,
    )
    result = close_nov(org, in_nov)
    assert result.entries_changed >= 1
    statement = statement_of(org.engineer_a, NOV)
    assert statement.attendance_fines == Decimal("20.00")  # ATT-06
    assert [line.rule_id for line in statement.attendance_lines] == ["ATT-06"]


def test_kpi_11_a_closed_month_refuses_changes(org, two_findings, in_nov):
    entry = two_findings[0]
    close_nov(org, in_nov)
    with pytest.raises(DomainError, match=CLOSED):
        finding(org, "KPI-05")
    with pytest.raises(DomainError, match=CLOSED):
        assessment.confirm_entry(entry, by=org.manager_a.user)
    with pytest.raises(DomainError, match=CLOSED):
        assessment.file_objection(entry, by=org.engineer_a.user, text="I had my badge")
    assert Entry.objects.filter(state=Entry.State.PROPOSED).count() == 2
    # December is open.
    in_nov.move_to(IN_DEC, tick=False)
    assert finding(org, "KPI-05", month=DEC).month == DEC


def test_kpi_11_a_closed_month_refuses_an_objection_decision(org, in_nov):
    entry = finding(org, "KPI-05")
    objection = assessment.file_objection(entry, by=org.engineer_a.user, text="I had my badge")
    close_nov(org, in_nov)
    with pytest.raises(DomainError, match=CLOSED):
        assessment.decide_objection(objection, by=org.manager_a.user, upheld=False, reason="ok")
    assert Entry.objects.get().state == Entry.State.OBJECTED


def test_kpi_11_generate_entries_leaves_a_locked_month_alone(org, in_nov):
    from attendance.models import DayJudgement

    close_nov(org, in_nov)
    DayJudgement.objects.create(
        person=org.engineer_a,
        date=date(2026, 11, 13),
        status="early",
        workday=True,
        early_count=1,
        early_minutes=10,
        computed_at=IN_DEC,
    )
    assert assessment.generate_entries(NOV) == 0
    assert not Entry.objects.filter(person=org.engineer_a).exists()


def test_kpi_11_reopen_by_the_ops_manager_with_a_reason(org, two_findings, in_nov):
    close_nov(org, in_nov)
    close = AssessmentClose.objects.get()
    with pytest.raises(DomainError) as error:
        services.reopen_month(close, by=org.ops.user, reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(DomainError):
        services.reopen_month(close, by=org.manager_a.user, reason="a correction")
    assert is_locked(org.engineer_a.pk, NOV)

    services.reopen_month(close, by=org.ops.user, reason="complaint withdrawn by the client")
    assert not is_locked(org.engineer_a.pk, NOV)
    assert statement_of(org.engineer_a, NOV).provisional
    audit = AuditEntry.objects.get(action="statements.month.reopened")
    assert audit.data == {"reason": "complaint withdrawn by the client"}
    assert finding(org, "KPI-05").month == NOV  # the ledger takes changes again
    with pytest.raises(DomainError):
        services.reopen_month(close, by=org.ops.user, reason="again")

    # Closed again: a new close with new snapshots; the old one stays as history.
    services.close_month(NOV, unit=org.station_a, by=org.ops.user)
    assert AssessmentClose.objects.count() == 2
    assert statement_of(org.engineer_a, NOV).total == Decimal("150.00")


@pytest.mark.parametrize(
    ("month", "by", "field"),
    [
        (NOV, "manager_a", "by"),  # only the operations manager closes
        (NOV, "engineer_a", "by"),
        (DEC, "ops", "month"),  # December has not ended on 3 December
    ],
)
def test_kpi_11_bad_close_requests_are_refused(org, in_nov, month, by, field):
    in_nov.move_to(IN_DEC, tick=False)
    with pytest.raises(DomainError) as error:
        services.close_month(month, unit=org.station_a, by=getattr(org, by).user)
    assert error.value.field == field
    assert not AssessmentClose.objects.exists()
    with pytest.raises(DomainError):
        services.start_close(month, unit=org.station_a, by=getattr(org, by).user)
    assert not Job.objects.exists()


def test_kpi_11_close_every_station_when_no_unit_is_given(org, two_findings, in_nov):
    finding(org, "KPI-05", person=org.engineer_b, by=org.ops)
    in_nov.move_to(IN_DEC, tick=False)
    result = services.close_month(NOV, by=None)  # the scheduled close
    units = set(AssessmentClose.objects.values_list("unit_id", flat=True))
    assert {org.station_a.pk, org.station_b.pk} <= units
    assert is_locked(org.engineer_b.pk, NOV) and is_locked(org.engineer_a.pk, NOV)
    # community A sits under station A: its people were closed with the station, not twice
    assert Statement.objects.filter(person=org.engineer_a).count() == 1
    assert result.statements == Statement.objects.count()


def test_kpi_11_close_runs_in_the_worker_with_progress(org, two_findings, in_nov, settings):
    from core.jobs import execute_job

    in_nov.move_to(IN_DEC, tick=False)
    job = services.start_close(NOV, unit=org.station_a, by=org.ops.user)
    assert job.kind == "statements.close" and job.status == Job.Status.QUEUED
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["closed"] and job.result["statements"] >= 2
    assert job.progress == job.total == 3


def test_kpi_11_the_close_task_closes_last_month_on_the_close_day(org, two_findings, in_nov):
    close_day = BY_KEY["kpi.close_day"].parse(BY_KEY["kpi.close_day"].default)
    assert services.close_last_month(on=date(2026, 12, close_day + 1)) is None
    assert not AssessmentClose.objects.exists()
    in_nov.move_to(IN_DEC.replace(day=close_day), tick=False)
    result = services.close_last_month(on=date(2026, 12, close_day))
    assert result is not None and result.month == NOV
    assert is_locked(org.engineer_a.pk, NOV)


def test_kpi_11_thresholds_are_evaluated_before_the_close(org, in_nov):
    for _ in range(4):
        finding(org, "KPI-05")  # 2 points → KPI-08
    close_nov(org, in_nov)
    assert Decision.objects.filter(person=org.engineer_a, rule_id="KPI-08").exists()
    assert [d.rule_id for d in statement_of(org.engineer_a, NOV).decisions] == ["KPI-08"]


def _ledger_state():
    return (
        list(Entry.objects.values_list("pk", "state", "points", "fine").order_by("pk")),
        list(Decision.objects.values_list("pk", "state").order_by("pk")),
        list(Statement.objects.values_list("pk", "total", "data").order_by("pk")),
        list(AssessmentClose.objects.values_list("pk", "reopened_at").order_by("pk")),
        AuditEntry.objects.count(),
    )


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rules=st.lists(st.sampled_from(["KPI-05", "BEH-01", "KPI-06"]), max_size=5),
    everywhere=st.booleans(),
)
def test_kpi_11_closing_twice_changes_nothing(org, rules, everywhere):
    """KPI-11 property (hypothesis): a second close of the same month changes nothing."""
    with transaction.atomic():  # each example starts from the same organisation
        with time_machine.travel(date(2026, 11, 20), tick=False):
            for rule in rules:
                finding(org, rule)
        with time_machine.travel(IN_DEC, tick=False):
            unit = None if everywhere else org.station_a
            first = services.close_month(NOV, unit=unit, by=org.ops.user)
            assert first.closed
            before = _ledger_state()
            again = services.close_month(NOV, unit=unit, by=org.ops.user)
            assert _ledger_state() == before
            assert again.closed == [] and again.statements == 0
            assert again.entries_changed == 0 and again.decisions_proposed == 0
        transaction.set_rollback(True)


# --- wages (settlement guard) -------------------------------------------------------------------


def test_the_settlement_guard_wage_is_recorded_by_hr_and_audited(org):
    record = services.save_wage_record(
        org.engineer_a,
        monthly_wage="3000",
        minimum_wage="2300",
        effective_from=date(2026, 1, 1),
        by=org.hr.user,
    )
    assert (record.monthly_wage, record.minimum_wage) == (Decimal("3000"), Decimal("2300"))
    services.save_wage_record(
        org.engineer_a,
        monthly_wage="3200.50",
        minimum_wage="",
        effective_from=date(2026, 1, 1),
        by=org.hr.user,
    )
    record.refresh_from_db()
    assert (record.monthly_wage, record.minimum_wage) == (Decimal("3200.50"), None)
    assert AuditEntry.objects.filter(action="statements.wage.recorded").count() == 2


@pytest.mark.parametrize(
    ("wage", "minimum", "effective", "field"),
    [
        ("", "2300", date(2026, 1, 1), "monthly_wage"),
        ("abc", "2300", date(2026, 1, 1), "monthly_wage"),
        ("-5", "", date(2026, 1, 1), "monthly_wage"),
        ("3000.123", "", date(2026, 1, 1), "monthly_wage"),
        ("3000", "4000", date(2026, 1, 1), "minimum_wage"),
        ("3000", "NaN", date(2026, 1, 1), "minimum_wage"),
        ("3000", "", None, "effective_from"),
    ],
)
def test_the_settlement_guard_bad_wages_are_refused(org, wage, minimum, effective, field):
    with pytest.raises(ValidationErrors) as error:
        services.save_wage_record(
            org.engineer_a,
            monthly_wage=wage,
            minimum_wage=minimum,
            effective_from=effective,
            by=org.hr.user,
        )
    assert field in error.value.errors
    assert not WageRecord.objects.exists()


def test_the_settlement_guard_only_hr_records_wages(org):
    with pytest.raises(DomainError):
        services.save_wage_record(
            org.engineer_a,
            monthly_wage="3000",
            minimum_wage="",
            effective_from=date(2026, 1, 1),
            by=org.manager_a.user,
        )


@pytest.mark.parametrize(
    ("wage", "minimum", "deductible", "over_cap", "below_minimum"),
    [
        ("3000", "2300", "100.00", False, False),  # 100 of a 600 cap
        ("400", None, "80.00", True, False),  # cap 20 % of 400 = 80
        ("2350", "2300", "50.00", False, True),  # only 50 above the minimum wage
    ],
)
def test_the_settlement_guard_on_the_statement(
    org, two_findings, wage, minimum, deductible, over_cap, below_minimum
):
    WageRecord.objects.create(
        person=org.engineer_a,
        monthly_wage=Decimal(wage),
        minimum_wage=Decimal(minimum) if minimum else None,
        effective_from=date(2026, 1, 1),
        recorded_at=IN_DEC,
    )
    statement = statement_of(org.engineer_a, NOV)
    assert statement.total == Decimal("100.00")  # the ledger figure is never hidden
    s = statement.settlement
    assert (s.deductible, s.over_cap, s.below_minimum) == (
        Decimal(deductible),
        over_cap,
        below_minimum,
    )
    assert statement.flagged == (over_cap or below_minimum)


def test_the_settlement_guard_uses_the_wage_in_force_at_the_month_end(org, two_findings):
    for day, wage in ((date(2026, 1, 1), "400"), (date(2026, 12, 1), "3000")):
        WageRecord.objects.create(
            person=org.engineer_a,
            monthly_wage=Decimal(wage),
            effective_from=day,
            recorded_at=IN_DEC,
        )
    assert statement_of(org.engineer_a, NOV).settlement.monthly_wage == Decimal("400")
    assert statement_of(org.engineer_a, DEC).settlement.monthly_wage == Decimal("3000")
