"""The what-if replay page in a real browser (issue 5 item 7; KPI-07, KPI-08, BEH-01, BEH-02):
the operations manager changes the fine per point and the points of a late contact, leaves
BEH-01 out, the worker replays October, and the result names who would cross a threshold. The
ledger is unchanged. Every page keeps the CSP (no inline style or script)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from assessment import services
from assessment.models import Entry
from core import tasks
from core.jobs import execute_job
from core.models import Job
from core.tests.test_browser import DESKTOP, browser, log_in, open_page, shots  # noqa: F401
from workorders.models import Breach
from workorders.tests.factories import repair_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)


@pytest.fixture
def queued(monkeypatch):
    """Jobs stay queued (no worker in this test) until the test runs them."""
    started: list[int] = []
    monkeypatch.setattr(tasks, "run_job", started.append)
    return started


def no_inline(page) -> None:
    assert page.locator("[style]").count() == 0
    assert page.locator("script:not([src])").count() == 0


def test_the_ops_manager_replays_october_KPI_07_KPI_08_BEH_01(
    org,
    open_page,  # noqa: F811
    time_machine,
    queued,
    shots,  # noqa: F811
):
    time_machine.move_to(datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=True)
    for rule in ("WO-01", "WO-02"):
        due = datetime(2026, 10, 10, 9, 0, tzinfo=SH)
        Breach.objects.create(
            order=repair_order(org),
            rule_id=rule,
            kind="missed",
            person=org.engineer_a,
            due_at=due,
            recorded_at=due,
        )
    services.add_manual_entry(
        org.engineer_a, month=OCT, rule_id="BEH-01", by=org.ops, evidence_text="callback"
    )
    services.generate_entries(OCT)
    ledger = list(Entry.objects.values_list("pk", "state", "points", "fine"))

    page = open_page(DESKTOP)
    log_in(page, "ops")
    page.goto("/assessment/replay/")
    no_inline(page)
    page.locator("#month").fill("2026-10")
    page.locator("[name='p-kpi.fine_per_point']").fill("120")
    page.locator("[name='p-kpi.contact_late_points']").fill("1")
    page.locator("input[name=disabled][value='BEH-01']").check()
    page.screenshot(path=shots / "replay-form.png", full_page=True)
    with page.expect_navigation():
        page.get_by_test_id("replay-start").click()
    job = Job.objects.get(kind="assessment.replay")
    assert page.url.endswith(f"/jobs/{job.pk}/") and queued == [job.pk]
    execute_job(job.pk)  # the worker
    page.get_by_test_id("replay-result").wait_for()  # the job page polls until it is done
    total = page.get_by_test_id("replay-total").inner_text()
    assert "150.00" in total and "240.00" in total  # ledger 100 + 50 → replayed 2 × 120
    with page.expect_navigation():
        page.get_by_test_id("replay-details").click()
    crossing = page.get_by_test_id("replay-crossing").inner_text()
    assert org.engineer_a.name in crossing and "KPI-08" in crossing
    no_inline(page)
    page.screenshot(path=shots / "replay-result.png", full_page=True)
    assert list(Entry.objects.values_list("pk", "state", "points", "fine")) == ledger
