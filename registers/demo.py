"""Demo registers for `make run`: equipment in every community with this month's stock-takes,
last month's counted (one loss waiting for the police receipt) or left overdue, people in the
machine room, items lent out (one overdue), and a pending data copy-out request."""

from datetime import timedelta

from django.db import transaction

from core import clock
from people.models import OrgUnit, Person
from registers import services, services_confidentiality, services_security
from registers.models import EquipmentItem, Loan, StockTake

EQUIPMENT = [("ONU 光猫", 20), ("1:8 分光器", 10), ("光纤熔接机", 1)]


@transaction.atomic
def load_demo_registers() -> int:
    """Idempotent: does nothing once equipment exists. Returns the number of stock-takes made."""
    if EquipmentItem.objects.exists():
        return 0
    manager = Person.objects.filter(user__username="manager1").first()
    engineer = Person.objects.filter(user__username="engineer1").first()
    if manager is None or engineer is None:
        return 0
    communities = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY).order_by("code"))
    for community in communities:
        for name, quantity in EQUIPMENT:
            EquipmentItem.objects.create(
                community=community,
                name=name,
                expected_quantity=quantity,
                serial="FS-" + community.code if quantity == 1 else "",
            )
    today = clock.today()
    last_month = today.replace(day=1) - timedelta(days=1)
    services.create_due_stocktakes(last_month)
    services.create_due_stocktakes(today)
    previous = list(StockTake.objects.filter(due_on__lte=last_month).order_by("community__code"))
    for n, stocktake in enumerate(previous):
        if n % 4 == 3:
            continue  # left open: overdue for the station manager
        counts = {line.pk: line.expected for line in stocktake.lines.all()}
        if n == 0:  # two ONUs missing: a loss to report to the police
            onu = stocktake.lines.get(item__name="ONU 光猫")
            counts[onu.pk] = onu.expected - 2
        services.record_count(stocktake, by=manager, counts=counts)

    station = manager.unit
    now = clock.now()
    services_security.register_entry(
        station,
        by=engineer,
        room="东城一号机房",
        visitor_name="王建国",
        visitor_company="华为技术服务",
        purpose="OLT 板卡更换",
        escort=engineer,
        time_in=now - timedelta(minutes=45),
    )
    done = services_security.register_entry(
        station,
        by=engineer,
        room="东城一号机房",
        visitor_name="陈晓",
        visitor_company="华南广电",
        purpose="机房巡检",
        escort=manager,
        time_in=now - timedelta(days=1, hours=3),
    )
    services_security.sign_out_entry(done, by=engineer, time_out=now - timedelta(days=1, hours=2))
    services_security.lend_item(
        station,
        by=engineer,
        kind=Loan.Kind.EQUIPMENT,
        item="光功率计",
        serial="OPM-07",
        borrower="李强",
        borrower_company="信达外包",
        due_back=now + timedelta(days=2),
    )
    late = services_security.lend_item(
        station,
        by=manager,
        kind=Loan.Kind.MEDIA,
        item="U 盘（配置备份）",
        serial="USB-02",
        borrower="周敏",
        borrower_company="华南广电",
        due_back=now + timedelta(hours=1),
    )
    Loan.objects.filter(pk=late.pk).update(
        lent_at=now - timedelta(days=3), due_back=now - timedelta(days=1)
    )
    # engineer1's manager (his group leader) decides it.
    services_confidentiality.file_security_request(
        engineer,
        by=engineer,
        kind="data_copy",
        subject="OLT 告警日志",
        reason="发给厂家分析故障",
    )
    return StockTake.objects.count()
