"""Callbacks in a real browser: customer service ticks two behaviour items on the callback form
(desktop), the engineer's month gets two BEH-01 entries of 50 CNY; the client's specialist records
a monthly callback (CB-02) on a 390x844 phone without horizontal scrolling; the pages keep the
CSP (no console errors). Screenshots go to $CREWDESK_SCREENSHOTS or a temporary folder."""

from datetime import date
from decimal import Decimal

import pytest

from assessment.models import Entry
from callbacks import services
from callbacks.checklist import ensure_default_items
from callbacks.models import Callback
from callbacks.tests.conftest import T0, closed_order
from conftest import make_person
from core.tests.test_browser import DESKTOP, PHONE, browser, log_in, open_page, shots, watch  # noqa: F401
from people.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_beh01_cb01_cb02_callback_forms_on_desktop_and_phone(
    org,
    open_page,  # noqa: F811
    time_machine,
    shots,  # noqa: F811
):
    time_machine.move_to(T0, tick=True)
    ensure_default_items()  # a previous transactional test flushed the migration's rows
    make_person("specialist", Role.CLIENT_SPECIALIST, employer=org.client, client=org.client)
    callback = services.open_callback(closed_order(org))
    errors: list[str] = []

    desk = open_page(DESKTOP)
    watch(desk, errors)
    log_in(desk, "cs")
    desk.goto("/callbacks/")
    with desk.expect_navigation():
        desk.locator(f"a[href='/callbacks/{callback.pk}/']").click()
    desk.locator("input[name=violations][value=knocking]").check()
    desk.locator("input[name=violations][value=shoe-covers]").check()
    desk.locator("select[name=satisfaction]").select_option("3")
    desk.locator("textarea[name=note]").fill("客户反映未敲门、未穿鞋套")
    desk.screenshot(path=shots / "callback-form.png", full_page=True)
    with desk.expect_navigation():
        desk.get_by_test_id("save-callback").click()
    assert desk.get_by_test_id("satisfaction").inner_text().startswith("3")
    fines = Entry.objects.filter(person=org.engineer_a, rule_id="BEH-01")
    assert sorted(e.fine for e in fines) == [Decimal("50.00")] * 2

    services.generate_client_callbacks(date(2026, 11, 1))
    task = Callback.objects.get(engineer=org.engineer_a, kind=Callback.Kind.CLIENT_MONTHLY)
    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    watch(phone, errors)
    log_in(phone, "specialist")
    phone.goto(f"/callbacks/{task.pk}/")
    phone.locator("input[name=violations][value=no-arguing]").check()
    phone.locator("select[name=satisfaction]").select_option("4")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=shots / "client-callback-phone.png", full_page=True)
    with phone.expect_navigation():
        phone.get_by_test_id("save-callback").click()
    task.refresh_from_db()
    assert task.state == Callback.State.DONE and task.satisfaction == 4
    assert Entry.objects.filter(person=org.engineer_a, rule_id="BEH-01").count() == 3
    phone.goto("/callbacks/quarter/?quarter=2026Q4")
    assert org.engineer_a.name in phone.get_by_test_id("quarter").inner_text()
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
