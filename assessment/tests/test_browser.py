"""The assessment in a real browser (issue 5): customer service records two behaviour violations
on a callback (desktop); the engineer, on a 390x844 phone, sees 100.00 CNY of BEH-01 fines in his
month, objects to one entry (KPI-11); the assessment group (operations manager) withdraws it with
a reason; the engineer's month and his statement then show 50.00 CNY. Screenshots go to
$CREWDESK_SCREENSHOTS or a temporary folder."""

from datetime import date

import pytest
from django.urls import NoReverseMatch, reverse

from assessment.models import Entry, Objection
from callbacks import services as callbacks
from callbacks.checklist import ensure_default_items
from callbacks.tests.conftest import T0, closed_order
from core.tests.test_browser import DESKTOP, PHONE, browser, log_in, open_page, shots, watch  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOV = date(2026, 11, 1)


def statement_url(person) -> str | None:
    try:
        return reverse("statements:person", args=[person.pk, NOV])
    except NoReverseMatch:
        return None


def test_BEH_01_KPI_11_two_violations_one_objection_withdrawn_leaves_50_cny(
    org,
    open_page,  # noqa: F811
    time_machine,
    shots,  # noqa: F811
):
    time_machine.move_to(T0, tick=True)
    ensure_default_items()  # a previous transactional test flushed the migration's rows
    callback = callbacks.open_callback(closed_order(org))
    errors: list[str] = []

    # Customer service records two violations on the callback form (desktop).
    desk = open_page(DESKTOP)
    watch(desk, errors)
    log_in(desk, "cs")
    desk.goto(f"/callbacks/{callback.pk}/")
    violations = desk.locator("input[name=violations]")
    violations.nth(0).check()
    violations.nth(1).check()
    desk.locator("select[name=satisfaction]").select_option("3")
    with desk.expect_navigation():
        desk.get_by_test_id("save-callback").click()
    entries = list(Entry.objects.filter(person=org.engineer_a, rule_id="BEH-01").order_by("pk"))
    assert len(entries) == 2

    # The engineer on his phone sees 100.00 and why, and objects to one entry.
    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    watch(phone, errors)
    log_in(phone, "engineer_a")
    phone.goto("/assessment/me/")
    assert phone.get_by_test_id("month-fines").inner_text().strip() == "100.00"
    for entry in entries:
        card = phone.get_by_test_id(f"entry-{entry.pk}")
        assert "BEH-01" in card.inner_text()
        assert card.locator(f"a[href='/callbacks/{callback.pk}/']").count() == 1  # why
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=shots / "assessment-month-phone.png", full_page=True)
    contested = entries[0]
    with phone.expect_navigation():
        phone.get_by_test_id(f"object-{contested.pk}").click()
    phone.locator("textarea[name=text]").fill("我进门前敲了门，客户记错了")
    with phone.expect_navigation():
        phone.get_by_test_id("file-objection").click()
    assert phone.get_by_test_id(f"object-{contested.pk}").count() == 0
    objection = Objection.objects.get()
    assert objection.entry_id == contested.pk

    # The assessment group withdraws the contested entry with a reason.
    ops = open_page(DESKTOP)
    watch(ops, errors)
    log_in(ops, "ops")
    ops.goto("/assessment/objections/")
    ops.get_by_test_id(f"objection-{objection.pk}").locator("textarea[name=reason]").fill(
        "回访录音核实：工程师已敲门"
    )
    with ops.expect_navigation():
        ops.get_by_test_id(f"withdraw-{objection.pk}").click()
    ops.screenshot(path=shots / "assessment-objection-decided.png", full_page=True)
    contested.refresh_from_db()
    assert contested.state == Entry.State.WITHDRAWN

    # The engineer's month and statement now show 50.00.
    phone.goto("/assessment/me/")
    assert phone.get_by_test_id("month-fines").inner_text().strip() == "50.00"
    url = statement_url(org.engineer_a)
    if url is not None:
        phone.goto(url)
        assert phone.get_by_test_id("statement-total").inner_text().strip() == "50.00"
        phone.screenshot(path=shots / "assessment-statement-phone.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e or "Error" in e], errors
