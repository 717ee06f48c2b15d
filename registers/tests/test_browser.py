"""The machine-room register on a 390x844 phone (SEC-04): the engineer registers a visitor he
escorts, sees him inside, signs him out; then counts a stock-take with a shortfall (INS-07).
Screenshots go to $CREWDESK_SCREENSHOTS or a temporary folder."""

import os
from datetime import date
from pathlib import Path

import pytest

from core.tests.test_browser import PHONE, browser, log_in, open_page  # noqa: F401
from registers import services
from registers.models import Loss, MachineRoomEntry, StockTake
from registers.tests.conftest import local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_machine_room_entry_and_stocktake_on_a_phone_SEC_04_INS_07(
    reg,
    open_page,  # noqa: F811
    time_machine,
    tmp_path,
):
    shots = Path(os.environ.get("CREWDESK_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    time_machine.move_to(local(2026, 11, 3, 10), tick=True)
    errors: list[str] = []
    phone = open_page(PHONE, is_mobile=True, has_touch=True)
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(phone, "engineer_a")

    phone.goto("/registers/machine-room/")
    form = phone.get_by_test_id("entry-form")
    form.locator("select[name=unit]").select_option(str(reg.station_a.pk))
    form.locator("input[name=room]").fill("东城一号机房")
    form.locator("input[name=visitor_name]").fill("王建国")
    form.locator("input[name=visitor_company]").fill("华为技术服务")
    form.locator("input[name=purpose]").fill("OLT 板卡更换")
    assert form.locator("select[name=escort]").input_value() == str(reg.engineer_a.pk)
    with phone.expect_navigation():
        form.locator("button[type=submit]").click()
    inside = phone.get_by_test_id("inside")
    assert "王建国" in inside.inner_text()
    phone.screenshot(path=shots / "machine-room-phone.png", full_page=True)
    with phone.expect_navigation():
        inside.locator("button[type=submit]").click()
    assert MachineRoomEntry.objects.get().time_out is not None
    assert phone.get_by_test_id("inside").count() == 0

    services.create_due_stocktakes(date(2026, 11, 3))
    stocktake = StockTake.objects.get()
    phone.goto(f"/registers/stocktakes/{stocktake.pk}/")
    for line in stocktake.lines.select_related("item"):
        counted = line.expected - 1 if line.item.name == "ONU 光猫" else line.expected
        phone.locator(f"input[name=count_{line.pk}]").fill(str(counted))
    phone.screenshot(path=shots / "stocktake-phone.png", full_page=True)
    with phone.expect_navigation():
        phone.get_by_test_id("count-form").locator("button[type=submit]").click()
    assert Loss.objects.get().quantity == 1
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
