"""Inspection fixtures: the org personas plus an area supervisor and a dispatcher, engineer A
responsible for community A, and one asset of each type there (saved through the service, so
the responsible engineer comes from the zone)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_person
from inspections.defaults import ensure_defaults
from inspections.models import Asset, AssetKind
from inspections.services import save_asset
from people.roles import Role
from people.tests.factories import CustomerFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def jpeg(name: str = "site.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def not_an_image(name: str = "site.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ this is no picture", content_type="image/jpeg")


def asset(org, kind: str, name: str, **fields) -> Asset:
    return save_asset(
        Asset(name=name, kind=kind, unit=fields.pop("unit", org.community_a), **fields), by=org.ops
    )


@pytest.fixture
def defaults(db):
    ensure_defaults()


@pytest.fixture
def ins(org):
    ensure_defaults()  # a transactional test before this one may have emptied the tables
    org.engineer_a.zones.set([org.community_a])
    org.supervisor_a = make_person(
        "supervisor_a", Role.AREA_SUPERVISOR, employer=org.own, unit=org.station_a
    )
    org.dispatch = make_person("dispatch", Role.DISPATCH_CENTRE, employer=org.own, unit=org.region)
    org.cafe = asset(org, AssetKind.CAFE, "星空网吧", customer=org.customer_a, address="东苑路8号")
    org.epon = asset(org, AssetKind.EPON_LINE, "东苑 EPON 干线 1")
    org.boxes = [asset(org, AssetKind.JUNCTION_BOX, f"交接箱 {i}") for i in range(1, 6)]
    org.monitoring = asset(org, AssetKind.MONITORING_POINT, "东苑水质监测点")
    org.building = asset(org, AssetKind.BUILDING, "东苑 3 栋")
    org.power = asset(org, AssetKind.EPON_POWER, "东苑 EPON 电源")
    org.users = [CustomerFactory(unit=org.community_a, client=org.client) for _ in range(6)]
    return org


def answers_for(ticket, **by_label):
    """Good answers for every item of the ticket's checklist; `by_label` overrides by label
    fragment, e.g. {"光缆": ("no", "进水")}."""
    answers, photos = {}, {}
    for item in ticket.template.items.all():
        value = {"yes_no": "yes", "number": "1", "text": "ok", "photo": ""}[item.kind]
        note = ""
        for fragment, override in by_label.items():
            if fragment in item.label:
                value, note = override
        answers[item.pk] = {"value": value, "note": note}
        if item.kind == "photo":
            photos[item.pk] = jpeg()
    return answers, photos


GOLDEN_WEEK = [date(2026, 10, d) for d in range(1, 8)]
