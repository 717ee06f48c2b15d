"""The punch import in a real browser (Chromium through Playwright, against live_server):
HR uploads a clock export on a phone, sees the bad row, imports the valid rows, and the job page
follows the worker's progress by itself (htmx polling) until the result shows.
Screenshots go to pytest's tmp_path, never into the repository."""

import os

import pytest

from attendance.models import Punch
from core import tasks
from core.jobs import execute_job
from core.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CREWDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
PASSWORD = "pass-word-1"  # conftest.PASSWORD


@pytest.fixture
def page(live_server, settings, tmp_path):
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CREWDESK_TEST_STRICT") == "1":
            pytest.fail(f"{CHROMIUM} not found (apt-get install chromium fonts-noto-cjk)")
        pytest.skip(f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(
                base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
            )
            context.set_default_timeout(15_000)
            try:
                yield context.new_page()
            finally:
                context.close()
                browser.close()


@pytest.fixture
def queued(monkeypatch):
    """Jobs stay queued (no worker in this test) until the test runs them."""
    started: list[int] = []
    monkeypatch.setattr(tasks, "run_job", started.append)
    return started


def test_hr_imports_the_valid_rows_and_watches_the_job_finish(org, page, queued, tmp_path):
    page.goto("/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill("hr")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    assert page.goto("/attendance/import/").status == 200
    text = (
        "工号,姓名,日期,时间\n"
        f"{org.engineer_a.staff_no},{org.engineer_a.name},2026-11-03,08:29\n"
        "NOBODY,某人,2026-11-03,08:30\n"
    )
    page.locator("#import-file").set_input_files(
        {"name": "考勤机导出.csv", "mimeType": "text/csv", "buffer": text.encode("gbk")}
    )
    with page.expect_navigation():
        page.locator("form:has(#import-file) button[type=submit]").click()
    errors = page.get_by_test_id("import-errors")
    assert "NOBODY" in errors.inner_text() and "3" in errors.locator("td").first.inner_text()
    page.screenshot(path=tmp_path / "import-preview-phone.png", full_page=True)
    assert Punch.objects.count() == 0

    with page.expect_navigation():
        page.get_by_test_id("import-valid").click()
    job = Job.objects.get(kind="attendance.import")
    assert page.url.endswith(f"/jobs/{job.pk}/") and queued == [job.pk]
    status = page.get_by_test_id("job-status")
    assert status.get_attribute("data-status") == "queued"
    assert page.locator("progress.job-progress").is_visible()

    execute_job(job.pk)  # the worker's turn; the open page notices by itself
    page.wait_for_selector('[data-testid="job-status"][data-status="done"]', timeout=10_000)
    assert page.get_by_test_id("imported").inner_text() == "1"
    page.screenshot(path=tmp_path / "import-done-phone.png", full_page=True)
    assert Punch.objects.get().person == org.engineer_a
