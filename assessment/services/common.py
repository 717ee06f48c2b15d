"""What the assessment operations share: who assesses and decides, months, the policy, states."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from assessment.models import Entry, Objection
from assessment.rules import AssessmentPolicy
from core import clock
from core.clock import month_bounds
from core.errors import DomainError
from core.policy import PolicyBook
from people.models import Person
from people.queries import people_for, person_of
from people.roles import Role

# KPI-11: who forms the assessment group (records findings, confirms entries, decides objections).
ASSESSORS = {Role.OPS_MANAGER, Role.HR_ADMIN, Role.STATION_MANAGER, Role.STATION_HEAD}
# KPI-08/09, BEH-02, KPI-12: decisions are confirmed by HR or the operations manager.
DECIDERS = {Role.OPS_MANAGER, Role.HR_ADMIN}
# Rules the ledger service accepts as findings by hand. KPI-06 and BEH-01 normally come from
# verified complaints (CB-04) and callbacks (CB-01); pages and the API offer only HAND_RULES
# (check_finding below), the service keeps the two for findings made outside those records.
MANUAL_RULES = ("KPI-05", "BEH-03", "KPI-06", "BEH-01")
# KPI-12 counts breaches of client rules; attendance fines are the employer's own matter.
ATTENDANCE_RULES = ("ATT-04", "ATT-05", "ATT-06")
MANUAL_FACT = "manual:"
# BEH-03: group leaders and above keep their phone on 24 h.
PHONE_ON_ROLES = {
    Role.GROUP_LEADER,
    Role.STATION_HEAD,
    Role.STATION_MANAGER,
    Role.AREA_SUPERVISOR,
    Role.OPS_MANAGER,
}


# What the assessment group records on the finding page and over the API. KPI-06 and BEH-01
# come from verified complaints (CB-04) and callback answers (CB-01) as facts of their own.
HAND_RULES = ("KPI-05", "BEH-03")


def check_finding(person: Person, rule_id: str) -> None:
    """Before a finding by hand from the page or the API: only KPI-05 and BEH-03, and BEH-03
    only on group leaders and above (it is their phone that must stay on)."""
    rule_id = (rule_id or "").strip().upper()
    if rule_id and rule_id not in HAND_RULES:
        raise DomainError(
            _("Rule {rule} cannot be recorded by hand.").format(rule=rule_id), field="rule_id"
        )
    if rule_id == "BEH-03" and person.role not in PHONE_ON_ROLES:
        raise DomainError(_("BEH-03 applies to group leaders and above only."), field="person")


def assessment_policy(book: PolicyBook, person: Person, month: date) -> AssessmentPolicy:
    """The policy in force at the month's end for the company whose rules the person follows."""
    company_id = person.client_id or person.employer_id
    return AssessmentPolicy.from_policy(book.policy_for(company_id, on=month_bounds(month)[1]))


def month_policies(book: PolicyBook, month: date) -> Callable[[int | None], AssessmentPolicy]:
    """`assessment_policy` for one month as a function of the company whose rules the person
    follows (client_id or employer_id), made once per company: a month's many facts share a
    few companies."""
    last = month_bounds(month)[1]
    cache: dict[int | None, AssessmentPolicy] = {}

    def policy_of(company_id: int | None) -> AssessmentPolicy:
        policy = cache.get(company_id)
        if policy is None:
            policy = cache[company_id] = AssessmentPolicy.from_policy(
                book.policy_for(company_id, on=last)
            )
        return policy

    return policy_of


def require_role(by: Any, roles: set[str], message: str) -> Person:
    person = person_of(by) if not isinstance(by, Person) else by
    if person is None or person.role not in roles:
        raise DomainError(message, field="by")
    return person


def require_assessor(by: Any, person: Person, message: str) -> Person:
    """KPI-11: a member of the assessment group, assessing someone he may see (his station)."""
    assessor = require_role(by, ASSESSORS, message)
    if not people_for(user_of(by)).filter(pk=person.pk).exists():
        raise DomainError(_("This person is not in your assessment area."), field="person")
    return assessor


def user_of(by: Any) -> Any:
    return getattr(by, "user", by)


def withdrawn_on_objection(entry: Entry) -> bool:
    return entry.objections.filter(decision=Objection.Outcome.WITHDRAWN).exists()


def set_state(entry: Entry, state: str, *, by: Any, note: str = "") -> None:
    entry.state = state
    if by is not None:
        entry.decided_at = clock.now()
        entry.decided_by = user_of(by)
    entry.note = note or entry.note
    entry.save(update_fields=["state", "decided_at", "decided_by", "note"])
