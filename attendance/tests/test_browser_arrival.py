"""ATT-10 in a real browser (Debian's Chromium through Playwright): a resident engineer reports
his arrival at the client's desk on his phone, a double tap keeps one record, and the client's
person in charge confirms it on the desk page (HTMX swaps the row)."""

import pytest

from attendance.models import ArrivalRecord
from conftest import make_person
from core.tests.test_browser import DESKTOP, PHONE, browser, log_in, open_page  # noqa: F401 - fixtures
from people.roles import EmploymentType, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONDAY_MORNING = "2026-11-23 08:20 +0800"  # a working Monday, before the 08:30 start


@pytest.fixture
def resident(org):
    return make_person(
        "resident_a",
        Role.ENGINEER,
        employer=org.own,
        unit=org.station_a,
        team=org.team_a,
        client=org.client,
        employment_type=EmploymentType.RESIDENT,
    )


def test_att10_a_resident_reports_arrival_and_the_client_confirms_it(
    org,
    resident,
    open_page,  # noqa: F811 - the fixture
    time_machine,
    tmp_path,
):
    time_machine.move_to(MONDAY_MORNING, tick=True)
    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    log_in(phone, "resident_a")
    phone.goto("/attendance/")
    button = phone.get_by_test_id("arrival-button")
    assert button.is_visible()
    with phone.expect_navigation():
        button.click()
    phone.get_by_test_id("arrival-done").wait_for()
    phone.screenshot(path=tmp_path / "arrival-phone.png", full_page=True)
    record = ArrivalRecord.objects.get(person=resident)
    assert record.source == ArrivalRecord.Source.SELF and record.confirmed_at is None

    desk = open_page(DESKTOP)
    log_in(desk, "client_pic")
    desk.goto("/attendance/desk/")
    row = desk.get_by_test_id(f"desk-row-{resident.staff_no}")
    assert org.engineer_a.name not in desk.get_by_test_id("desk").inner_text()  # not resident
    row.locator("input[name=note]").fill("前台已核对")
    row.get_by_test_id("confirm-arrival").click()
    desk.get_by_test_id(f"desk-row-{resident.staff_no}").get_by_text("前台已核对").wait_for()
    desk.screenshot(path=tmp_path / "arrival-desk.png", full_page=True)
    record.refresh_from_db()
    assert record.confirmed_by == org.client_pic.user and record.desk_note == "前台已核对"
    assert desk.get_by_test_id("confirm-arrival").count() == 0  # confirmed: no second button
    assert ArrivalRecord.objects.count() == 1
