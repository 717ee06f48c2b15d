"""Demo assessment for `make run`: findings by hand this month (KPI-05 on engineer1, BEH-03 on
leader1), engineer1's objection to his (KPI-11, waiting in the objections inbox), and eng14 with
four KPI-05 findings = 2 points, so a KPI-08 separation decision waits for HR or ops."""

from django.db import transaction

from assessment import services
from assessment.models import Entry
from assessment.services.common import MANUAL_FACT
from core import clock
from people.models import Person


@transaction.atomic
def load_demo_assessment() -> int:
    """Idempotent: does nothing when findings by hand exist. Returns the entries created."""
    if Entry.objects.filter(fact_key__startswith=MANUAL_FACT).exists():
        return 0
    people = {p.user.username: p for p in Person.objects.filter(user__isnull=False)}
    manager = people.get("manager1") or people.get("ops")
    if manager is None:
        return 0
    by = people.get("ops") or manager
    month = clock.today().replace(day=1)
    created = 0

    def finding(username: str, rule_id: str, text: str) -> Entry | None:
        nonlocal created
        person = people.get(username)
        if person is None:
            return None
        created += 1
        return services.add_manual_entry(
            person, month=month, rule_id=rule_id, by=by, evidence_text=text
        )

    badge = finding("engineer1", "KPI-05", "装机抽查：未佩戴工牌")
    finding("leader1", "BEH-03", "夜间 23:10 故障电话关机未接")
    for text in ("未带齐工具", "未佩戴工牌", "着装不整", "未带齐工具（复查）"):
        finding("eng14", "KPI-05", text)
    if badge is not None:
        services.file_objection(
            badge, by=badge.person, text="当天工牌挂在胸前，客户家门口有照片可证"
        )
    services.evaluate_thresholds(month)
    return created
