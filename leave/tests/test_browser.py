"""Requests in a real browser: an engineer files leave on a phone, the group leader approves it
in his inbox (HTMX swaps the row in place), the engineer finds the decision in his notifications.
"""

import os
from pathlib import Path

import pytest
from django.utils import translation

from attendance.models import DayStatus
from core.tests.test_browser import DESKTOP, PHONE, browser, log_in, open_page  # noqa: F401
from leave.models import Request
from leave.tests.conftest import MONDAY, TUESDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $CREWDESK_SCREENSHOTS to look at them, else a temporary folder."""
    folder = Path(os.environ.get("CREWDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_leave_is_filed_on_a_phone_approved_in_the_inbox_and_notified(
    org,
    types_,
    open_page,  # noqa: F811
    time_machine,
    shots,
):
    time_machine.move_to(MONDAY, tick=True)
    errors: list[str] = []

    engineer = open_page(PHONE, is_mobile=True, has_touch=True)
    engineer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(engineer, "engineer_a")
    engineer.goto("/requests/new/?kind=leave")
    engineer.locator("select[name=leave_type]").select_option(str(types_.personal.pk))
    engineer.locator("input[name=start_date]").fill(TUESDAY.isoformat())
    engineer.locator("input[name=end_date]").fill(TUESDAY.isoformat())
    engineer.locator("textarea[name=reason]").fill("孩子开家长会")
    engineer.screenshot(path=shots / "leave-form-phone.png", full_page=True)
    with engineer.expect_navigation():
        engineer.locator("form[enctype] button[type=submit]").click()
    req = Request.objects.get()
    assert engineer.url.endswith(f"/requests/{req.pk}/")
    assert org.leader_a.name in engineer.get_by_test_id("trail").inner_text()
    engineer.screenshot(path=shots / "leave-detail-phone.png", full_page=True)

    leader = open_page(DESKTOP)
    leader.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(leader, "leader_a")
    leader.goto("/requests/approvals/")
    row = leader.locator(f"tr[data-step='{req.steps.get().pk}']")
    row.locator("textarea[name=comment]").fill("同意，注意交接")
    url_before = leader.url
    row.locator("button[hx-post$='/approve/']").click()
    leader.locator("tr [data-status=approved]").wait_for()
    assert leader.url == url_before  # swapped in place, no page load
    leader.screenshot(path=shots / "leave-inbox-after-approve.png", full_page=True)
    req.refresh_from_db()
    assert req.status == "approved"
    assert req.steps.get().comment == "同意，注意交接"

    engineer.goto("/notifications/")
    assert engineer.locator("[data-unread='1']").count() == 1
    engineer.screenshot(path=shots / "notifications-phone.png", full_page=True)

    # The approved day shows as leave in the engineer's attendance calendar (REQ-01, ATT-07).
    engineer.goto(f"/attendance/people/{org.engineer_a.pk}/{TUESDAY:%Y-%m}/")
    with translation.override("zh-hans"):
        on_leave = str(DayStatus.LEAVE.label)
    cell = engineer.locator(f"td[title^='{TUESDAY.isoformat()}']")
    assert on_leave in cell.get_attribute("title"), cell.get_attribute("title")
    engineer.screenshot(path=shots / "calendar-leave-phone.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
