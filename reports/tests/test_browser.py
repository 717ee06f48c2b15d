"""A daily report in a real browser (REP-01): the outsourced engineer, on a 390x844 phone,
opens his draft pre-filled from the day, edits it and submits it before 20:00; the client's
contact finds it in the inbox. Screenshots go to $CREWDESK_SCREENSHOTS or a temporary folder."""

import os
from pathlib import Path

import pytest

from core.tests.test_browser import PHONE, browser, log_in, open_page  # noqa: F401
from notifications.models import Notification
from reports import services
from reports.models import Kind, Report
from reports.tests.conftest import local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_daily_report_submitted_on_a_phone_REP_01(rep, open_page, time_machine, tmp_path):  # noqa: F811
    shots = Path(os.environ.get("CREWDESK_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    time_machine.move_to(local(2026, 11, 3, 19, 10), tick=True)
    services.create_due_reports(local(2026, 11, 3).date())
    errors: list[str] = []
    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(phone, rep.reporter.user.username)
    phone.goto("/reports/")
    phone.locator("[data-testid=open-report][data-kind=daily]").click()
    text = phone.locator("textarea[name=text]")
    assert "Attendance" in text.input_value() or "考勤" in text.input_value()
    text.fill(text.input_value() + "更换东苑社区光猫两台。")
    phone.screenshot(path=shots / "report-daily-phone.png", full_page=True)
    with phone.expect_navigation():
        phone.locator("button[name=action][value=submit]").click()
    assert phone.get_by_test_id("report-status").locator("[data-standing=on_time]").count() == 1
    assert "更换东苑社区光猫两台" in phone.get_by_test_id("report-text").inner_text()
    report = Report.objects.get(person=rep.reporter, kind=Kind.DAILY)
    assert report.status == Report.Status.SUBMITTED and not report.late
    assert Notification.objects.filter(recipient=rep.client_pic).exists()
    # The page keeps the CSP: no inline script or style was refused.
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
