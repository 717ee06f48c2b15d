"""Order pages: the intake, the board (filters, HTMX partial), the order page (masked phone,
timeline, dispatch with suggestions, WO-05 chain buttons by role), the engineer's phone cards
step by step, the daily event record; outsiders get 404."""

import pytest
from django.conf import settings
from django.urls import reverse

from leave.models import Request
from people.tests.factories import CustomerFactory
from workorders import services
from workorders.models import Appointment, Order
from workorders.tests.conftest import T0, at, dispatched
from workorders.tests.factories import repair_order

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, persona):
    client.force_login(persona.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assertions below use the msgids
    return client


def step(client, order, name, view="card", **fields):
    data = {"step": name, "view": view} | fields
    return client.post(reverse("workorders:step", args=[order.pk]), data, **HTMX)


def state_of(order) -> str:
    return Order.objects.get(pk=order.pk).state


# --- the intake ---------------------------------------------------------------------------------


def test_customer_service_takes_a_repair_order(client, staff, now):
    login(client, staff.cs)
    page = client.get(reverse("workorders:new") + "?kind=repair")
    assert page.status_code == 200
    assert 'name="fault_class"' in page.text and 'name="reg_id_number"' not in page.text
    response = client.post(
        reverse("workorders:new"),
        {
            "kind": "repair",
            "customer": staff.customer_a.pk,
            "fault_class": "general",
            "description": "宽带无法上网",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("workorders:detail", args=[order.pk])
    assert (order.unit, order.customer, order.cs_agent) == (
        staff.community_a,
        staff.customer_a,
        staff.cs,
    )
    assert order.state == "new" and order.address == staff.customer_a.address


def test_the_customer_search_shows_the_masked_phone(client, staff):
    login(client, staff.cs)
    response = client.get(reverse("workorders:customer-search"), {"customer_q": "1351"}, **HTMX)
    assert response.status_code == 200
    assert "135****1203" in response.text and "13512341203" not in response.text
    assert f'value="{staff.customer_a.pk}"' in response.text
    by_account = client.get(
        reverse("workorders:customer-search"), {"customer_q": staff.customer_a.account_no}
    )
    assert staff.customer_a.name in by_account.text


def test_the_search_button_works_without_javascript_and_keeps_the_input(client, staff):
    login(client, staff.cs)
    response = client.post(
        reverse("workorders:new"),
        {"kind": "repair", "customer_q": staff.customer_a.name, "description": "断网", "find": "1"},
    )
    assert response.status_code == 200 and not Order.objects.exists()
    assert staff.customer_a.account_no in response.text and "断网" in response.text
    assert 'class="error"' not in response.text


def test_an_unknown_customer_is_refused_and_nothing_is_written(client, staff):
    login(client, staff.cs)
    response = client.post(
        reverse("workorders:new"),
        {"kind": "repair", "customer": 999999, "fault_class": "general", "description": "x"},
    )
    assert response.status_code == 200
    assert 'data-field="customer"' in response.text
    assert not Order.objects.exists()


def test_a_customer_outside_the_scope_is_unknown_to_a_station_manager(client, staff):
    login(client, staff.manager_a)
    response = client.post(
        reverse("workorders:new"),
        {
            "kind": "repair",
            "customer": staff.customer_b.pk,
            "fault_class": "general",
            "description": "x",
        },
    )
    assert 'data-field="customer"' in response.text and not Order.objects.exists()


def test_an_install_needs_its_registration_form_wo_10(client, staff, now):
    login(client, staff.cs)
    data = {"kind": "install", "customer": staff.customer_a.pk, "description": "新装宽带"}
    response = client.post(reverse("workorders:new"), data)
    assert 'data-field="reg_name"' in response.text and not Order.objects.exists()
    bad_id = data | {"reg_name": "张三", "reg_id_number": "12345", "reg_package": "100M"}
    assert 'data-field="reg_id_number"' in client.post(reverse("workorders:new"), bad_id).text
    good = bad_id | {"reg_id_number": "44010619900101123X"}
    assert client.post(reverse("workorders:new"), good).status_code == 302
    order = Order.objects.get()
    assert order.registration == {
        "name": "张三",
        "id_number": "44010619900101123X",
        "package": "100M",
    }


def test_an_inspection_needs_a_site_instead_of_a_customer(client, staff, now):
    login(client, staff.cs)
    data = {"kind": "inspection", "description": "月度巡检"}
    response = client.post(reverse("workorders:new"), data)
    assert 'data-field="unit"' in response.text and not Order.objects.exists()
    response = client.post(reverse("workorders:new"), data | {"unit": staff.station_a.pk})
    assert response.status_code == 302
    assert Order.objects.get().unit == staff.station_a


def test_a_critical_problem_is_reported_from_the_intake_wo_09(client, staff, now):
    login(client, staff.cs)
    client.post(
        reverse("workorders:new"),
        {
            "kind": "repair",
            "customer": staff.customer_a.pk,
            "fault_class": "major",
            "critical": "on",
            "description": "整片断网",
        },
    )
    order = Order.objects.get()
    assert order.critical
    assert order.events.filter(kind="critical_reported").exists()
    page = login(client, staff.cs).get(reverse("workorders:detail", args=[order.pk]))
    assert "WO-09" in page.text


@pytest.mark.parametrize("persona", ["engineer_a", "client_pic", "vendor_contact", "hr"])
def test_only_order_takers_open_the_intake(client, staff, persona):
    login(client, getattr(staff, persona))
    assert client.get(reverse("workorders:new")).status_code == 404
    assert (
        client.get(reverse("workorders:customer-search"), {"customer_q": "13"}).status_code == 404
    )


# --- the board ----------------------------------------------------------------------------------


def test_the_board_shows_open_orders_with_their_sla_colour(client, staff, now):
    hot = dispatched(staff)  # contact due in 10 min: amber
    calm = repair_order(staff)  # not dispatched: no clock yet, green
    login(client, staff.cs)
    page = client.get(reverse("workorders:board"))
    assert page.status_code == 200
    assert hot.number in page.text and calm.number in page.text
    assert 'hx-trigger="every 10s"' in page.text
    amber = client.get(reverse("workorders:board"), {"sla": "amber"})
    assert hot.number in amber.text and calm.number not in amber.text
    now.move_to(at(11))  # the contact clock ran out
    red = client.get(reverse("workorders:board"), {"sla": "red"})
    assert hot.number in red.text and calm.number not in red.text


def test_the_board_filters_by_station_type_and_state(client, staff, now):
    order = dispatched(staff)
    login(client, staff.cs)
    board = reverse("workorders:board")
    assert order.number in client.get(board, {"station": staff.station_a.pk}).text
    assert order.number not in client.get(board, {"station": staff.station_b.pk}).text
    assert order.number in client.get(board, {"kind": "repair"}).text
    assert order.number not in client.get(board, {"kind": "install"}).text
    assert order.number in client.get(board, {"state": "dispatched"}).text
    assert order.number not in client.get(board, {"state": "closed"}).text
    assert order.number in client.get(board, {"q": order.number[-5:]}).text


def test_the_htmx_refresh_gets_the_rows_partial_with_its_filters(client, staff, now):
    order = dispatched(staff)
    login(client, staff.cs)
    response = client.get(reverse("workorders:board"), {"kind": "repair"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="board"' in response.text
    assert 'hx-get="/orders/?kind=repair"' in response.text
    assert order.number in response.text and "data-due=" in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_the_board_is_scoped(client, staff, now):
    order = dispatched(staff)
    for persona, sees in [
        ("manager_a", True),
        ("engineer_a", True),
        ("client_pic", True),
        ("outsider", False),
        ("vendor_contact", False),
    ]:
        text = login(client, getattr(staff, persona)).get(reverse("workorders:board")).text
        assert (order.number in text) is sees, persona


# --- the order page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "phone"),
    [
        ("cs", "13512341203"),
        ("ops", "13512341203"),
        ("engineer_a", "135****1203"),
        ("manager_a", "135****1203"),
        ("client_pic", "135****1203"),
    ],
)
def test_the_order_page_masks_the_phone_per_role_sec_05(client, staff, now, persona, phone):
    order = dispatched(staff)
    page = login(client, getattr(staff, persona)).get(reverse("workorders:detail", args=[order.pk]))
    assert page.status_code == 200
    assert f'data-testid="customer-phone">{phone}<' in page.text
    if "*" in phone:
        assert "13512341203" not in page.text


def test_the_order_page_shows_deadlines_and_the_timeline(client, staff, now):
    order = dispatched(staff)
    page = login(client, staff.cs).get(reverse("workorders:detail", args=[order.pk]))
    assert 'data-clock="contact"' in page.text and 'data-clock="on_site"' in page.text
    assert 'data-event="created"' in page.text and 'data-event="dispatched"' in page.text
    assert 'data-testid="no-breach"' in page.text
    assert 'src="/static/workorders/countdown.js"' in page.text and "style=" not in page.text


def test_breaches_and_chain_notices_appear_on_the_order_page(client, staff, now):
    order = dispatched(staff)
    services.sweep_order(order.pk, now=at(10))
    page = login(client, staff.ops).get(reverse("workorders:detail", args=[order.pk]))
    assert 'data-testid="breach-list"' in page.text and "WO-01" in page.text
    assert 'data-event="breach"' in page.text and 'data-event="chain_notice_cs"' in page.text


@pytest.mark.parametrize("persona", ["outsider", "vendor_contact"])
def test_an_outsider_gets_404_everywhere(client, staff, now, persona):
    order = dispatched(staff)
    login(client, getattr(staff, persona))
    assert client.get(reverse("workorders:detail", args=[order.pk])).status_code == 404
    assert step(client, order, "contact", outcome="reached").status_code == 404
    response = client.post(
        reverse("workorders:dispatch", args=[order.pk]), {"engineer": staff.engineer_b.pk}
    )
    assert response.status_code == 404
    assert state_of(order) == "dispatched"


def test_dispatch_from_the_order_page_with_the_suggestion_list(client, staff, now):
    order = repair_order(staff)
    login(client, staff.cs)
    page = client.get(reverse("workorders:detail", args=[order.pk]))
    assert 'data-testid="dispatch-form"' in page.text
    assert staff.engineer_a.name in page.text and staff.vendor_engineer_a.name in page.text
    assert staff.engineer_b.name not in page.text  # another station
    assert "No open orders" in page.text
    response = client.post(
        reverse("workorders:dispatch", args=[order.pk]), {"engineer": staff.engineer_a.pk}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "dispatched" and order.engineer == staff.engineer_a
    # A reassignment keeps the history.
    client.post(
        reverse("workorders:dispatch", args=[order.pk]), {"engineer": staff.vendor_engineer_a.pk}
    )
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["created", "dispatched", "reassigned"]


def test_dispatch_to_someone_on_leave_is_refused_and_changes_nothing(client, staff, now):
    Request.objects.create(
        person=staff.engineer_a,
        kind="leave",
        status="approved",
        start_date=T0.date(),
        end_date=T0.date(),
        reason="病",
        created_at=T0,
    )
    order = repair_order(staff)
    login(client, staff.cs)
    page = client.get(reverse("workorders:detail", args=[order.pk]))
    assert "On leave, a trip or secondment today" in page.text
    response = client.post(
        reverse("workorders:dispatch", args=[order.pk]),
        {"engineer": staff.engineer_a.pk},
        follow=True,
    )
    assert "on leave" in response.text
    order.refresh_from_db()
    assert order.state == "new" and order.engineer is None
    assert list(order.events.values_list("kind", flat=True)) == ["created"]


def test_an_engineer_cannot_dispatch(client, staff, now):
    order = dispatched(staff)
    response = login(client, staff.engineer_a).post(
        reverse("workorders:dispatch", args=[order.pk]), {"engineer": staff.vendor_engineer_a.pk}
    )
    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).engineer == staff.engineer_a


def test_chain_buttons_follow_the_stage_and_the_role_wo_05(client, staff, now):
    order = dispatched(staff)
    url = reverse("workorders:detail", args=[order.pk])
    assert 'data-step="notify_ops"' not in login(client, staff.cs).get(url).text
    services.sweep_order(order.pk, now=at(10))  # customer not contacted: customer service alerted
    now.move_to(at(11))
    assert 'data-step="notify_ops"' in login(client, staff.cs).get(url).text
    assert 'data-step="notify_ops"' not in login(client, staff.ops).get(url).text
    assert 'data-step="notify_station"' not in login(client, staff.ops).get(url).text
    login(client, staff.cs)
    response = client.post(
        reverse("workorders:step", args=[order.pk]), {"step": "notify_ops", "next": url}
    )
    assert response.status_code == 302 and response.url == url
    assert 'data-step="notify_ops"' not in client.get(url).text
    assert 'data-step="notify_station"' in login(client, staff.ops).get(url).text
    client.post(reverse("workorders:step", args=[order.pk]), {"step": "notify_station"})
    page = client.get(url)
    assert 'data-step="notify_station"' not in page.text
    assert 'data-event="chain_cs_notified_ops"' in page.text
    assert 'data-event="chain_ops_notified_station"' in page.text
    # Only customer service passes the first notice on.
    response = login(client, staff.engineer_a).post(
        reverse("workorders:step", args=[order.pk]), {"step": "notify_ops"}, follow=True
    )
    assert "not yours to take" in response.text


def test_customer_service_closes_with_the_cause_class_wo_13(client, staff, now):
    order = dispatched(staff)
    for name in ["contact", "arrive", "resolve"]:
        services.log_contact(
            order, by=staff.engineer_a, outcome="reached"
        ) if name == "contact" else (services.take_step(order, name, by=staff.engineer_a))
    login(client, staff.cs)
    url = reverse("workorders:detail", args=[order.pk])
    assert 'data-step="close"' in client.get(url).text
    response = client.post(
        reverse("workorders:step", args=[order.pk]), {"step": "close"}, follow=True
    )
    assert "WO-13" in response.text and state_of(order) == "resolved"
    client.post(
        reverse("workorders:step", args=[order.pk]), {"step": "close", "cause_class": "our_side"}
    )
    assert state_of(order) == "closed"


# --- the engineer's phone page ------------------------------------------------------------------


def test_the_engineer_takes_each_step_with_one_big_button(client, staff, now):
    order = dispatched(staff)
    login(client, staff.engineer_a)
    page = client.get(reverse("workorders:mine"))
    assert page.status_code == 200
    assert 'data-testid="call-reached"' in page.text and "135****1203" in page.text
    card = step(client, order, "contact", outcome="reached")
    assert card.status_code == 200 and 'data-state="contacted"' in card.text
    assert 'data-step="on_the_way"' in card.text and 'id="appointments"' in card.text
    for name, state in [
        ("on_the_way", "on_the_way"),
        ("arrive", "arrived"),
        ("resolve", "resolved"),
    ]:
        card = step(client, order, name)
        assert f'data-state="{state}"' in card.text, card.text
    assert 'data-step="feedback"' in card.text
    step(client, order, "feedback")
    assert state_of(order) == "feedback"
    kinds = list(Order.objects.get(pk=order.pk).events.values_list("kind", flat=True))
    assert kinds == ["created", "dispatched", "call", "on_the_way", "arrive", "resolve", "feedback"]


def test_a_call_without_answer_keeps_the_order_dispatched(client, staff, now):
    order = dispatched(staff)
    card = step(login(client, staff.engineer_a), order, "contact", outcome="no_answer")
    assert 'data-state="dispatched"' in card.text and state_of(order) == "dispatched"
    assert order.events.filter(kind="call", data__outcome="no_answer").exists()


def test_a_step_out_of_order_shows_a_clear_error(client, staff, now):
    order = dispatched(staff)
    card = step(login(client, staff.engineer_a), order, "arrive")
    assert 'data-testid="card-error"' in card.text and "Dispatched" in card.text
    assert state_of(order) == "dispatched"
    assert not order.events.filter(kind="arrive").exists()


def test_a_double_booked_appointment_offers_the_next_free_time(client, staff, now):
    first, second = dispatched(staff), dispatched(staff)
    login(client, staff.engineer_a)
    for order in (first, second):
        step(client, order, "contact", outcome="reached")
    card = step(client, first, "appoint", start="2026-11-03T11:00", end="2026-11-03T12:00")
    assert 'data-state="appointed"' in card.text and "11:00–12:00" in card.text
    card = step(client, second, "appoint", start="2026-11-03T11:30", end="2026-11-03T12:30")
    assert 'data-testid="card-error"' in card.text and "12:00" in card.text
    assert state_of(second) == "contacted"
    assert Appointment.objects.filter(active=True).count() == 1


def test_escalation_needs_a_note_and_tells_technical_support_wo_06(client, staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    services.take_step(order, "arrive", by=staff.engineer_a)
    login(client, staff.engineer_a)
    assert 'data-testid="card-error"' in step(client, order, "escalate").text
    step(client, order, "escalate", note="光猫故障，需更换")
    assert state_of(order) == "escalated"


def test_another_engineer_cannot_take_the_steps(client, staff, now):
    order = dispatched(staff)
    response = login(client, staff.vendor_engineer_a).post(
        reverse("workorders:step", args=[order.pk]), {"step": "contact", "outcome": "reached"}
    )
    assert response.status_code == 404  # not his order: he does not see it
    response = login(client, staff.cs).post(
        reverse("workorders:step", args=[order.pk]),
        {"step": "contact", "outcome": "reached"},
        follow=True,
    )
    assert "not yours to take" in response.text and state_of(order) == "dispatched"


def test_the_phone_page_without_javascript_redirects_back(client, staff, now):
    order = dispatched(staff)
    login(client, staff.engineer_a)
    response = client.post(
        reverse("workorders:step", args=[order.pk]),
        {"step": "contact", "outcome": "reached", "next": reverse("workorders:mine")},
    )
    assert response.status_code == 302 and response.url == reverse("workorders:mine")
    assert state_of(order) == "contacted"


def test_the_appointment_table_lists_the_coming_days(client, staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    services.agree_appointment(order, by=staff.engineer_a, start=at(24 * 60), end=at(25 * 60))
    page = login(client, staff.engineer_a).get(reverse("workorders:mine"))
    assert "11-04" in page.text and "09:00–10:00" in page.text


# --- the daily event record (WO-12) -------------------------------------------------------------


def test_the_daily_record_lists_the_engineers_events_of_the_day(client, staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    services.take_step(order, "arrive", by=staff.engineer_a)
    day = reverse("workorders:daily", args=["2026-11-03"])
    page = login(client, staff.engineer_a).get(day)
    assert page.status_code == 200
    assert 'data-event="call"' in page.text and 'data-event="arrive"' in page.text
    assert 'data-event="dispatched"' not in page.text  # customer service did that
    manager = login(client, staff.manager_a).get(day, {"person": staff.engineer_a.pk})
    assert 'data-event="arrive"' in manager.text
    assert (
        login(client, staff.outsider).get(day, {"person": staff.engineer_a.pk}).status_code == 404
    )
    other_day = login(client, staff.engineer_a).get(
        reverse("workorders:daily", args=["2026-11-04"])
    )
    assert 'data-event="call"' not in other_day.text
    assert client.get("/orders/daily/2026-13-45/").status_code == 404


# --- navigation ---------------------------------------------------------------------------------


def test_the_nav_has_orders_and_my_orders_for_an_engineer(client, staff):
    page = login(client, staff.engineer_a).get(reverse("workorders:mine"))
    assert 'href="/orders/"' in page.text
    assert 'href="/orders/mine/" aria-current="page"' in page.text
    assert 'href="/orders/" aria-current' not in page.text
    desk = login(client, staff.cs).get(reverse("home"))
    assert 'href="/orders/"' in desk.text and 'href="/orders/mine/"' not in desk.text
    vendor = login(client, staff.vendor_contact).get(reverse("home"))
    assert 'href="/orders/"' not in vendor.text


def test_a_new_customer_is_found_by_phone_digits(client, staff):
    CustomerFactory(name="李四", unit=staff.community_a, client=staff.client, phone="13900001111")
    response = login(client, staff.cs).get(
        reverse("workorders:customer-search"), {"customer_q": "0000111"}
    )
    assert "李四" in response.text and "139****1111" in response.text


# --- admin --------------------------------------------------------------------------------------


def test_the_admin_shows_orders_read_only(client, staff, now, django_user_model):
    order = dispatched(staff)
    services.sweep_order(order.pk, now=at(10))
    admin = django_user_model.objects.create_superuser("root", password="pass-word-1")
    client.force_login(admin)
    for url in [
        "/admin/workorders/order/",
        f"/admin/workorders/order/{order.pk}/change/",
        "/admin/workorders/orderevent/",
        "/admin/workorders/breach/",
        "/admin/workorders/appointment/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/workorders/order/add/").status_code == 403
