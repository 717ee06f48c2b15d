"""Demo inspections for `make run`: assets in every community of the demo organisation (cafés on
a customer account, junction boxes, EPON lines and power, buildings, monitoring points, machine
rooms, switches and chassis), the default plans' tickets of this month, a few done (one with an
anomaly and its repair order), a skip request waiting for the area supervisor and a spot check to
call back. Idempotent: nothing happens when assets exist."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction

from core import clock
from inspections import services
from inspections.defaults import ensure_defaults
from inspections.models import Asset, AssetKind, SpotCheck, Ticket
from people.models import Customer, OrgUnit, Person

TINY_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _asset(name: str, kind: str, unit: OrgUnit, **fields) -> Asset:
    return services.save_asset(Asset(name=name, kind=kind, unit=unit, **fields), by=None)


def _good_answers(ticket: Ticket, anomaly_fragment: str = "", note: str = ""):
    answers, photos = {}, {}
    for item in ticket.template.items.all():
        value = {"yes_no": "yes", "number": "", "text": "正常", "photo": ""}[item.kind]
        if item.kind == "number":
            low = item.min_value if item.min_value is not None else 0
            high = item.max_value if item.max_value is not None else low + 10
            value = str(max(low, min(high, (low + high) / 2)))
        answers[item.pk] = {"value": value, "note": ""}
        if anomaly_fragment and anomaly_fragment in item.label and item.kind == "yes_no":
            answers[item.pk] = {"value": "no", "note": note}
        if item.kind == "photo":
            photos[item.pk] = ContentFile(TINY_JPEG, name="demo.jpg")
    return answers, photos


@transaction.atomic
def load_demo_inspections() -> int:
    """Returns the number of assets created (0 when the demo was loaded before)."""
    ensure_defaults()
    if Asset.objects.exists():
        return 0
    communities = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY)
        .order_by("code")
        .select_related("client")
    )
    if not communities:
        return 0
    created = 0
    for index, community in enumerate(communities):
        customer = Customer.objects.filter(unit=community).order_by("account_no").first()
        prefix = community.name
        _asset(
            f"{prefix}极速网咖",
            AssetKind.CAFE,
            community,
            customer=customer,
            address=f"{prefix}商业街{index + 1}号",
        )
        for n in range(1, 4):
            _asset(f"{prefix}交接箱{n:02d}", AssetKind.JUNCTION_BOX, community)
        _asset(f"{prefix} EPON 干线", AssetKind.EPON_LINE, community)
        _asset(f"{prefix} EPON 电源", AssetKind.EPON_POWER, community)
        _asset(f"{prefix}3栋", AssetKind.BUILDING, community)
        created += 7
        if index % 4 == 0:
            _asset(f"{prefix}空气质量监测点", AssetKind.MONITORING_POINT, community)
            _asset(f"{prefix}汇聚机房", AssetKind.MACHINE_ROOM, community)
            _asset(f"{prefix}汇聚交换机", AssetKind.SWITCH, community)
            _asset(f"{prefix} OLT 机箱", AssetKind.CHASSIS, community)
            created += 4

    today = clock.today()
    month_start = today.replace(day=1)
    services.generate_tickets(month_start, today + timedelta(days=6))

    engineer = Person.objects.filter(user__username="engineer1").first()
    if engineer is not None:
        done = Ticket.objects.filter(engineer=engineer, status="open", planned_on__lte=today)
        for position, ticket in enumerate(done.order_by("due_on", "pk")[:3]):
            fragment, note = (
                ("光缆", "光缆接头进水") if ticket.asset.kind == "epon_line" else ("", "")
            )
            if position == 0 and not fragment:
                fragment, note = ("标签", "标签脱落")
            answers, photos = _good_answers(ticket, fragment, note)
            services.submit_answers(ticket, by=engineer, answers=answers, photos=photos)
            anomaly = ticket.answers.filter(anomaly=True).first()
            if anomaly is not None and position == 0:
                services.open_repair_order(anomaly, by=engineer)
            if position == 1:
                SpotCheck.objects.get_or_create(ticket=ticket, defaults={"sampled_at": clock.now()})
        waiting = Ticket.objects.filter(
            engineer=engineer, status="open", asset__kind="cafe"
        ).first()
        if waiting is not None:
            services.request_skip(waiting, by=engineer, reason="网咖装修停业一周")
    return created
