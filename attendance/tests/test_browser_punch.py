"""The phone page in a real browser (Debian's Chromium through Playwright): the engineer allows
location once, taps to sign in, and the page's script sends the position rounded to ~100 m."""

from decimal import Decimal

import pytest

from attendance.models import Punch
from core.tests.test_browser import PHONE, browser, log_in, open_page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_engineer_allows_location_once_and_signs_in_with_one_tap(org, open_page, tmp_path):  # noqa: F811 - the fixture
    page = open_page(
        PHONE,
        is_mobile=True,
        has_touch=True,
        permissions=["geolocation"],
        geolocation={"latitude": 22.543096, "longitude": 114.057865},
    )
    log_in(page, "engineer_a")
    page.goto("/attendance/")
    page.get_by_test_id("consent-card").wait_for()
    page.screenshot(path=tmp_path / "attendance-consent-phone.png")
    with page.expect_navigation():
        page.locator("[data-testid=consent-card] button[value=allow]").click()
    assert page.get_by_test_id("consent-card").count() == 0

    with page.expect_navigation():
        page.get_by_test_id("punch-button").click()
    punch = Punch.objects.get()
    assert punch.person == org.engineer_a and punch.source == "app"
    assert (punch.latitude, punch.longitude) == (Decimal("22.543"), Decimal("114.058"))
    assert punch.device and "Mozilla" in punch.user_agent
    # The button now signs out; today's punch and judgement are shown.
    assert "out" in page.get_by_test_id("punch-button").get_attribute("class")
    assert page.get_by_test_id("today").is_visible()
    assert page.get_by_test_id("month-grid").is_visible()
    page.screenshot(path=tmp_path / "attendance-phone.png", full_page=True)

    # The same browser keeps its device id: a second tap is from the same device.
    with page.expect_navigation():
        page.get_by_test_id("punch-button").click()
    assert Punch.objects.count() == 2
    assert len(set(Punch.objects.values_list("device", flat=True))) == 1
