"""Report personas: the outsourced engineer of station A reports to client 华南广电, whose
contact (client_pic) and customer specialist receive the reports."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import make_person
from people.roles import Role

TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = datetime(2026, 11, 3, 8, 0, tzinfo=TZ)


def local(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


@pytest.fixture
def rep(org):
    org.reporter = org.vendor_engineer_a
    org.reporter.manager = org.manager_a
    org.reporter.save()
    org.client_pic.user.email = "pic@client.example"
    org.client_pic.user.save()
    org.specialist = make_person(
        "specialist", Role.CLIENT_SPECIALIST, employer=org.client, client=org.client
    )
    org.specialist.user.email = "specialist@client.example"
    org.specialist.user.save()
    return org
