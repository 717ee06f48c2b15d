"""Work-order services on an explicit clock: the lifecycle, SLA breaches, the WO-05 chain."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_person
from core.errors import DomainError
from notifications.models import Notification
from people.roles import Role
from workorders import services
from workorders.models import Breach, Order
from workorders.tests.factories import repair_order

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)


@pytest.fixture
def chain(org):
    """The people WO-05 names: station head and manager of station A besides the org personas."""
    org.head_a = make_person("head_a", Role.STATION_HEAD, employer=org.own, unit=org.station_a)
    return org


@pytest.fixture
def clock_at():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def sweep(order, minutes):
    return services.sweep_order(order.pk, now=at(minutes))


def dispatched(org):
    order = repair_order(org)
    return services.dispatch_order(order, engineer=org.engineer_a, by=org.cs)


def test_dispatch_starts_the_clocks(chain, clock_at):
    order = dispatched(chain)
    assert order.contact_due_at == at(10) and order.on_site_due_at == at(60)
    assert order.complete_due_at == at(24 * 60)
    assert order.next_due_at == at(10)
    assert Notification.objects.filter(
        recipient=chain.engineer_a, event="workorders.order.dispatched"
    ).exists()


def test_contact_in_time_means_no_breach(chain, clock_at):
    order = dispatched(chain)
    clock_at.move_to(at(9))
    services.log_contact(order, by=chain.engineer_a, outcome="reached")
    assert not sweep(order, 10) or not Breach.objects.exists()
    assert not Breach.objects.exists()


def test_the_whole_wo_05_chain_when_nobody_calls(chain, clock_at):
    order = dispatched(chain)
    assert not sweep(order, 9.9)  # not due yet
    assert sweep(order, 10)
    assert list(Breach.objects.values_list("rule_id", "kind")) == [("WO-01", "contact_late")]
    assert Notification.objects.filter(recipient=chain.cs, event="workorders.chain.cs").exists()
    assert sweep(order, 15)  # customer service did not pass it on within 5 min
    assert Breach.objects.filter(rule_id="WO-05", kind="cs_notify_late", person=chain.cs).exists()
    assert Notification.objects.filter(recipient=chain.ops, event="workorders.chain.ops").exists()
    assert sweep(order, 20)
    fined = set(
        Breach.objects.filter(kind="chain_fine").values_list("person__user__username", "amount")
    )
    assert fined == {(u, 200) for u in ("engineer_a", "head_a", "manager_a", "cs", "ops")}
    order.refresh_from_db()
    assert order.chain_stage == 3 and order.chain_due_at is None


def test_the_chain_never_fires_twice(chain, clock_at):
    order = dispatched(chain)
    for _ in range(3):
        sweep(order, 25)
    assert Breach.objects.filter(kind="chain_fine").count() == 5
    assert Breach.objects.filter(kind="contact_late").count() == 1


def test_a_worker_back_after_an_hour_fires_everything_once(chain, clock_at):
    order = dispatched(chain)
    assert sweep(order, 61)
    kinds = sorted(Breach.objects.values_list("kind", flat=True))
    assert kinds == ["chain_fine"] * 5 + ["contact_late", "cs_notify_late", "on_site_late"]
    assert not sweep(order, 62)


def test_customer_service_in_time_and_a_call_stops_the_chain(chain, clock_at):
    order = dispatched(chain)
    sweep(order, 10)
    clock_at.move_to(at(12))
    services.cs_notify_ops(Order.objects.get(pk=order.pk), by=chain.cs)
    clock_at.move_to(at(13))
    services.ops_notify_station(Order.objects.get(pk=order.pk), by=chain.ops)
    clock_at.move_to(at(16))
    services.log_contact(Order.objects.get(pk=order.pk), by=chain.engineer_a, outcome="reached")
    sweep(order, 30)
    assert not Breach.objects.filter(rule_id="WO-05").exists()
    kinds = set(Order.objects.get(pk=order.pk).events.values_list("kind", flat=True))
    assert {
        "chain_cs_notified_ops",
        "chain_ops_notified_station",
        "chain_notice_cs",
        "call",
    } <= kinds


def test_steps_out_of_order_are_refused(chain, clock_at):
    order = dispatched(chain)
    with pytest.raises(DomainError) as err:
        services.take_step(order, "arrive", by=chain.engineer_a)
    assert err.value.field == "state"
    assert Order.objects.get(pk=order.pk).arrived_at is None


def test_the_lifecycle_to_the_follow_up(chain, clock_at):
    order = dispatched(chain)
    services.log_contact(order, by=chain.engineer_a, outcome="reached")
    services.take_step(order, "on_the_way", by=chain.engineer_a)
    services.take_step(order, "arrive", by=chain.engineer_a)
    services.take_step(order, "resolve", by=chain.engineer_a)
    services.take_step(order, "feedback", by=chain.engineer_a)
    order = services.close_order(order, by=chain.cs, cause_class="our_side")
    assert order.follow_up_due == T0 + timedelta(days=3)  # WO-11
    services.take_step(order, "follow_up", by=chain.cs)
    sweep(order, 60 * 30)
    assert not Breach.objects.exists()


def test_double_booking_is_refused_with_the_next_free_time(chain, clock_at):
    """WO-07: the appointment table refuses double booking and offers the next free time."""
    first = dispatched(chain)
    services.log_contact(first, by=chain.engineer_a, outcome="reached")
    services.agree_appointment(first, by=chain.engineer_a, start=at(120), end=at(180))
    second = dispatched(chain)
    services.log_contact(second, by=chain.engineer_a, outcome="reached")
    with pytest.raises(DomainError) as err:
        services.agree_appointment(second, by=chain.engineer_a, start=at(150), end=at(210))
    assert err.value.field == "start" and "12:00" in err.value.message


def test_dispatch_to_someone_on_leave_is_refused(chain, clock_at):
    from leave.models import Request

    Request.objects.create(
        person=chain.engineer_a,
        kind="leave",
        status="approved",
        start_date=T0.date(),
        end_date=T0.date(),
        reason="病",
        created_at=T0,
    )
    with pytest.raises(DomainError) as err:
        dispatched(chain)
    assert err.value.field == "engineer"


def test_a_critical_problem_is_reported_at_once_wo_09(chain, clock_at):
    tech = make_person("tech", Role.TECH_SUPPORT, employer=chain.own, unit=chain.region)
    repair_order(chain, critical=True)
    assert Notification.objects.filter(recipient=tech, event="workorders.order.critical").exists()
    assert Notification.objects.filter(
        recipient=chain.ops, event="workorders.order.critical"
    ).exists()


def test_an_unknown_customer_or_missing_fault_class_is_refused(chain, clock_at):
    with pytest.raises(DomainError) as err:
        services.create_order(
            by=chain.cs,
            kind="repair",
            unit=chain.community_a,
            customer=None,
            description="x",
            fault_class="general",
        )
    assert err.value.field == "customer"
    with pytest.raises(DomainError) as err:
        services.create_order(
            by=chain.cs,
            kind="repair",
            unit=chain.community_a,
            customer=chain.customer_a,
            description="x",
        )
    assert err.value.field == "fault_class"
    assert not Order.objects.exists()


def test_install_needs_its_registration_form_wo_10(chain, clock_at):
    """WO-10: a new-user install carries the on-site service registration form."""
    with pytest.raises(DomainError) as err:
        services.create_order(
            by=chain.cs,
            kind="install",
            unit=chain.community_a,
            customer=chain.customer_a,
            description="新装",
            registration={"name": "张三"},
        )
    assert err.value.field.startswith("registration.")


def test_wo_08_arriving_on_site_in_time_is_a_response(chain, clock_at):
    order = services.create_order(
        by=chain.cs,
        kind="support",
        support_kind="fault",
        unit=chain.community_a,
        description="机房交换机告警",
    )
    order = services.dispatch_order(order, engineer=chain.engineer_a, by=chain.cs)
    clock_at.move_to(at(8))
    services.take_step(order, "arrive", by=chain.engineer_a)
    sweep(order, 11)
    assert not Breach.objects.filter(rule_id="WO-08").exists()
    late = services.dispatch_order(
        services.create_order(
            by=chain.cs,
            kind="support",
            support_kind="fault",
            unit=chain.community_a,
            description="再次告警",
        ),
        engineer=chain.engineer_a,
        by=chain.cs,
    )
    assert services.sweep_order(late.pk, now=at(19))
    assert Breach.objects.filter(rule_id="WO-08", order=late).exists()


def test_wo_06_a_repair_that_cannot_be_fixed_goes_to_technical_support_and_customer_service(
    chain, clock_at
):
    """WO-06: escalated at once to technical support, and customer service is told."""
    tech = make_person("tech", Role.TECH_SUPPORT, employer=chain.own, unit=chain.region)
    order = dispatched(chain)
    services.log_contact(order, by=chain.engineer_a, outcome="reached")
    services.take_step(order, "arrive", by=chain.engineer_a)
    with pytest.raises(DomainError) as err:
        services.escalate_to_tech(order, by=chain.engineer_a, note="")
    assert err.value.field == "note"
    order = services.escalate_to_tech(order, by=chain.engineer_a, note="光猫坏，需要换设备")
    assert order.state == "escalated" and order.escalated_at == T0
    for person in (tech, chain.cs):
        assert Notification.objects.filter(
            recipient=person, event="workorders.order.escalated"
        ).exists()


def test_notices_about_an_order_carry_its_absolute_link(chain, clock_at, settings):
    """E-mails and group-robot messages send the title and body: the body ends with
    SITE_URL + the order page; the inbox keeps the relative link. Braces in a description
    are plain text (WO-01 dispatch notice)."""
    settings.SITE_URL = "https://crewdesk.example.cn"
    order = services.create_order(
        by=chain.cs,
        kind="repair",
        unit=chain.community_a,
        customer=chain.customer_a,
        description="光猫灯{LOS}闪红",
        fault_class="general",
    )
    services.dispatch_order(order, engineer=chain.engineer_a, by=chain.cs)
    notice = Notification.objects.get(event="workorders.order.dispatched")
    assert notice.url == f"/orders/{order.pk}/"
    assert notice.body == f"光猫灯{{LOS}}闪红\nhttps://crewdesk.example.cn/orders/{order.pk}/"
    sweep(order, 10)  # WO-05: customer service alerted
    alert = Notification.objects.get(event="workorders.chain.cs")
    assert alert.body == f"https://crewdesk.example.cn/orders/{order.pk}/"
