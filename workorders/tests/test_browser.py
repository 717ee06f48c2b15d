"""Work orders in a real browser (issue 4): customer service takes a repair order on the intake
page and dispatches it from the suggestion list; the engineer, on a 390x844 phone, logs the
call, sets off, arrives and resolves with one big button each (HTMX swaps the card); the board
then shows the order resolved, with no breach, and every page keeps the CSP (no inline style or
script). Screenshots go to $CREWDESK_SCREENSHOTS or a temporary folder.
"""

import re

import pytest

from core.tests.test_browser import DESKTOP, PHONE, browser, log_in, open_page, shots, watch  # noqa: F401
from workorders.models import Breach, Order
from workorders.tests.conftest import T0

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_repair_order_from_intake_to_resolved_on_a_phone(
    org,
    open_page,  # noqa: F811
    time_machine,
    shots,  # noqa: F811
):
    time_machine.move_to(T0, tick=True)
    errors: list[str] = []

    # Customer service takes the call: finds the customer, sees the masked phone, takes the order.
    desk = open_page(DESKTOP)
    watch(desk, errors)
    log_in(desk, "cs")
    desk.goto("/orders/new/?kind=repair")
    desk.locator("input[name=customer_q]").fill("1203")
    choice = desk.locator(f"#customer-choices input[value='{org.customer_a.pk}']")
    choice.wait_for()
    assert "135****1203" in desk.get_by_test_id("customer-choices").inner_text()
    choice.check()
    desk.locator("select[name=fault_class]").select_option("general")
    desk.locator("textarea[name=description]").fill("宽带无法上网，光猫红灯")
    desk.screenshot(path=shots / "order-intake.png", full_page=True)
    with desk.expect_navigation():
        desk.get_by_test_id("take-order").click()
    order = Order.objects.get()
    assert desk.url.endswith(f"/orders/{order.pk}/")
    assert (order.customer, order.unit, order.fault_class) == (
        org.customer_a,
        org.community_a,
        "general",
    )

    # ... and dispatches it to engineer A from the suggestion list.
    suggestions = desk.get_by_test_id("dispatch-form")
    assert org.engineer_a.name in suggestions.inner_text()
    assert org.engineer_b.name not in suggestions.inner_text()  # another station
    suggestions.locator(f"input[name=engineer][value='{org.engineer_a.pk}']").check()
    with desk.expect_navigation():
        desk.get_by_test_id("dispatch-button").click()
    assert desk.get_by_test_id("engineer").inner_text() == org.engineer_a.name
    countdown = desk.locator("tr[data-clock=contact] time.countdown")
    desk.wait_for_function(
        "el => /\\d+:\\d\\d:\\d\\d/.test(el.textContent)", arg=countdown.element_handle()
    )
    desk.screenshot(path=shots / "order-dispatched.png", full_page=True)

    # The engineer on his phone: one big button per step, the card swapped in place.
    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    watch(phone, errors)
    log_in(phone, "engineer_a")
    phone.goto("/orders/mine/")
    card = phone.locator(f"article[data-order='{order.number}']")
    assert "135****1203" in card.inner_text()
    assert "13512341203" not in phone.content()
    # The contact clock counts down on the server's time, whatever the phone's clock says.
    phone.wait_for_function(
        "el => /\\d+:\\d\\d:\\d\\d/.test(el.textContent) && !el.classList.contains('overdue')",
        arg=card.locator("time.countdown").element_handle(),
    )
    phone.screenshot(path=shots / "engineer-phone-dispatched.png", full_page=True)
    url_before = phone.url
    for button, state in [
        ("call-reached", "contacted"),
        ("step-on_the_way", "on_the_way"),
        ("step-arrive", "arrived"),
        ("step-resolve", "resolved"),
    ]:
        time_machine.shift(60 * 4)  # four minutes between steps: well within WO-01 and WO-02
        big = card.get_by_test_id(button)
        box = big.bounding_box()
        assert box["width"] >= 150 and box["height"] >= 60, box  # big enough for a thumb
        big.click()
        phone.locator(f"article[data-order='{order.number}'][data-state='{state}']").wait_for()
        if state == "contacted":  # the other steps (appointment inputs too) fit the phone
            card.locator("details.more summary").click()
            card.locator("input[name=start]").wait_for()
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            phone.screenshot(path=shots / "engineer-phone-other-steps.png", full_page=True)
            card.locator("details.more summary").click()
    assert phone.url == url_before  # swapped in place, no page load
    phone.screenshot(path=shots / "engineer-phone-resolved.png", full_page=True)
    order.refresh_from_db()
    assert order.state == "resolved" and order.arrived_at is not None
    assert list(order.events.values_list("kind", flat=True)) == [
        "created",
        "dispatched",
        "call",
        "on_the_way",
        "arrive",
        "resolve",
    ]

    # The board shows it resolved and in time.
    desk.goto("/orders/")
    row = desk.locator(f"tr[data-order='{order.number}']")
    assert row.get_attribute("data-state") == "resolved"
    assert row.get_by_test_id("breaches").inner_text().strip() == "0"
    assert row.get_by_test_id("sla").get_attribute("data-sla") != "red"
    # The 10-second HTMX refresh keeps the row (and the filters).
    desk.locator("#board").evaluate("el => htmx.trigger(el, 'every 10s')")
    desk.select_option("#f-state", "resolved")
    desk.wait_for_url(re.compile(r"state=resolved"))
    assert desk.locator("tr[data-order]").count() == 1
    desk.screenshot(path=shots / "board-resolved.png", full_page=True)
    assert not Breach.objects.exists()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors


