"""Thresholds (KPI-08, KPI-09, BEH-02, KPI-12): decisions proposed from the ledger, confirmed or
rejected by HR or the operations manager, and the people concerned notified."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import Decision, Entry
from assessment.rules import previous_months, threshold_decisions
from assessment.services.common import (
    ATTENDANCE_RULES,
    DECIDERS,
    month_policies,
    require_role,
    user_of,
)
from core import audit, clock
from core.errors import DomainError
from core.policy import PolicyBook
from people.models import Person
from people.roles import EmploymentType, Role
from statements.locks import locked_person_ids

# --- thresholds (KPI-08, KPI-09, BEH-02, KPI-12) ------------------------------------------------


@transaction.atomic
def evaluate_thresholds(month: date, *, person_ids: Iterable[int] | None = None) -> int:
    """Propose the decisions the month's entries trigger, linked to the entries behind them;
    returns how many were proposed. Idempotent: one decision per person, month and rule. A
    proposed decision whose threshold is no longer crossed (an entry withdrawn on objection) is
    dropped, and proposed again if the threshold is crossed again; one decided by HR or the
    operations manager stays as it is."""
    month = month.replace(day=1)
    policy_book = PolicyBook()
    scope = set(_people_of_month(month, person_ids)) - locked_person_ids(month)  # KPI-11
    window_start = previous_months(month, 12)[0]  # wide enough for any window policy
    by_person: dict[int, list[Any]] = {pk: [] for pk in scope}
    for entry in (  # what the thresholds read of an entry (pk, month, rule, points) as rows
        Entry.objects.filter(month__gte=window_start, month__lte=month, person_id__in=scope)
        .exclude(state=Entry.State.WITHDRAWN)
        .order_by("person_id", "month", "pk")
        .values_list("pk", "person_id", "month", "rule_id", "points", named=True)
    ):
        by_person[entry.person_id].append(entry)
    existing = {
        (d.person_id, d.rule_id): d
        for d in Decision.objects.select_for_update().filter(month=month, person_id__in=scope)
    }
    people = Person.objects.select_related("unit").in_bulk(list(scope))  # unit: notifications
    policy_of = month_policies(policy_book, month)  # assessment_policy, once per company
    deciders = None  # loaded once, for the first decision proposed
    proposed = 0
    for person_id, rows in by_person.items():
        person = people[person_id]
        policy = policy_of(person.client_id or person.employer_id)
        points_by_month: dict[date, Decimal] = {}
        for entry in rows:
            points_by_month[entry.month] = points_by_month.get(entry.month, Decimal("0")) + (
                entry.points
            )
        this_month = [e for e in rows if e.month == month]
        window = set(previous_months(month, policy.window_months))
        crossed = set()
        for found in threshold_decisions(
            month,
            points_by_month=points_by_month,
            violations=sum(1 for e in this_month if e.rule_id == "BEH-01"),  # BEH-01 → BEH-02
            rule_breaches=sum(1 for e in this_month if e.rule_id not in ATTENDANCE_RULES),
            vendor_engineer=person.employment_type == EmploymentType.OUTSOURCED,
            policy=policy,
        ):
            crossed.add(found.rule_id)
            basis = {
                "KPI-08": [e for e in this_month if e.points],
                "KPI-09": [e for e in rows if e.points and e.month in window],
                "BEH-02": [e for e in this_month if e.rule_id == "BEH-01"],
                "KPI-12": [e for e in this_month if e.rule_id not in ATTENDANCE_RULES],
            }[found.rule_id]
            decision = existing.get((person_id, found.rule_id))
            if decision is None:
                decision = Decision.objects.create(
                    person=person,
                    month=month,
                    rule_id=found.rule_id,
                    kind=found.kind,
                    basis=found.basis,
                    created_at=clock.now(),
                )
            elif dropped_by_system(decision):
                decision.state, decision.basis, decision.note = (
                    Decision.State.PROPOSED,
                    found.basis,
                    "",
                )
                decision.confirmed_at = None
                decision.save(update_fields=["state", "basis", "note", "confirmed_at"])
            else:
                decision.entries.add(*[e.pk for e in basis])
                continue
            decision.entries.add(*[e.pk for e in basis])
            audit.record(
                decision,
                "assessment.decision.proposed",
                data={"basis": found.basis, "entries": [e.pk for e in basis]},
            )
            if deciders is None:
                deciders = list(_deciders())
            _notify_deciders(decision, deciders)
            proposed += 1
        for (owner, rule_id), decision in existing.items():
            if owner != person_id or rule_id in crossed:
                continue
            if decision.state == Decision.State.PROPOSED:
                decision.state = Decision.State.REJECTED
                decision.confirmed_at = clock.now()
                decision.note = _("The threshold is no longer crossed.")
                decision.save(update_fields=["state", "confirmed_at", "note"])
                audit.record(decision, "assessment.decision.dropped")
    return proposed


def dropped_by_system(decision: Decision) -> bool:
    """Rejected with nobody deciding: the threshold was no longer crossed at a re-evaluation."""
    return decision.state == Decision.State.REJECTED and decision.confirmed_by_id is None


def _people_of_month(month: date, person_ids: Iterable[int] | None) -> list[int]:
    people = Entry.objects.filter(month=month)
    if person_ids is not None:
        people = people.filter(person_id__in=list(person_ids))
    return list(people.order_by().values_list("person_id", flat=True).distinct())


DECISION_TITLES = {
    Decision.Kind.SEPARATION: gettext_lazy(
        "{name}: automatic separation confirmed for {month} ({rule})"
    ),
    Decision.Kind.DISMISSAL: gettext_lazy("{name}: dismissal confirmed for {month} ({rule})"),
    Decision.Kind.VENDOR_REPLACEMENT: gettext_lazy(
        "{name}: the vendor is asked to replace this engineer ({month}, {rule})"
    ),
}


@transaction.atomic
def confirm_decision(decision: Decision, *, by: Any, note: str = "") -> Decision:
    """HR or the operations manager confirms a proposed decision; the person, his manager and,
    for KPI-12, the vendor's contacts are notified."""
    require_role(by, DECIDERS, _("Only HR or the operations manager confirms decisions."))
    decision = _claim_proposed(decision)
    decision.state = Decision.State.CONFIRMED
    decision.confirmed_at = clock.now()
    decision.confirmed_by = user_of(by)
    decision.note = note
    decision.save(update_fields=["state", "confirmed_at", "confirmed_by", "note"])
    audit.record(decision, "assessment.decision.confirmed", by=by, data={"note": note})
    _notify_decision(decision)
    return decision


