"""Issue 6 in a real browser: on a 390x844 phone the engineer opens his EPON inspection, marks
the cable as water-damaged (INS-04), takes the site photo, submits, and opens a repair order with
one tap; the dispatcher then sees the order on the /orders/ board, and the dashboard's inspection
completion for November counts one more ticket done. Every page keeps the CSP (no inline style or
script). Screenshots go to $CREWDESK_SCREENSHOTS or a temporary folder."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.tests.test_browser import DESKTOP, PHONE, browser, log_in, open_page, shots, watch  # noqa: F401
from dashboards.tests.test_browser import FIGURE, wait_for_charts
from inspections import services
from inspections.models import Answer, Ticket
from inspections.tests.conftest import JPEG
from workorders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday


def test_an_epon_inspection_on_a_phone_opens_a_repair_order_for_the_dispatcher(
    ins,
    open_page,  # noqa: F811
    time_machine,
    shots,  # noqa: F811
):
    time_machine.move_to(T0, tick=True)
    services.generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    ticket = Ticket.objects.get(asset=ins.epon)
    errors: list[str] = []

    # The dispatch centre's dashboard before: November's inspection completion (INS-04, KPI-10).
    desk = open_page(DESKTOP)
    watch(desk, errors)
    log_in(desk, "dispatch")
    desk.goto("/dashboards/")
    wait_for_charts(desk)
    before = desk.evaluate(FIGURE, "inspections")
    assert before["due"] >= 1 and before["done"] == 0, before

    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    watch(phone, errors)
    log_in(phone, "engineer_a")
    phone.goto("/inspections/mine/")
    card = phone.locator("a[data-testid=ticket-card]", has_text="东苑 EPON 干线 1")
    phone.screenshot(path=shots / "inspections-mine-phone.png", full_page=True)
    with phone.expect_navigation():
        card.click()
    assert phone.url.endswith(f"/inspections/{ticket.pk}/")

    # Every check passes except the cable: water got in (INS-04).
    items = phone.locator("li[data-testid=item]")
    for index in range(items.count()):
        li = items.nth(index)
        if "光缆" in li.get_attribute("data-item"):
            li.get_by_test_id("not-ok").check()
            li.get_by_test_id("note").fill("光缆接头进水")
        elif li.get_by_test_id("ok").count():
            li.get_by_test_id("ok").check()
    photo = phone.locator("li[data-testid=item] input[data-testid=photo]")
    photo.set_input_files({"name": "site.jpg", "mimeType": "image/jpeg", "buffer": JPEG})
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    submit = phone.get_by_test_id("submit-ticket")
    box = submit.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box  # big enough for a thumb
    phone.screenshot(path=shots / "inspection-checklist-phone.png", full_page=True)
    with phone.expect_navigation():
        submit.click()
    assert Ticket.objects.get(pk=ticket.pk).status == "done"
    anomaly = phone.locator("li[data-testid=answer]", has_text="光缆")
    assert "光缆接头进水" in anomaly.inner_text()

    # One tap: the repair order is opened and linked, swapped in place.
    url_before = phone.url
    anomaly.get_by_test_id("open-order").click()
    link = phone.get_by_test_id("order-link")
    link.wait_for()
    assert phone.url == url_before
    order = Order.objects.get()
    assert order.number in link.inner_text()
    assert Answer.objects.get(anomaly=True).order == order
    phone.screenshot(path=shots / "inspection-order-opened-phone.png", full_page=True)

    # The dispatcher sees it on the board, waiting to be dispatched.
    desk.goto("/orders/")
    row = desk.locator(f"tr[data-order='{order.number}']")
    row.wait_for()
    assert row.get_attribute("data-state") == "new"
    desk.screenshot(path=shots / "board-inspection-order.png", full_page=True)

    # And the dashboard's inspection completion has the ticket done.
    desk.goto("/dashboards/")
    wait_for_charts(desk)
    after = desk.evaluate(FIGURE, "inspections")
    assert (after["due"], after["done"]) == (before["due"], before["done"] + 1), (before, after)
    desk.locator("[data-chart=inspections]").screenshot(
        path=shots / "dashboard-after-inspection.png"
    )
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
