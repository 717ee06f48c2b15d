"""Demo work orders for `make run`: a board with orders in every state, one of them critical and
one left alone so the WO-05 chain can be watched running."""

from django.db import transaction

from people.models import Customer, Person
from people.roles import Role
from workorders import services
from workorders.models import Order


@transaction.atomic
def load_demo_orders() -> int:
    """Idempotent: does nothing once orders exist. Returns the number of orders created."""
    if Order.objects.exists():
        return 0
    cs = Person.objects.get(user__username="cs")
    engineers = {
        p.user.username: p
        for p in Person.objects.filter(role=Role.ENGINEER, active=True).select_related("user")
    }
    customers = list(Customer.objects.select_related("unit").order_by("account_no")[:12])
    plans = [
        (
            "repair",
            "general",
            "engineer1",
            ["contact", "on_the_way", "arrive", "resolve"],
            "宽带无法上网，光猫红灯闪烁",
        ),
        ("repair", "major", "engineer1", ["contact"], "整栋楼断网，多户报修"),
        ("install", "", "engineer1", [], "新装宽带 300M 套餐"),
        ("repair", "general", "engineer2", ["contact", "on_the_way"], "电视无信号"),
        ("renewal", "", "engineer2", ["contact"], "上门收取续费"),
        ("repair", "general", None, [], "网速慢，晚上经常掉线"),
        (
            "install",
            "",
            "engineer3",
            ["contact", "on_the_way", "arrive", "resolve", "feedback"],
            "新装有线电视",
        ),
    ]
    count = 0
    for index, (kind, fault, engineer, steps, text) in enumerate(plans):
        customer = customers[index % len(customers)]
        registration = (
            {"name": customer.name, "id_number": "440301199001011234", "package": "300M"}
            if kind == "install"
            else {}
        )
        order = services.create_order(
            by=cs,
            kind=kind,
            unit=customer.unit,
            customer=customer,
            description=text,
            fault_class=fault,
            registration=registration,
            critical=index == 1,
        )
        if engineer and engineer in engineers:
            person = engineers[engineer]
            order = services.dispatch_order(order, engineer=person, by=cs)
            for step in steps:
                if step == "contact":
                    order = services.log_contact(order, by=person, outcome="reached")
                else:
                    order = services.take_step(order, step, by=person)
        count += 1
    return count
