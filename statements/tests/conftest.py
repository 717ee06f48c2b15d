from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from assessment import services as assessment

SH = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)
IN_NOV = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
IN_DEC = datetime(2026, 12, 3, 10, 0, tzinfo=SH)


@pytest.fixture
def in_nov(time_machine):
    time_machine.move_to(IN_NOV, tick=False)
    return time_machine


def finding(org, rule_id="KPI-05", person=None, month=NOV, by=None):
    """A finding of the assessment group: KPI-05 is 0.5 point = 50 CNY, BEH-01 is 50 CNY."""
    return assessment.add_manual_entry(
        person or org.engineer_a,
        month=month,
        rule_id=rule_id,
        by=(by or org.manager_a).user,
        evidence_text="seen on site",
    )
