"""Callback and complaint operations: CB-01 sampling, BEH-01 entries from callback answers and
BEH-02 from the ledger, CB-02 monthly tasks and quarter notices, CB-04 verification before KPI-06
(or KPI-04) counts; bad input stores nothing; everything audited."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from assessment.models import Decision, Entry
from callbacks import services
from callbacks.models import Callback, Complaint, QuarterNotice
from callbacks.queries import quarter_statistics, satisfaction_by_person
from callbacks.tests.conftest import T0, closed_order
from core.errors import DomainError
from core.models import AuditEntry, PolicyVersion
from notifications.models import Notification
from workorders.models import Breach

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def entries(person, rule_id):
    return Entry.objects.filter(person=person, rule_id=rule_id).exclude(state=Entry.State.WITHDRAWN)


def record(org, callback, violations, satisfaction=4, by=None):
    return services.record_callback(
        callback, by=by or org.cs, violations=violations, satisfaction=satisfaction
    )


# --- CB-01 sampling -----------------------------------------------------------------------------


def test_cb01_sampling_opens_one_task_per_closed_home_order_and_is_idempotent(crew, now):
    orders = [closed_order(crew, kind=kind) for kind in ("install", "repair", "renewal")]
    closed_order(crew, kind="inspection")
    assert services.sample_closed_orders() == 3
    assert services.sample_closed_orders() == 0
    callbacks = Callback.objects.filter(kind=Callback.Kind.AFTER_ORDER)
    assert sorted(c.order_id for c in callbacks) == sorted(o.pk for o in orders)
    first = callbacks.get(order=orders[0])
    assert (first.engineer, first.customer, first.state) == (
        crew.engineer_a,
        crew.customer_a,
        Callback.State.OPEN,
    )
    assert services.open_callback(orders[0]) == first
    assert AuditEntry.objects.filter(action="callbacks.callback.opened").count() == 3


def test_cb01_a_zero_percent_sample_opens_none(crew, now):
    PolicyVersion.objects.create(
        company=crew.client,
        effective_from=date(2026, 1, 1),
        values={"cb.callback_sample_percent": 0},
        created_at=T0 - timedelta(days=300),
    )
    closed_order(crew)
    assert services.sample_closed_orders() == 0
    assert not Callback.objects.exists()


# --- BEH-01 / BEH-02 from callback answers ------------------------------------------------------


def test_beh01_two_violations_make_two_entries_of_50_cny(crew, now):
    callback = services.open_callback(closed_order(crew))
    record(crew, callback, ["knocking", "shoe-covers"], satisfaction=3)
    rows = entries(crew.engineer_a, "BEH-01")
    assert [(e.fine, e.points, e.month, e.source) for e in rows] == [
        (Decimal("50.00"), Decimal("0"), NOV, "callback"),
    ] * 2
    assert {e.fact_key for e in rows} == {
        f"callback:{callback.pk}:knocking",
        f"callback:{callback.pk}:shoe-covers",
    }
    callback.refresh_from_db()
    assert callback.state == Callback.State.DONE and callback.satisfaction == 3
    assert AuditEntry.objects.filter(action="callbacks.callback.recorded").count() == 1


def test_beh01_recording_again_does_not_duplicate_and_a_removed_violation_is_withdrawn(crew, now):
    callback = services.open_callback(closed_order(crew))
    record(crew, callback, ["knocking", "shoe-covers"])
    record(crew, callback, ["knocking", "shoe-covers"])
    assert entries(crew.engineer_a, "BEH-01").count() == 2
    record(crew, callback, ["knocking"])
    assert entries(crew.engineer_a, "BEH-01").count() == 1
    assert Entry.objects.filter(rule_id="BEH-01", state=Entry.State.WITHDRAWN).count() == 1
    assert AuditEntry.objects.filter(action="callbacks.callback.corrected").count() == 2


def test_beh02_the_fourth_violation_in_a_month_proposes_dismissal_the_third_not(crew, now):
    first = services.open_callback(closed_order(crew))
    record(crew, first, ["knocking", "greeting", "no-smoking"])
    assert not Decision.objects.filter(rule_id="BEH-02").exists()
    second = services.open_callback(closed_order(crew))
    record(crew, second, ["no-arguing"])
    decision = Decision.objects.get(person=crew.engineer_a, rule_id="BEH-02")
    assert decision.state == Decision.State.PROPOSED and decision.kind == "dismissal"
    assert decision.entries.count() == 4


def test_bad_callback_input_stores_nothing(crew, now):
    callback = services.open_callback(closed_order(crew))
    with pytest.raises(DomainError) as error:
        record(crew, callback, ["knocking", "dancing"])
    assert error.value.field == "violations" and "dancing" in error.value.message
    for score in (0, 6, None, "x"):
        with pytest.raises(DomainError) as error:
            record(crew, callback, ["knocking"], satisfaction=score)
        assert error.value.field == "satisfaction"
    callback.refresh_from_db()
    assert callback.state == Callback.State.OPEN and not callback.violations.exists()
    assert not Entry.objects.exists()


def test_cb01_only_customer_service_records_and_only_in_scope(crew, now):
    callback = services.open_callback(closed_order(crew))
    for outsider in (crew.engineer_a, crew.specialist):
        with pytest.raises(DomainError) as error:
            record(crew, callback, [], by=outsider)
        assert error.value.field == "by"
    assert not Entry.objects.exists()


def test_an_unreachable_customer_counts_nothing(crew, now):
    callback = services.open_callback(closed_order(crew))
    services.mark_unreachable(callback, by=crew.cs, note="无人接听")
    callback.refresh_from_db()
    assert callback.state == Callback.State.UNREACHABLE
    with pytest.raises(DomainError):
        services.mark_unreachable(callback, by=crew.cs)


# --- CB-02 --------------------------------------------------------------------------------------


def test_cb02_monthly_tasks_per_engineer_are_generated_once(crew, now):
    created = services.generate_client_callbacks(NOV)
    # engineer_a, vendor_engineer_a (client) and engineer_b (other client): 1 each by default
    assert created == 3
    assert services.generate_client_callbacks(NOV) == 0
    mine = Callback.objects.get(engineer=crew.engineer_a, kind=Callback.Kind.CLIENT_MONTHLY)
    assert mine.assigned_to == crew.specialist and mine.due_on == date(2026, 11, 30)
    other = Callback.objects.get(engineer=crew.engineer_b)
    assert other.assigned_to is None  # the other client has no specialist


def test_cb02_the_specialist_records_and_the_quarter_counts(crew, now):
    services.generate_client_callbacks(NOV)
    task = Callback.objects.get(engineer=crew.vendor_engineer_a)
    with pytest.raises(DomainError):
        record(crew, task, [], by=crew.cs)  # CB-02 is the specialist's
    record(crew, task, ["clean-site"], satisfaction=5, by=crew.specialist)
    assert entries(crew.vendor_engineer_a, "BEH-01").count() == 1
    rows = {r.engineer.pk: r for r in quarter_statistics(crew.specialist.user, NOV)}
    assert crew.engineer_b.pk not in rows  # not the specialist's client
    row = rows[crew.vendor_engineer_a.pk]
    assert (row.answered, row.average, row.violations) == (1, Decimal("5.00"), 1)
    assert rows[crew.engineer_a.pk].open == 1
    assert satisfaction_by_person(
        [crew.vendor_engineer_a.pk, crew.engineer_a.pk], date(2026, 10, 1), date(2026, 12, 31)
    ) == {crew.vendor_engineer_a.pk: (Decimal("5.00"), 1), crew.engineer_a.pk: (None, 0)}


def test_cb02_quarter_results_go_to_engineers_and_the_vendor_once(crew, now):
    services.generate_client_callbacks(NOV)
    task = Callback.objects.get(engineer=crew.vendor_engineer_a)
    record(crew, task, [], satisfaction=4, by=crew.specialist)
    assert services.send_quarter_results(NOV, by=crew.specialist) == 2
    assert services.send_quarter_results(NOV, by=crew.specialist) == 0
    assert QuarterNotice.objects.count() == 2
    assert Notification.objects.filter(
        event="callbacks.quarter", recipient=crew.vendor_engineer_a
    ).exists()
    assert Notification.objects.filter(
        event="callbacks.quarter", recipient=crew.vendor_contact
    ).exists()
    with pytest.raises(DomainError):
        services.send_quarter_results(NOV, by=crew.engineer_a)


# --- CB-04 / KPI-06 / KPI-04 --------------------------------------------------------------------


def test_cb04_an_unverified_complaint_counts_nothing(crew, now):
    complaint = services.register_complaint(by=crew.cs, engineer=crew.engineer_a, text="态度差")
    services.bring_ledger_in_line(crew.engineer_a.pk, NOV)
    assert complaint.state == Complaint.State.REGISTERED
    assert not Entry.objects.filter(person=crew.engineer_a).exists()
    services.reject_complaint(complaint, by=crew.ops, reason="客户误会")
    services.bring_ledger_in_line(crew.engineer_a.pk, NOV)
    assert not Entry.objects.filter(person=crew.engineer_a).exists()


def test_kpi06_a_verified_complaint_costs_one_point_and_100_cny(crew, now):
    complaint = services.register_complaint(
        by=crew.cs, engineer=None, order=closed_order(crew), text="维修后仍无法上网且态度差"
    )
    assert complaint.engineer == crew.engineer_a and complaint.customer == crew.customer_a
    with pytest.raises(DomainError) as error:
        services.verify_complaint(complaint, by=crew.ops, reason="")
    assert error.value.field == "reason"
    with pytest.raises(DomainError) as error:
        services.verify_complaint(complaint, by=crew.cs, reason="核实")
    assert error.value.field == "by"
    services.verify_complaint(complaint, by=crew.manager_a, reason="录音核实属实")
    entry = Entry.objects.get(person=crew.engineer_a)
    assert (entry.rule_id, entry.points, entry.fine, entry.source, entry.fact_key) == (
        "KPI-06",
        Decimal("1.00"),
        Decimal("100.00"),
        "complaint",
        f"complaint:{complaint.pk}",
    )
    services.bring_ledger_in_line(crew.engineer_a.pk, NOV)
    assert Entry.objects.filter(person=crew.engineer_a).count() == 1
    with pytest.raises(DomainError) as error:
        services.reject_complaint(complaint, by=crew.ops, reason="x")
    assert error.value.field == "state"
    assert AuditEntry.objects.filter(action="callbacks.complaint.verified").count() == 1


def test_kpi04_a_verified_complaint_on_a_late_renewal_costs_half_a_point(crew, now):
    order = closed_order(crew, kind="renewal")
    Breach.objects.create(
        order=order,
        rule_id="WO-01",
        kind="contact_late",
        person=crew.engineer_a,
        due_at=T0 - timedelta(days=3),
        recorded_at=T0 - timedelta(days=3),
    )
    complaint = services.register_complaint(
        by=crew.cs, engineer=crew.engineer_a, order=order, text="续费迟迟没人上门"
    )
    services.verify_complaint(complaint, by=crew.ops, reason="超时未上门")
    entry = Entry.objects.get(person=crew.engineer_a, fact_key=f"complaint:{complaint.pk}")
    assert (entry.rule_id, entry.points, entry.fine) == (
        "KPI-04",
        Decimal("0.50"),
        Decimal("50.00"),
    )


def test_bad_complaint_input_names_the_fields_and_stores_nothing(crew, now):
    with pytest.raises(DomainError) as error:
        services.register_complaint(by=crew.cs, engineer=None, text="  ")
    assert set(error.value.errors) == {"engineer", "text"}
    with pytest.raises(DomainError) as error:
        services.register_complaint(by=crew.cs, engineer=crew.ops, text="x")
    assert "engineer" in error.value.errors
    with pytest.raises(DomainError) as error:
        services.register_complaint(by=crew.engineer_a, engineer=crew.engineer_a, text="x")
    assert error.value.field == "by"
    with pytest.raises(DomainError) as error:
        services.register_complaint(by=crew.specialist, engineer=crew.engineer_b, text="x")
    assert error.value.field == "engineer"  # not the specialist's client
    assert not Complaint.objects.exists()


def test_cb04_with_verification_switched_off_a_complaint_counts_until_rejected(crew, now):
    """CB-04 `cb.complaint_needs_verification` off: KPI-06 at registration, withdrawn on
    rejection."""
    PolicyVersion.objects.create(
        company=crew.client,
        effective_from=date(2026, 1, 1),
        values={"cb.complaint_needs_verification": False},
        created_at=T0 - timedelta(days=300),
    )
    complaint = services.register_complaint(by=crew.cs, engineer=crew.engineer_a, text="态度差")
    assert [e.rule_id for e in entries(crew.engineer_a, "KPI-06")] == ["KPI-06"]
    services.reject_complaint(complaint, by=crew.ops, reason="不属实")
    assert not entries(crew.engineer_a, "KPI-06").exists()


def test_beh01_a_correction_in_a_closed_month_is_refused(crew, now):
    """KPI-11: once November is closed, its callback answers (and their fines) stay as they are."""
    from statements.services import close_month

    callback = services.open_callback(closed_order(crew))
    record(crew, callback, ["knocking"])
    now.move_to(T0 + timedelta(days=25))  # December
    close_month(NOV, unit=crew.station_a, by=crew.ops.user)
    with pytest.raises(DomainError) as error:
        record(crew, callback, ["knocking", "greeting"])
    assert error.value.field == "month"
    assert entries(crew.engineer_a, "BEH-01").count() == 1


def test_cb01_cb02_the_periodic_tasks_run_the_services(crew, now):
    from callbacks.tasks import generate_client_callbacks_task, sample_closed_orders_task

    closed_order(crew)
    sample_closed_orders_task.call_local()
    sample_closed_orders_task.call_local()
    generate_client_callbacks_task.call_local()
    assert Callback.objects.filter(kind=Callback.Kind.AFTER_ORDER).count() == 1
    assert Callback.objects.filter(kind=Callback.Kind.CLIENT_MONTHLY, month=NOV).count() == 3
