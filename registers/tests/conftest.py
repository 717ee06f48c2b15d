"""Register personas: community 东苑社区 (station A) keeps equipment; engineer_a has it as a
responsibility zone; the outsider (station B) sees none of it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from registers.models import EquipmentItem

TZ = ZoneInfo("Asia/Shanghai")


def local(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


@pytest.fixture
def reg(org):
    org.engineer_a.zones.add(org.community_a)
    org.onu = EquipmentItem.objects.create(
        community=org.community_a, name="ONU 光猫", expected_quantity=10
    )
    org.splicer = EquipmentItem.objects.create(
        community=org.community_a, name="熔接机", serial="FS-001", expected_quantity=1
    )
    return org