def test_wo_12_wo_15_the_engineer_hands_in_his_day_and_tells_the_customer_on_a_phone(
    org,
    open_page,  # noqa: F811
    time_machine,
    shots,  # noqa: F811
):
    """WO-12: the hand-in button on the phone-sized daily record, pressed once, shows the record
    handed in; the group leader sees it on the team's page. WO-15: the order page offers the
    customer notice in the wording that fits (here: still checking) and records it."""
    from workorders import services
    from workorders.tests.factories import repair_order

    time_machine.move_to(T0, tick=True)
    errors: list[str] = []
    order = services.dispatch_order(repair_order(org), engineer=org.engineer_a, by=org.cs)
    services.log_contact(order, by=org.engineer_a, outcome="reached")

    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    watch(phone, errors)
    log_in(phone, "engineer_a")
    phone.goto(f"/orders/{order.pk}/")
    notice = phone.get_by_test_id("customer-notice")
    assert notice.get_attribute("data-situation") == "checking"
    assert "工程师正在排查" in notice.inner_text()
    with phone.expect_navigation():
        phone.get_by_test_id("notice-send-zh-hans").click()
    assert order.events.filter(kind="customer_notice").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.goto(f"/orders/daily/{T0.date().isoformat()}/")
    card = phone.get_by_test_id("hand-in")
    assert card.get_attribute("data-state") == "open"
    button = phone.get_by_test_id("hand-in-button")
    box = button.bounding_box()
    assert box["height"] >= 60, box  # big enough for a thumb
    with phone.expect_navigation():
        button.click()
    assert phone.get_by_test_id("hand-in").get_attribute("data-state") == "handed_in"
    assert phone.get_by_test_id("hand-in-button").count() == 0
    phone.screenshot(path=shots / "daily-handed-in.png", full_page=True)

    leader = open_page(DESKTOP)
    watch(leader, errors)
    log_in(leader, "leader_a")
    leader.goto(f"/orders/daily/{T0.date().isoformat()}/hand-ins/")
    row = leader.locator(f"tr[data-person='{org.engineer_a.pk}']")
    assert row.get_attribute("data-state") == "handed_in"
    leader.screenshot(path=shots / "daily-hand-ins.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
