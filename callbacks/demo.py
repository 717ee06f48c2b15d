"""Demo callbacks and complaints for `make run`: three orders served and closed, their CB-01
callbacks (one answered with a violation, so the engineer's month shows a BEH-01 fine), the
month's CB-02 client callbacks for the specialist, and one complaint waiting for verification."""

from django.db import transaction

from callbacks import services
from callbacks.models import Callback, Complaint
from core import clock
from people.models import Customer, Person
from workorders import services as orders


@transaction.atomic
def load_demo_callbacks() -> int:
    """Idempotent: does nothing when callbacks exist already. Returns the callbacks created."""
    if Callback.objects.exists():
        return 0
    cs = Person.objects.get(user__username="cs")
    customers = list(Customer.objects.select_related("unit").order_by("account_no")[20:23])
    plans = [
        ("engineer1", "repair", "general", "光猫重启后仍无法上网"),
        ("engineer1", "install", "", "新装宽带 100M 套餐"),
        ("engineer2", "repair", "general", "机顶盒无信号"),
    ]
    for (username, kind, fault, text), customer in zip(plans, customers, strict=False):
        engineer = Person.objects.filter(user__username=username).first()
        if engineer is None:
            continue
        order = orders.create_order(
            by=cs,
            kind=kind,
            unit=customer.unit,
            customer=customer,
            description=text,
            fault_class=fault,
            registration=(
                {"name": customer.name, "id_number": "440301199002021234", "package": "100M"}
                if kind == "install"
                else {}
            ),
        )
        order = orders.dispatch_order(order, engineer=engineer, by=cs)
        order = orders.log_contact(order, by=engineer, outcome="reached")
        for step in ("on_the_way", "arrive", "resolve", "feedback"):
            order = orders.take_step(order, step, by=engineer)
        orders.close_order(order, by=cs, cause_class="our_side", case_report="已修复")
    created = services.sample_closed_orders()
    first = Callback.objects.filter(kind=Callback.Kind.AFTER_ORDER).order_by("pk").first()
    if first is not None:
        services.record_callback(
            first, by=cs, violations=["shoe-covers"], satisfaction=4, note="未询问是否穿鞋套"
        )
    created += services.generate_client_callbacks(clock.today())
    engineer = Person.objects.filter(user__username="engineer2").first()
    if engineer is not None and not Complaint.objects.exists():
        services.register_complaint(
            by=cs, engineer=engineer, text="客户投诉上门时态度生硬，未说明收费标准"
        )
    return created
