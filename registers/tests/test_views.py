"""Register pages and API: counting on the phone, losses, machine-room and lent-out registers;
scoping (outsiders 404, clients read only) and field errors (INS-07, SEC-04)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from conftest import PASSWORD
from registers import services
from registers.models import Loan, Loss, MachineRoomEntry, StockTake
from registers.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocktake(reg, time_machine):
    time_machine.move_to(local(2026, 11, 2, 9), tick=False)
    services.create_due_stocktakes(date(2026, 11, 2))
    return StockTake.objects.get()


def login(client, person):
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def test_engineer_counts_on_the_page_and_a_shortfall_shows_INS_07(client, reg, stocktake):
    login(client, reg.engineer_a)
    assert stocktake.community.name in client.get(reverse("registers:stocktakes")).text
    lines = {line.item.name: line.pk for line in stocktake.lines.select_related("item")}
    url = reverse("registers:stocktake", args=[stocktake.pk])
    bad = client.post(url, {f"count_{lines['ONU 光猫']}": "x", f"count_{lines['熔接机']}": "1"})
    assert bad.status_code == 400 and not Loss.objects.exists()
    done = client.post(url, {f"count_{lines['ONU 光猫']}": "8", f"count_{lines['熔接机']}": "1"})
    assert done.status_code == 302
    page = client.get(url)
    assert _("%(n)s missing") % {"n": 2} in page.text


def test_overdue_stocktake_is_red_for_the_station_manager_INS_07(
    client, reg, stocktake, time_machine
):
    time_machine.move_to(local(2026, 12, 1, 9), tick=False)
    login(client, reg.manager_a)
    page = client.get(reverse("registers:stocktakes"), {"show": "overdue"})
    assert 'class="overdue-row" data-overdue="1"' in page.text


def test_outsider_gets_404_and_client_reads_only_INS_07(client, reg, stocktake):
    login(client, reg.outsider)
    assert client.get(reverse("registers:stocktake", args=[stocktake.pk])).status_code == 404
    client.logout()
    login(client, reg.client_pic)
    url = reverse("registers:stocktake", args=[stocktake.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 404


def test_receipt_upload_page_and_download_INS_07(client, reg, stocktake, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    counts = {line.pk: 0 for line in stocktake.lines.all()}
    services.record_count(stocktake, by=reg.engineer_a, counts=counts)
    loss = Loss.objects.first()
    login(client, reg.manager_a)
    missing = client.post(reverse("registers:loss-receipt-upload", args=[loss.pk]), {})
    assert missing.status_code == 400
    upload = SimpleUploadedFile("回执.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    client.post(
        reverse("registers:loss-receipt-upload", args=[loss.pk]),
        {"police_receipt": upload, "police_case_no": "110-1"},
    )
    loss.refresh_from_db()
    assert loss.status == Loss.Status.REPORTED
    assert client.get(reverse("registers:loss-receipt", args=[loss.pk])).status_code == 200
    client.logout()
    login(client, reg.outsider)
    assert client.get(reverse("registers:loss-receipt", args=[loss.pk])).status_code == 404


def test_machine_room_entry_page_SEC_04(client, reg, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    login(client, reg.engineer_a)
    form = {
        "unit": reg.station_a.pk,
        "room": "一号机房",
        "visitor_name": "王工",
        "visitor_company": "华为",
        "purpose": "板卡更换",
        "escort": "",
    }
    bad = client.post(reverse("registers:entries"), form)
    assert bad.status_code == 400 and not MachineRoomEntry.objects.exists()
    assert (
        client.post(reverse("registers:entries"), form | {"escort": reg.engineer_a.pk}).status_code
        == 302
    )
    entry = MachineRoomEntry.objects.get()
    assert 'data-testid="inside"' in client.get(reverse("registers:entries")).text
    client.post(reverse("registers:entry-out", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.time_out is not None
    client.logout()
    login(client, reg.outsider)
    assert client.post(reverse("registers:entry-out", args=[entry.pk])).status_code == 404


def test_loans_page_flags_overdue_SEC_04(client, reg, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    login(client, reg.engineer_a)
    form = {
        "unit": reg.station_a.pk,
        "kind": "equipment",
        "item": "光功率计",
        "borrower": "李四",
        "due_back": "2026-11-03T18:00",
    }
    assert client.post(reverse("registers:loans"), form | {"due_back": ""}).status_code == 400
    assert client.post(reverse("registers:loans"), form).status_code == 302
    time_machine.move_to(local(2026, 11, 3, 18, 1), tick=False)
    assert 'data-overdue="1"' in client.get(reverse("registers:loans")).text
    client.post(reverse("registers:loan-return", args=[Loan.objects.get().pk]))
    assert Loan.objects.get().returned_at is not None


def test_api_stocktake_count_and_receipt_INS_07(api, reg, stocktake, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    got = api(reg.engineer_a, "get", f"/api/stocktakes/{stocktake.pk}").json()
    assert got["overdue"] is False and len(got["lines"]) == 2
    lines = [{"line_id": line["id"], "counted": 0} for line in got["lines"]]
    short = api(
        reg.engineer_a, "post", f"/api/stocktakes/{stocktake.pk}/count", json={"lines": lines[:1]}
    )
    assert short.status_code == 400 and short.json()["errors"]
    assert (
        api(
            reg.outsider, "post", f"/api/stocktakes/{stocktake.pk}/count", json={"lines": lines}
        ).status_code
        == 404
    )
    done = api(
        reg.engineer_a, "post", f"/api/stocktakes/{stocktake.pk}/count", json={"lines": lines}
    ).json()
    assert done["status"] == "done" and len(done["losses"]) == 2
    loss_id = done["losses"][0]["id"]
    upload = SimpleUploadedFile("r.pdf", b"%PDF", content_type="application/pdf")
    answer = api(
        reg.manager_a,
        "post",
        f"/api/losses/{loss_id}/receipt",
        data={"police_receipt": upload, "police_case_no": "110"},
    )
    assert answer.status_code == 200 and answer.json()["has_receipt"] is True
    closed = api(
        reg.manager_a,
        "post",
        f"/api/losses/{loss_id}/follow-up",
        json={"note": "结案", "close": True},
    )
    assert closed.json()["status"] == "closed"
    assert (
        api(
            reg.client_pic, "post", f"/api/losses/{loss_id}/follow-up", json={"note": "x"}
        ).status_code
        == 403
    )


def test_api_entries_and_loans_SEC_04(api, reg, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    body = {
        "unit_id": reg.station_a.pk,
        "room": "机房",
        "visitor_name": "王工",
        "visitor_company": "华为",
        "purpose": "巡检",
    }
    no_escort = api(reg.engineer_a, "post", "/api/machine-room-entries", json=body)
    assert no_escort.status_code == 400 and no_escort.json()["errors"][0]["field"] == "escort_id"
    made = api(
        reg.engineer_a,
        "post",
        "/api/machine-room-entries",
        json=body | {"escort_id": reg.engineer_a.pk},
    )
    assert made.status_code == 201
    assert (
        api(reg.engineer_a, "get", "/api/machine-room-entries", inside="true").json()["count"] == 1
    )
    assert (
        api(
            reg.outsider, "post", f"/api/machine-room-entries/{made.json()['id']}/sign-out"
        ).status_code
        == 404
    )
    foreign = api(
        reg.outsider,
        "post",
        "/api/machine-room-entries",
        json=body | {"escort_id": reg.outsider.pk},
    )
    assert foreign.status_code == 400 and foreign.json()["errors"][0]["field"] == "unit_id"
    loan = api(
        reg.engineer_a,
        "post",
        "/api/loans",
        json={
            "unit_id": reg.station_a.pk,
            "kind": "media",
            "item": "U 盘",
            "borrower": "李四",
            "due_back": "2026-11-03T12:00:00+08:00",
        },
    ).json()
    time_machine.move_to(local(2026, 11, 3, 12, 1), tick=False)
    assert (
        api(reg.engineer_a, "get", "/api/loans", overdue="true").json()["items"][0]["id"]
        == loan["id"]
    )
    back = api(reg.engineer_a, "post", f"/api/loans/{loan['id']}/return").json()
    assert back["returned_at"] and back["overdue"] is False


def test_loss_page_shows_the_follow_up_forms_to_staff_only_INS_07(client, reg, stocktake):
    services.record_count(
        stocktake, by=reg.engineer_a, counts={line.pk: 0 for line in stocktake.lines.all()}
    )
    loss = Loss.objects.first()
    login(client, reg.manager_a)
    page = client.get(reverse("registers:loss", args=[loss.pk]))
    assert page.status_code == 200 and "police_receipt" in page.text
    closing = client.post(
        reverse("registers:loss-follow-up", args=[loss.pk]), {"note": "报废", "close": "1"}
    )
    assert closing.status_code == 400 and 'data-testid="loss-error"' in closing.text
    client.logout()
    login(client, reg.client_pic)
    page = client.get(reverse("registers:loss", args=[loss.pk]))
    assert page.status_code == 200 and "police_receipt" not in page.text
    assert (
        client.post(reverse("registers:loss-follow-up", args=[loss.pk]), {"note": "x"}).status_code
        == 404
    )
    client.logout()
    login(client, reg.outsider)
    assert client.get(reverse("registers:loss", args=[loss.pk])).status_code == 404


def test_api_scoping_of_stocktakes_INS_07(api, reg, stocktake):
    assert api(reg.outsider, "get", f"/api/stocktakes/{stocktake.pk}").status_code == 404
    assert api(reg.outsider, "get", "/api/stocktakes").json()["count"] == 0
    assert api(reg.manager_a, "get", "/api/stocktakes", status="open").json()["count"] == 1


def test_openapi_lists_the_register_and_report_endpoints_INS_07_SEC_04(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/stocktakes",
        "/api/stocktakes/{stocktake_id}/count",
        "/api/losses/{loss_id}/receipt",
        "/api/losses/{loss_id}/follow-up",
        "/api/machine-room-entries",
        "/api/machine-room-entries/{entry_id}/sign-out",
        "/api/loans",
        "/api/loans/{loan_id}/return",
        "/api/reports",
        "/api/reports/{report_id}/submit",
    ]:
        assert path in paths


def test_station_manager_registers_and_retires_equipment_INS_07(client, reg, time_machine):
    from registers.models import EquipmentItem

    time_machine.move_to(local(2026, 11, 2, 9), tick=False)
    login(client, reg.manager_a)
    url = reverse("registers:equipment")
    form = {"community": reg.community_a.pk, "name": "光功率计", "expected_quantity": "0"}
    bad = client.post(url, form)
    assert bad.status_code == 400 and EquipmentItem.objects.count() == 2
    assert client.post(url, form | {"expected_quantity": "2"}).status_code == 302
    item = EquipmentItem.objects.get(name="光功率计")
    client.post(reverse("registers:equipment-retire", args=[reg.splicer.pk]))
    services.create_due_stocktakes(date(2026, 11, 2))
    names = set(StockTake.objects.get().lines.values_list("item__name", flat=True))
    assert names == {"ONU 光猫", item.name}
    client.logout()
    login(client, reg.engineer_a)
    assert client.get(url).status_code == 200
    assert client.post(url, form | {"expected_quantity": "2"}).status_code == 404
    client.logout()
    login(client, reg.outsider)
    assert client.post(reverse("registers:equipment-retire", args=[item.pk])).status_code == 404
