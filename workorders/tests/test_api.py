"""Work orders over the API: the whole lifecycle, idempotent retries, clear errors naming the
field (illegal step, double booking, dispatch to someone on leave, unknown customer) with nothing
half-written, scoping (404 outside, 403 for someone else's step), strict input."""

import pytest
from django.conf import settings

from core.models import ApiIdempotency, AuditEntry
from leave.models import Request
from notifications.models import Notification
from workorders.models import Appointment, Breach, Order, OrderEvent
from workorders.tests.conftest import T0, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api, client):
    """The shared `api` (conftest.py), answering in English: the messages below are msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api


def repair(org, **overrides):
    return {
        "kind": "repair",
        "customer_id": org.customer_a.pk,
        "fault_class": "general",
        "description": "宽带无法上网",
    } | overrides


def created(api, org, **overrides):
    response = api(org.cs, "post", "/api/orders", repair(org, **overrides))
    assert response.status_code == 201, response.json()
    return response.json()


def dispatched(api, org, engineer=None):
    order = created(api, org)
    response = api(
        org.cs,
        "post",
        f"/api/orders/{order['id']}/dispatch",
        {"engineer_id": (engineer or org.engineer_a).pk},
    )
    assert response.status_code == 200, response.json()
    return response.json()


def step(api, persona, order, name, **fields):
    return api(persona, "post", f"/api/orders/{order['id']}/steps", {"step": name} | fields)


def fields_of(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def test_openapi_lists_the_order_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/orders",
        "/api/orders/{order_id}",
        "/api/orders/{order_id}/dispatch",
        "/api/orders/{order_id}/steps",
        "/api/orders/{order_id}/suggestions",
    ]:
        assert path in paths


def test_the_whole_lifecycle_over_the_api(api, staff, now):
    order = created(api, staff)
    assert order["state"] == "new" and order["customer_phone"] == "13512341203"
    assert [e["kind"] for e in order["timeline"]] == ["created"]
    suggestions = api(staff.cs, "get", f"/api/orders/{order['id']}/suggestions").json()
    assert {s["person_id"] for s in suggestions} == {
        staff.engineer_a.pk,
        staff.vendor_engineer_a.pk,
        staff.leader_a.pk,  # a group leader takes orders too
    }
    assert all(s["reasons"] for s in suggestions)
    order = api(
        staff.cs,
        "post",
        f"/api/orders/{order['id']}/dispatch",
        {"engineer_id": staff.engineer_a.pk},
    ).json()
    assert order["state"] == "dispatched" and order["sla"] == "amber"
    assert order["contact_due_at"] == "2026-11-03T01:10:00Z"  # 09:10 in Shanghai, WO-01
    now.move_to(at(3))
    order = step(api, staff.engineer_a, order, "contact", outcome="reached").json()
    assert order["state"] == "contacted" and order["customer_phone"] == "135****1203"
    order = step(
        api,
        staff.engineer_a,
        order,
        "appoint",
        start="2026-11-03T09:30:00+08:00",
        end="2026-11-03T10:30:00+08:00",
    ).json()
    assert order["state"] == "appointed"
    for name, state in [("on_the_way", "on_the_way"), ("arrive", "arrived")]:
        now.move_to(at(20))
        order = step(api, staff.engineer_a, order, name).json()
        assert order["state"] == state
    order = step(api, staff.engineer_a, order, "resolve", note="更换光猫").json()
    order = step(api, staff.engineer_a, order, "feedback").json()
    order = step(api, staff.cs, order, "close", cause_class="customer_side").json()
    assert order["state"] == "closed" and order["cause_class"] == "customer_side"
    assert order["follow_up_due"] is not None  # WO-11
    order = step(api, staff.engineer_a, order, "follow_up", note="运行正常").json()
    assert order["followed_up_at"] is not None
    kinds = [e["kind"] for e in order["timeline"]]
    assert kinds == [
        "created",
        "dispatched",
        "call",
        "appointment",
        "on_the_way",
        "arrive",
        "resolve",
        "feedback",
        "closed",
        "customer_notice",  # WO-15: the customer told in the wording of the cause
        "follow_up",
    ]
    assert order["breaches"] == []
    got = api(staff.manager_a, "get", f"/api/orders/{order['id']}").json()
    assert got["timeline"] == order["timeline"]


def test_a_retried_step_with_the_same_key_is_applied_once(api, staff, now):
    order = dispatched(api, staff)
    body = {"step": "contact", "outcome": "reached", "idempotency_key": "phone-42"}
    path = f"/api/orders/{order['id']}/steps"
    first = api(staff.engineer_a, "post", path, body)
    again = api(staff.engineer_a, "post", path, body)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert OrderEvent.objects.filter(order_id=order["id"], kind="call").count() == 1
    # An arrival retried after the first answer got lost: no "illegal step" on the retry.
    arrive = {"step": "arrive", "idempotency_key": "phone-43"}
    assert api(staff.engineer_a, "post", path, arrive).status_code == 200
    assert api(staff.engineer_a, "post", path, arrive).status_code == 200
    assert OrderEvent.objects.filter(order_id=order["id"], kind="arrive").count() == 1


def test_a_retried_create_makes_one_order(api, staff, now):
    body = repair(staff, idempotency_key="cs-desk-7")
    first = api(staff.cs, "post", "/api/orders", body)
    again = api(staff.cs, "post", "/api/orders", body)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    assert AuditEntry.objects.filter(action="workorders.order.created").count() == 1


def test_a_key_reused_for_another_request_is_a_conflict(api, staff, now):
    created(api, staff, idempotency_key="k1")
    response = api(
        staff.cs, "post", "/api/orders", repair(staff, description="另一单", idempotency_key="k1")
    )
    assert response.status_code == 409
    assert Order.objects.count() == 1


def test_keys_belong_to_their_user(api, staff, now):
    order = dispatched(api, staff)
    created(api, staff, idempotency_key="same")
    response = step(
        api, staff.engineer_a, order, "contact", outcome="reached", idempotency_key="same"
    )
    assert response.status_code == 200 and response.json()["state"] == "contacted"


def test_a_failed_write_does_not_use_up_its_key(api, staff, now):
    order = dispatched(api, staff)
    path = f"/api/orders/{order['id']}/steps"
    bad = api(staff.engineer_a, "post", path, {"step": "arrive", "idempotency_key": "k"})
    assert bad.status_code == 400
    assert not ApiIdempotency.objects.exists()
    good = api(
        staff.engineer_a,
        "post",
        path,
        {"step": "contact", "outcome": "reached", "idempotency_key": "k2"},
    )
    assert good.status_code == 200


def test_an_illegal_step_is_a_400_naming_the_state(api, staff, now):
    order = dispatched(api, staff)
    response = step(api, staff.engineer_a, order, "arrive")
    assert response.status_code == 400
    assert fields_of(response) == ["state"]
    assert (
        "arrive on site" in response.json()["detail"] and "Dispatched" in response.json()["detail"]
    )
    stored = Order.objects.get(pk=order["id"])
    assert stored.state == "dispatched" and stored.arrived_at is None
    assert not OrderEvent.objects.filter(order=stored, kind="arrive").exists()


@pytest.mark.parametrize(
    ("name", "fields", "field"),
    [
        ("contact", {}, "outcome"),
        ("appoint", {"outcome": "reached"}, "state"),  # not contacted yet
        ("close", {"cause_class": "our_side"}, "state"),
    ],
)
def test_missing_inputs_and_wrong_states_name_the_field(api, staff, now, name, fields, field):
    order = dispatched(api, staff)
    persona = staff.cs if name == "close" else staff.engineer_a
    response = step(api, persona, order, name, **fields)
    assert response.status_code == 400 and fields_of(response) == [field]


def test_a_double_booked_appointment_offers_the_next_free_time(api, staff, now):
    first, second = dispatched(api, staff), dispatched(api, staff)
    for order in (first, second):
        step(api, staff.engineer_a, order, "contact", outcome="reached")
    slot = {"start": "2026-11-03T11:00:00+08:00", "end": "2026-11-03T12:00:00+08:00"}
    assert step(api, staff.engineer_a, first, "appoint", **slot).status_code == 200
    response = step(
        api,
        staff.engineer_a,
        second,
        "appoint",
        start="2026-11-03T11:30:00+08:00",
        end="2026-11-03T12:30:00+08:00",
    )
    assert response.status_code == 400 and fields_of(response) == ["start"]
    assert "Next free time: 2026-11-03 12:00" in response.json()["detail"]
    assert Order.objects.get(pk=second["id"]).state == "contacted"
    assert Appointment.objects.count() == 1


def test_a_dispatch_to_someone_on_leave_is_refused_and_nothing_written(api, staff, now):
    Request.objects.create(
        person=staff.engineer_a,
        kind="trip",
        status="approved",
        start_date=T0.date(),
        end_date=T0.date(),
        reason="出差",
        created_at=T0,
    )
    order = created(api, staff)
    response = api(
        staff.cs,
        "post",
        f"/api/orders/{order['id']}/dispatch",
        {"engineer_id": staff.engineer_a.pk},
    )
    assert response.status_code == 400 and fields_of(response) == ["engineer_id"]
    assert "on leave, on a trip or seconded" in response.json()["detail"]
    stored = Order.objects.get(pk=order["id"])
    assert stored.state == "new" and stored.engineer is None
    assert list(stored.events.values_list("kind", flat=True)) == ["created"]
    assert not Notification.objects.filter(event="workorders.order.dispatched").exists()
    suggestions = api(staff.cs, "get", f"/api/orders/{order['id']}/suggestions").json()
    assert suggestions[-1]["person_id"] == staff.engineer_a.pk and suggestions[-1]["away"]


def test_an_unknown_customer_is_refused_and_nothing_written(api, staff, now):
    response = api(staff.cs, "post", "/api/orders", repair(staff, customer_id=999999))
    assert response.status_code == 400 and fields_of(response) == ["customer_id"]
    assert response.json()["detail"] == "Unknown customer."
    # A customer of another client is unknown to the station manager of station A.
    response = api(
        staff.manager_a, "post", "/api/orders", repair(staff, customer_id=staff.customer_b.pk)
    )
    assert fields_of(response) == ["customer_id"]
    response = api(staff.cs, "post", "/api/orders", repair(staff, customer_id=None))
    assert response.status_code == 400 and fields_of(response) == ["customer_id"]
    assert not Order.objects.exists() and not OrderEvent.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="workorders").exists()


def test_an_install_without_its_registration_form_names_the_missing_field(api, staff, now):
    body = {"kind": "install", "customer_id": staff.customer_a.pk, "description": "新装"}
    response = api(staff.cs, "post", "/api/orders", body | {"registration": {"name": "张三"}})
    assert response.status_code == 400 and fields_of(response) == ["registration.id_number"]
    complete = {"name": "张三", "id_number": "44010619900101123X", "package": "100M"}
    order = api(staff.cs, "post", "/api/orders", body | {"registration": complete}).json()
    assert order["registration"]["id_number"] == "44010619900101123X"
    dispatched_order = api(
        staff.cs,
        "post",
        f"/api/orders/{order['id']}/dispatch",
        {"engineer_id": staff.engineer_a.pk},
    ).json()
    seen = api(staff.engineer_a, "get", f"/api/orders/{dispatched_order['id']}").json()
    assert seen["registration"]["id_number"] == "440***********123X"


def test_an_inspection_goes_to_a_site(api, staff, now):
    body = {"kind": "inspection", "description": "月度巡检"}
    response = api(staff.cs, "post", "/api/orders", body)
    assert response.status_code == 400 and fields_of(response) == ["unit_id"]
    order = api(staff.cs, "post", "/api/orders", body | {"unit_id": staff.station_a.pk}).json()
    assert order["unit_id"] == staff.station_a.pk and order["customer_id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "red"}, "colour"),  # unknown fields are refused
        ({"kind": "plumbing"}, "kind"),
        ({"customer_id": 0}, "customer_id"),
        ({"fault_class": "tiny"}, "fault_class"),
        ({"description": ""}, "description"),
        ({"registration": {"id_number": "123"}}, "registration.id_number"),
        ({"idempotency_key": ""}, "idempotency_key"),
    ],
)
def test_strict_input(api, staff, body, field):
    response = api(staff.cs, "post", "/api/orders", repair(staff) | body)
    assert response.status_code == 422 and field in fields_of(response)
    assert not Order.objects.exists()


def test_a_step_body_is_strict_too(api, staff, now):
    order = dispatched(api, staff)
    for body, field in [
        ({"step": "teleport"}, "step"),
        ({"step": "contact", "outcome": "maybe"}, "outcome"),
        ({"step": "arrive", "when": "now"}, "when"),
        ({"step": "appoint", "start": "1900-01-01T10:00:00"}, "start"),
    ]:
        response = api(staff.engineer_a, "post", f"/api/orders/{order['id']}/steps", body)
        assert response.status_code == 422 and field in fields_of(response), body


def test_scoping_404_outside_and_403_for_someone_elses_step(api, staff, now):
    order = dispatched(api, staff)
    path = f"/api/orders/{order['id']}"
    assert api(staff.outsider, "get", path).status_code == 404
    assert step(api, staff.outsider, order, "contact", outcome="reached").status_code == 404
    assert api(staff.vendor_contact, "get", path).status_code == 404
    assert api(staff.client_pic, "get", path).status_code == 200
    response = step(api, staff.cs, order, "arrive")
    assert response.status_code == 403
    response = api(
        staff.engineer_a, "post", f"{path}/dispatch", {"engineer_id": staff.engineer_a.pk}
    )
    assert response.status_code == 403
    assert api(staff.engineer_a, "post", "/api/orders", repair(staff)).status_code == 403
    assert api(staff.engineer_a, "get", f"{path}/suggestions").status_code == 403
    assert api(staff.cs, "get", "/api/orders/99999999").status_code == 404


def test_the_list_filters_like_the_board(api, staff, now):
    hot = dispatched(api, staff)
    calm = created(api, staff)
    ids = lambda response: [o["id"] for o in response.json()["items"]]  # noqa: E731
    everything = api(staff.cs, "get", "/api/orders")
    assert everything.json()["count"] == 2 and ids(everything) == [hot["id"], calm["id"]]
    assert ids(api(staff.cs, "get", "/api/orders", sla="amber")) == [hot["id"]]
    assert ids(api(staff.cs, "get", "/api/orders", state="new")) == [calm["id"]]
    assert ids(api(staff.cs, "get", "/api/orders", station_id=staff.station_b.pk)) == []
    assert ids(api(staff.engineer_a, "get", "/api/orders", mine="true")) == [hot["id"]]
    assert ids(api(staff.outsider, "get", "/api/orders")) == []
    bad = api(staff.cs, "get", "/api/orders", state="lost")
    assert bad.status_code == 400 and fields_of(bad) == ["state"]
    listed = api(staff.engineer_a, "get", "/api/orders").json()["items"][0]
    assert listed["customer_phone"] == "135****1203"


def test_chain_notices_over_the_api_wo_05(api, staff, now):
    from workorders.services import sweep_order

    order = dispatched(api, staff)
    response = step(api, staff.cs, order, "notify_ops")
    assert response.status_code == 400 and fields_of(response) == ["chain_stage"]
    sweep_order(order["id"], now=at(10))
    now.move_to(at(12))
    assert step(api, staff.ops, order, "notify_ops").status_code == 403
    assert step(api, staff.cs, order, "notify_ops").json()["chain_stage"] == 2
    detail = step(api, staff.ops, order, "notify_station").json()
    kinds = [e["kind"] for e in detail["timeline"]]
    assert {
        "breach",
        "chain_notice_cs",
        "chain_cs_notified_ops",
        "chain_ops_notified_station",
    } <= set(kinds)
    assert [(b["rule_id"], b["kind"]) for b in detail["breaches"]] == [("WO-01", "contact_late")]
    assert Breach.objects.count() == 1


def test_a_step_reads_the_order_once_in_a_fixed_number_of_queries(
    api, staff, now, django_assert_max_num_queries
):
    """The hot path of bench (b): token (and its last use), person, the order (once, its SLA colour computed in
    Python), the idempotency key, the locked row, the event, the update, timeline, breaches,
    the stored answer; whatever the timeline's length. The answer's colour is the same as the
    annotated query's (WO-02 on-site clock: amber in its last 15 minutes, then red)."""
    order = dispatched(api, staff)
    for _ in range(5):
        api(staff.engineer_a, "post", f"/api/orders/{order['id']}/steps",
            {"step": "contact", "outcome": "no_answer"})  # fmt: skip
    now.move_to(at(50))
    with django_assert_max_num_queries(17):  # 16 + the token's last use, once a minute
        response = api(
            staff.engineer_a,
            "post",
            f"/api/orders/{order['id']}/steps",
            {"step": "contact", "outcome": "reached", "idempotency_key": "k-1"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["sla"] == "amber" and len(body["timeline"]) >= 7
    listed = api(staff.cs, "get", "/api/orders", state="all").json()["items"]
    assert [o["sla"] for o in listed if o["id"] == order["id"]] == ["amber"]
    now.move_to(at(61))
    shown = api(staff.engineer_a, "get", f"/api/orders/{order['id']}").json()
    assert shown["sla"] == "red"
