"""Statements in a real browser (KPI-11): the engineer sees his month on a phone, provisional and
50.00 CNY after one of two callback fines was withdrawn; the operations manager closes the
station's month and the job page follows the worker until it is done; the engineer's statement
then shows as closed, and its printable page has no navigation. Every page keeps the CSP (no
inline style or script). Screenshots go to $CREWDESK_SCREENSHOTS or a temporary folder."""

import pytest

from assessment import services as assessment
from core import tasks
from core.jobs import execute_job
from core.models import Job
from core.tests.test_browser import DESKTOP, PHONE, browser, log_in, open_page, shots  # noqa: F401
from statements.locks import is_locked
from statements.tests.conftest import IN_DEC, NOV, finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued(monkeypatch):
    """Jobs stay queued (no worker in this test) until the test runs them."""
    started: list[int] = []
    monkeypatch.setattr(tasks, "run_job", started.append)
    return started


def no_inline(page) -> None:
    assert page.locator("[style]").count() == 0
    assert page.locator("script:not([src])").count() == 0


def test_kpi_11_engineer_sees_his_month_and_the_ops_manager_closes_it(
    org,
    open_page,  # noqa: F811
    time_machine,
    queued,
    shots,  # noqa: F811
):
    time_machine.move_to(IN_DEC, tick=True)
    finding(org, "BEH-01")
    second = finding(org, "BEH-01")
    objection = assessment.file_objection(second, by=org.engineer_a.user, text="不是我")
    assessment.decide_objection(objection, by=org.manager_a.user, upheld=False, reason="核实")

    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    log_in(phone, "engineer_a")
    phone.goto(f"/statements/{org.engineer_a.pk}/2026-11/")
    assert phone.get_by_test_id("statement-total").inner_text() == "50.00"
    assert phone.get_by_test_id("provisional").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    no_inline(phone)
    phone.screenshot(path=shots / "statement-phone.png", full_page=True)

    desk = open_page(DESKTOP)
    log_in(desk, "ops")
    desk.goto(f"/statements/station/{org.station_a.pk}/2026-11/")
    row = desk.get_by_test_id(f"total-{org.engineer_a.pk}")
    assert row.inner_text() == "50.00"
    with desk.expect_navigation():
        desk.get_by_test_id("close-form").locator("button[type=submit]").click()
    job = Job.objects.get(kind="statements.close")
    assert desk.url.endswith(f"/jobs/{job.pk}/") and queued == [job.pk]
    execute_job(job.pk)  # the worker
    desk.get_by_test_id("close-result").wait_for()  # the job page polls until it is done
    assert desk.get_by_test_id("job-status").get_attribute("data-status") == "done"
    desk.screenshot(path=shots / "statement-close-job.png", full_page=True)
    assert is_locked(org.engineer_a.pk, NOV)
    desk.goto(f"/statements/station/{org.station_a.pk}/2026-11/")
    assert desk.get_by_test_id("closed").is_visible()
    assert desk.get_by_test_id("sum-total").inner_text() == "50.00"
    no_inline(desk)
    desk.screenshot(path=shots / "statement-station.png", full_page=True)

    phone.reload()
    assert phone.get_by_test_id("closed").is_visible()
    assert phone.get_by_test_id("statement-total").inner_text() == "50.00"
    phone.goto(f"/statements/{org.engineer_a.pk}/2026-11/print/")
    assert phone.get_by_test_id("print-page").is_visible()
    assert phone.locator("nav").count() == 0
    assert phone.get_by_test_id("statement-total").inner_text() == "50.00"
    no_inline(phone)
    phone.screenshot(path=shots / "statement-print.png", full_page=True)