@transaction.atomic
def reject_decision(decision: Decision, *, by: Any, note: str) -> Decision:
    """HR or the operations manager rejects a proposed decision, giving a reason."""
    require_role(by, DECIDERS, _("Only HR or the operations manager rejects decisions."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision."), field="note")
    decision = _claim_proposed(decision)
    decision.state = Decision.State.REJECTED
    decision.confirmed_at = clock.now()
    decision.confirmed_by = user_of(by)
    decision.note = note
    decision.save(update_fields=["state", "confirmed_at", "confirmed_by", "note"])
    audit.record(decision, "assessment.decision.rejected", by=by, data={"note": note})
    return decision


def _claim_proposed(decision: Decision) -> Decision:
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=decision.pk)
    )
    if decision.state != Decision.State.PROPOSED:
        raise DomainError(_("Only a proposed decision can be decided."), field="state")
    return decision


PROPOSED_TITLE = gettext_lazy("{name}: {rule} crossed in {month}; a decision awaits confirmation")


def _deciders():
    return Person.objects.filter(role__in=DECIDERS, active=True)


def _notify_deciders(decision: Decision, deciders: Iterable[Person] | None = None) -> None:
    """HR and the operations manager learn of a proposed decision they are to confirm
    (`deciders`: the active deciders, when already loaded)."""
    from notifications.services import notify

    person = decision.person
    for decider in _deciders() if deciders is None else deciders:
        if decider.pk == person.pk:
            continue
        notify(
            decider,
            event="assessment.decision.proposed",
            title=PROPOSED_TITLE,
            params={
                "name": person.name,
                "rule": decision.rule_id,
                "month": f"{decision.month:%Y-%m}",
            },
            unit=person.unit,
        )


def _notify_decision(decision: Decision) -> None:
    from notifications.services import notify

    person = decision.person
    recipients = [person, person.manager]
    if decision.rule_id == "KPI-12":
        recipients += list(
            Person.objects.filter(
                employer_id=person.employer_id, role=Role.VENDOR_CONTACT, active=True
            )
        )
    seen = set()
    for recipient in recipients:
        if recipient is None or recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        notify(
            recipient,
            event=f"assessment.decision.{decision.kind}",
            title=DECISION_TITLES[decision.kind],
            params={
                "name": person.name,
                "month": f"{decision.month:%Y-%m}",
                "rule": decision.rule_id,
            },
            unit=person.unit,
        )
