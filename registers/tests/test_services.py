"""Register services on an explicit clock: stock-takes and losses (INS-07), machine-room entries
and loans (SEC-04); bad input leaves nothing half-written."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError, ValidationErrors
from core.models import AuditEntry, PolicyVersion
from notifications.models import Notification
from registers import services, services_security
from registers.models import Loan, Loss, MachineRoomEntry, StockTake
from registers.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocktake(reg, time_machine):
    time_machine.move_to(local(2026, 11, 2, 0, 7), tick=False)
    services.create_due_stocktakes(date(2026, 11, 2))
    return StockTake.objects.get()


def receipt(name="回执单.pdf", content=b"%PDF-1.4 receipt"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def counts_for(stocktake, **by_name):
    return {line.pk: by_name[line.item.name] for line in stocktake.lines.select_related("item")}


def test_monthly_stocktake_with_a_line_per_item_INS_07(stocktake, reg):
    assert stocktake.due_on == date(2026, 11, 30) and stocktake.community == reg.community_a
    assert sorted(stocktake.lines.values_list("expected", flat=True)) == [1, 10]
    assert services.create_due_stocktakes(date(2026, 11, 20)) == 0  # idempotent


def test_stocktakes_per_month_follow_the_policy_INS_07(reg, time_machine):
    PolicyVersion.objects.create(
        company=reg.client,
        effective_from=date(2026, 1, 1),
        values={"ins.stocktake_per_month": 2},
        created_at=local(2026, 1, 1),
    )
    time_machine.move_to(local(2026, 12, 1, 0, 7), tick=False)
    assert services.create_due_stocktakes(date(2026, 12, 1)) == 2
    assert list(StockTake.objects.order_by("due_on").values_list("due_on", flat=True)) == [
        date(2026, 12, 16),
        date(2026, 12, 31),
    ]


def test_a_shortfall_records_a_loss_and_tells_the_station_manager_INS_07(stocktake, reg):
    services.record_count(
        stocktake,
        by=reg.engineer_a.user,
        counts=counts_for(stocktake, **{"ONU 光猫": 7, "熔接机": 1}),
    )
    stocktake.refresh_from_db()
    assert stocktake.status == StockTake.Status.DONE and stocktake.counted_by == reg.engineer_a
    loss = Loss.objects.get()
    assert loss.quantity == 3 and loss.status == Loss.Status.OPEN
    assert Notification.objects.filter(
        recipient=reg.manager_a, event="registers.loss.recorded"
    ).exists()
    assert AuditEntry.objects.filter(action="registers.stocktake.counted").exists()


def test_a_bad_count_stores_nothing_INS_07(stocktake, reg):
    with pytest.raises(ValidationErrors) as err:
        services.record_count(
            stocktake,
            by=reg.engineer_a,
            counts=counts_for(stocktake, **{"ONU 光猫": 2, "熔接机": "-1"}),
        )
    assert len(err.value.errors) == 1
    stocktake.refresh_from_db()
    assert stocktake.status == StockTake.Status.OPEN
    assert not stocktake.lines.filter(counted__isnull=False).exists()
    assert not Loss.objects.exists()
    with pytest.raises(ValidationErrors):  # a missing line and a foreign line id
        services.record_count(stocktake, by=reg.engineer_a, counts={999999: 1})


def test_police_receipt_then_close_INS_07(stocktake, reg, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.record_count(
        stocktake, by=reg.engineer_a, counts=counts_for(stocktake, **{"ONU 光猫": 10, "熔接机": 0})
    )
    loss = Loss.objects.get()
    with pytest.raises(DomainError) as err:
        services.add_follow_up(loss, by=reg.manager_a, note="报废", close=True)
    assert err.value.field == "police_receipt"
    loss.refresh_from_db()
    assert loss.status == Loss.Status.OPEN and loss.follow_up == []
    with pytest.raises(DomainError):
        services.file_police_receipt(loss, by=reg.manager_a, receipt=receipt("x.exe"))
    services.file_police_receipt(loss, by=reg.manager_a, receipt=receipt(), case_no="A2026-11")
    loss.refresh_from_db()
    assert loss.status == Loss.Status.REPORTED and loss.police_receipt.name.endswith(".pdf")
    services.add_follow_up(loss, by=reg.manager_a, note="已报废处理", close=True)
    loss.refresh_from_db()
    assert loss.status == Loss.Status.CLOSED and len(loss.follow_up) == 2


def test_overdue_stocktake_is_reported_once_to_the_station_manager_INS_07(stocktake, reg):
    assert services.notify_overdue_stocktakes(date(2026, 11, 30)) == 0
    assert services.notify_overdue_stocktakes(date(2026, 12, 1)) == 1
    assert services.notify_overdue_stocktakes(date(2026, 12, 2)) == 0
    assert (
        Notification.objects.filter(
            recipient=reg.manager_a, event="registers.stocktake.overdue"
        ).count()
        == 1
    )


def test_machine_room_entry_needs_an_escort_SEC_04(reg, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    fields = dict(room="一号机房", visitor_name="王工", visitor_company="华为", purpose="板卡更换")
    with pytest.raises(ValidationErrors) as err:
        services_security.register_entry(reg.station_a, by=reg.engineer_a, escort=None, **fields)
    assert "escort" in err.value.errors
    with pytest.raises(ValidationErrors):
        services_security.register_entry(
            reg.station_a, by=reg.engineer_a, escort=reg.client_pic, **fields
        )
    assert not MachineRoomEntry.objects.exists()
    entry = services_security.register_entry(
        reg.station_a, by=reg.engineer_a, escort=reg.engineer_a, **fields
    )
    time_machine.move_to(local(2026, 11, 3, 11), tick=False)
    services_security.sign_out_entry(entry, by=reg.engineer_a)
    entry.refresh_from_db()
    assert entry.time_out == local(2026, 11, 3, 11)
    with pytest.raises(DomainError):
        services_security.sign_out_entry(entry, by=reg.engineer_a)


def test_lent_out_item_is_overdue_until_returned_SEC_04(reg, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    with pytest.raises(ValidationErrors) as err:
        services_security.lend_item(
            reg.station_a,
            by=reg.engineer_a,
            kind="media",
            item="",
            borrower="李四",
            due_back=local(2026, 11, 3, 9),
        )
    assert set(err.value.errors) == {"item", "due_back"}
    loan = services_security.lend_item(
        reg.station_a,
        by=reg.engineer_a,
        kind="media",
        item="U 盘",
        serial="K-9",
        borrower="李四",
        borrower_company="华南广电",
        due_back=local(2026, 11, 3, 18),
    )
    assert not loan.is_overdue(local(2026, 11, 3, 18))
    assert loan.is_overdue(local(2026, 11, 3, 18) + timedelta(seconds=1))
    time_machine.move_to(local(2026, 11, 4, 9), tick=False)
    services_security.return_item(loan, by=reg.engineer_a)
    loan.refresh_from_db()
    assert loan.returned_to == reg.engineer_a and not loan.is_overdue(local(2026, 11, 5))
    assert Loan.objects.count() == 1
    assert AuditEntry.objects.get(action="registers.loan.returned").data["late"] is True


def test_periodic_tasks_create_stocktakes_and_report_overdue_INS_07(reg, time_machine):
    from registers.tasks import create_due_stocktakes_task, notify_overdue_stocktakes_task

    time_machine.move_to(local(2026, 11, 1, 0, 7), tick=False)
    create_due_stocktakes_task.call_local()
    create_due_stocktakes_task.call_local()
    assert StockTake.objects.count() == 1
    time_machine.move_to(local(2026, 12, 1, 8, 17), tick=False)
    notify_overdue_stocktakes_task.call_local()
    assert Notification.objects.filter(event="registers.stocktake.overdue").count() == 1


def test_the_lender_hears_once_of_an_item_not_back_SEC_04(reg, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    services_security.lend_item(
        reg.station_a,
        by=reg.manager_a,
        kind="equipment",
        item="光功率计",
        borrower="李四",
        due_back=local(2026, 11, 3, 18),
    )
    assert services_security.notify_overdue_loans(local(2026, 11, 3, 18)) == 0
    assert services_security.notify_overdue_loans(local(2026, 11, 3, 18, 5)) == 1
    assert services_security.notify_overdue_loans(local(2026, 11, 3, 18, 10)) == 0
    assert (
        Notification.objects.filter(recipient=reg.manager_a, event="registers.loan.overdue").count()
        == 1
    )
