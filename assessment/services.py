"""Assessment operations (RULES §5–7): entries from facts and by hand, objections (KPI-11) and
threshold decisions (KPI-08, KPI-09, BEH-02, KPI-12). Every state change is audited."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import Decision, Entry, Objection
from assessment.rules import (
    AssessmentPolicy,
    breach_consequence,
    points_consequence,
    previous_months,
    threshold_decisions,
)
from core import audit, clock
from core.errors import DomainError
from core.money import cny
from core.policy import PolicyBook
from people.models import Person
from people.queries import people_for, person_of
from people.roles import EmploymentType, Role

# KPI-11: who forms the assessment group (records findings, confirms entries, decides objections).
ASSESSORS = {Role.OPS_MANAGER, Role.HR_ADMIN, Role.STATION_MANAGER, Role.STATION_HEAD}
# KPI-08/09, BEH-02, KPI-12: decisions are confirmed by HR or the operations manager.
DECIDERS = {Role.OPS_MANAGER, Role.HR_ADMIN}
# Rules a finding of the assessment group may cite by hand. KPI-06 and BEH-01 stand here until
# complaints (CB-04) and callbacks (CB-01) are recorded as facts of their own.
MANUAL_RULES = ("KPI-05", "BEH-03", "KPI-06", "BEH-01")
# KPI-12 counts breaches of client rules; attendance fines are the employer's own matter.
ATTENDANCE_RULES = ("ATT-04", "ATT-05", "ATT-06")
MANUAL_FACT = "manual:"


@dataclass(frozen=True)
class Fact:
    """A consequence computed from a fact, before it becomes (or matches) an entry."""

    person_id: int
    rule_id: str
    points: Decimal
    fine: Decimal
    source: str
    fact_key: str
    evidence: dict[str, Any]


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def assessment_policy(book: PolicyBook, person: Person, month: date) -> AssessmentPolicy:
    """The policy in force at the month's end for the company whose rules the person follows."""
    company_id = person.client_id or person.employer_id
    return AssessmentPolicy.from_policy(book.policy_for(company_id, on=last_of_month(month)))


def _require_role(by: Any, roles: set[str], message: str) -> Person:
    person = person_of(by) if not isinstance(by, Person) else by
    if person is None or person.role not in roles:
        raise DomainError(message, field="by")
    return person


def _require_assessor(by: Any, person: Person, message: str) -> Person:
    """KPI-11: a member of the assessment group, assessing someone he may see (his station)."""
    assessor = _require_role(by, ASSESSORS, message)
    if not people_for(_user(by)).filter(pk=person.pk).exists():
        raise DomainError(_("This person is not in your assessment area."), field="person")
    return assessor


def _user(by: Any) -> Any:
    return getattr(by, "user", by)


# --- entries from facts -------------------------------------------------------------------------


def breach_facts(month: date, person_ids: Iterable[int] | None, book: PolicyBook) -> list[Fact]:
    """KPI-01..03 and the WO-05 chain fines from the SLA breaches that fell due in the month."""
    from attendance.queries import month_range
    from workorders.models import Breach

    low, high = month_range(month)
    breaches = Breach.objects.filter(
        due_at__gte=low, due_at__lt=high, person__isnull=False
    ).select_related("order", "person")
    if person_ids is not None:
        breaches = breaches.filter(person_id__in=person_ids)
    facts = []
    for breach in breaches:
        escalated_at = breach.order.escalated_at
        consequence = breach_consequence(
            breach.rule_id,
            breach.kind,
            # KPI-03: escalated to technical support before the repair clock ran out.
            escalated=escalated_at is not None and escalated_at <= breach.due_at,
            amount=breach.amount,
            policy=assessment_policy(book, breach.person, month),
        )
        if consequence is None:
            continue
        facts.append(
            Fact(
                person_id=breach.person_id,
                rule_id=consequence.rule_id,
                points=consequence.points,
                fine=consequence.fine,
                source=Entry.Source.BREACH,
                fact_key=f"breach:{breach.pk}",
                evidence={
                    "breach": breach.pk,
                    "order": breach.order_id,
                    "order_no": str(breach.order),
                    "sla_rule": breach.rule_id,
                    "kind": breach.kind,
                    "due_at": timezone.localtime(breach.due_at).isoformat(),
                },
            )
        )
    return facts


def attendance_facts(month: date, person_ids: Iterable[int] | None, book: PolicyBook) -> list[Fact]:
    """ATT-04..06: one fact per fine line of the person's month summary."""
    from attendance.models import DayJudgement
    from attendance.queries import month_summaries

    judged = DayJudgement.objects.filter(date__gte=month, date__lte=last_of_month(month)).values(
        "person_id"
    )
    people = Person.objects.filter(pk__in=judged).order_by("pk")
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    facts = []
    for row in month_summaries(people, month, book=book):
        for line in row.summary.fines:
            facts.append(
                Fact(
                    person_id=row.person.pk,
                    rule_id=line.rule_id,
                    points=Decimal("0"),
                    fine=cny(line.amount),
                    source=Entry.Source.ATTENDANCE,
                    fact_key=f"attendance:{row.person.pk}:{month:%Y-%m}:{line.code}",
                    evidence={
                        "person": row.person.pk,
                        "month": f"{month:%Y-%m}",
                        "code": line.code,
                        "count": line.count,
                        "detail": line.detail,
                    },
                )
            )
    return facts


def callback_facts(month: date, person_ids: Iterable[int] | None, book: PolicyBook) -> list[Fact]:
    """BEH-01 from callback answers (CB-01): no callback records yet; findings come by hand."""
    return []


def complaint_facts(month: date, person_ids: Iterable[int] | None, book: PolicyBook) -> list[Fact]:
    """KPI-06 from verified complaints (CB-04): no complaint records yet; findings come by hand."""
    return []


FACT_SOURCES = (breach_facts, attendance_facts, callback_facts, complaint_facts)


@transaction.atomic
def generate_entries(month: date, *, person_ids: Iterable[int] | None = None) -> int:
    """Bring the month's generated entries in line with the facts; returns how many changed.

    A new fact becomes a proposed entry; a fact seen before changes nothing (idempotent). A
    proposed entry whose amount changed is revised. An entry whose fact disappeared (an absence
    excused by an approved retroactive leave) is withdrawn unless it was already confirmed or
    upheld; a withdrawn entry whose fact comes back is proposed again.
    """
    month = first_of_month(month)
    person_ids = list(person_ids) if person_ids is not None else None
    book = PolicyBook()
    facts = [fact for source in FACT_SOURCES for fact in source(month, person_ids, book)]
    # Findings by hand (fact "manual:…") are the assessment group's; the generator leaves them.
    existing = (
        Entry.objects.select_for_update()
        .filter(month=month)
        .exclude(fact_key__startswith=MANUAL_FACT)
    )
    if person_ids is not None:
        existing = existing.filter(person_id__in=person_ids)
    by_key = {(e.fact_key, e.rule_id): e for e in existing}
    now = clock.now()
    changed = 0
    seen = set()
    for fact in facts:
        key = (fact.fact_key, fact.rule_id)
        seen.add(key)
        entry = by_key.get(key)
        if entry is None:
            entry = Entry.objects.create(
                person_id=fact.person_id,
                month=month,
                rule_id=fact.rule_id,
                points=fact.points,
                fine=fact.fine,
                source=fact.source,
                fact_key=fact.fact_key,
                evidence=fact.evidence,
                created_at=now,
            )
            audit.record(
                entry,
                "assessment.entry.created",
                data={"points": fact.points, "fine": fact.fine, "fact": fact.fact_key},
            )
            changed += 1
        elif entry.state == Entry.State.WITHDRAWN and not withdrawn_on_objection(entry):
            _set_state(entry, Entry.State.PROPOSED, by=None, note=_("The fact was recorded again."))
            audit.record(entry, "assessment.entry.restored", data={"fact": fact.fact_key})
            changed += 1
        elif entry.state == Entry.State.PROPOSED and (entry.points, entry.fine) != (
            fact.points,
            fact.fine,
        ):
            changes = {"points": [entry.points, fact.points], "fine": [entry.fine, fact.fine]}
            entry.points, entry.fine, entry.evidence = fact.points, fact.fine, fact.evidence
            entry.save(update_fields=["points", "fine", "evidence"])
            audit.record(entry, "assessment.entry.revised", changes=changes)
            changed += 1
    for key, entry in by_key.items():
        if key in seen or entry.state not in (Entry.State.PROPOSED, Entry.State.OBJECTED):
            continue
        _set_state(
            entry, Entry.State.WITHDRAWN, by=None, note=_("The fact behind this entry is gone.")
        )
        audit.record(entry, "assessment.entry.withdrawn", data={"fact": entry.fact_key})
        changed += 1
    return changed


def withdrawn_on_objection(entry: Entry) -> bool:
    return entry.objections.filter(decision=Objection.Outcome.WITHDRAWN).exists()


def _set_state(entry: Entry, state: str, *, by: Any, note: str = "") -> None:
    entry.state = state
    if by is not None:
        entry.decided_at = clock.now()
        entry.decided_by = _user(by)
    entry.note = note or entry.note
    entry.save(update_fields=["state", "decided_at", "decided_by", "note"])


# --- entries by hand ----------------------------------------------------------------------------


@transaction.atomic
def add_manual_entry(
    person: Person, *, month: date | None, rule_id: str, by: Any, evidence_text: str
) -> Entry:
    """A finding of the assessment group (KPI-05 tools/badge/dress, BEH-03 phone off, ...),
    always citing a rule and the evidence it rests on."""
    _require_assessor(by, person, _("Only the assessment group records findings."))
    rule_id = (rule_id or "").strip().upper()
    evidence_text = (evidence_text or "").strip()
    if not rule_id:
        raise DomainError(_("Cite the rule the finding breaks."), field="rule_id")
    if rule_id not in MANUAL_RULES:
        raise DomainError(
            _("Rule {rule} cannot be recorded by hand.").format(rule=rule_id), field="rule_id"
        )
    if not evidence_text:
        raise DomainError(_("Describe the evidence the finding rests on."), field="evidence_text")
    if month is None:
        raise DomainError(_("Give the assessment month."), field="month")
    month = first_of_month(month)
    policy = assessment_policy(PolicyBook(), person, month)
    if rule_id == "BEH-03":
        points, fine = Decimal("0"), cny(policy.phone_off_fine)  # BEH-03
    elif rule_id == "BEH-01":
        points, fine = Decimal("0"), cny(policy.violation_fine)  # BEH-01
    else:
        consequence = points_consequence(rule_id, policy)  # KPI-05, KPI-06 with KPI-07
        points, fine = consequence.points, consequence.fine
    source = {"KPI-06": Entry.Source.COMPLAINT, "BEH-01": Entry.Source.CALLBACK}.get(
        rule_id, Entry.Source.MANUAL
    )
    entry = Entry.objects.create(
        person=person,
        month=month,
        rule_id=rule_id,
        points=points,
        fine=fine,
        source=source,
        fact_key=f"{MANUAL_FACT}{uuid.uuid4()}",
        evidence={"text": evidence_text},
        created_at=clock.now(),
        created_by=_user(by),
    )
    audit.record(
        entry,
        "assessment.entry.created",
        by=by,
        data={"points": points, "fine": fine, "evidence": evidence_text},
    )
    return entry


# --- confirmation and objections (KPI-11) -------------------------------------------------------


@transaction.atomic
def confirm_entry(entry: Entry, *, by: Any) -> Entry:
    """The assessment group confirms a proposed entry."""
    _require_assessor(by, entry.person, _("Only the assessment group confirms entries."))
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.state != Entry.State.PROPOSED:
        raise DomainError(_("Only a proposed entry can be confirmed."), field="state")
    _set_state(entry, Entry.State.CONFIRMED, by=by)
    audit.record(entry, "assessment.entry.confirmed", by=by)
    return entry


def objection_deadline(entry: Entry, policy: AssessmentPolicy):
    """KPI-11: an objection is stated within `objection_window_days` of the entry."""
    return entry.created_at + timedelta(days=policy.objection_window_days)


@transaction.atomic
def file_objection(entry: Entry, *, by: Any, text: str) -> Objection:
    """KPI-11: the assessed person states an objection to a proposed or confirmed entry."""
    filer = person_of(by) if not isinstance(by, Person) else by
    if filer is None or filer.pk != entry.person_id:
        raise DomainError(_("Only the assessed person can object to an entry."), field="by")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("State the objection."), field="text")
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.state not in (Entry.State.PROPOSED, Entry.State.CONFIRMED):
        raise DomainError(_("This entry is not open to objection."), field="state")
    policy = assessment_policy(PolicyBook(), entry.person, entry.month)
    now = clock.now()
    if now > objection_deadline(entry, policy):
        raise DomainError(
            _("The objection window of {days} days has passed.").format(
                days=policy.objection_window_days
            ),
            field="filed_at",
        )
    objection = Objection.objects.create(
        entry=entry, text=text, filed_at=now, filed_by=_user(filer)
    )
    _set_state(entry, Entry.State.OBJECTED, by=None)
    audit.record(objection, "assessment.objection.filed", by=filer, data={"text": text})
    audit.record(entry, "assessment.entry.objected", by=filer)
    return objection


@transaction.atomic
def decide_objection(objection: Objection, *, by: Any, upheld: bool, reason: str) -> Objection:
    """KPI-11: the assessment group upholds the entry or withdraws it, giving a reason."""
    decider = _require_assessor(
        by, objection.entry.person, _("Only the assessment group decides objections.")
    )
    objection = Objection.objects.select_for_update().select_related("entry").get(pk=objection.pk)
    if objection.decision:
        raise DomainError(_("This objection has been decided."), field="decision")
    if objection.entry.state != Entry.State.OBJECTED:
        # Its fact disappeared meanwhile and the generator withdrew the entry.
        raise DomainError(_("This entry is no longer under objection."), field="state")
    if decider.pk == objection.entry.person_id:
        raise DomainError(_("Nobody decides an objection to his own entry."), field="by")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the decision."), field="reason")
    outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.WITHDRAWN
    objection.decision = outcome
    objection.reason = reason
    objection.decided_at = clock.now()
    objection.decided_by = _user(by)
    objection.save(update_fields=["decision", "reason", "decided_at", "decided_by"])
    entry = objection.entry
    state = Entry.State.UPHELD if upheld else Entry.State.WITHDRAWN
    _set_state(entry, state, by=by, note=reason)
    audit.record(
        objection,
        "assessment.objection.decided",
        by=by,
        data={"decision": outcome, "reason": reason},
    )
    audit.record(entry, f"assessment.entry.{state}", by=by, data={"reason": reason})
    return objection


# --- thresholds (KPI-08, KPI-09, BEH-02, KPI-12) ------------------------------------------------


@transaction.atomic
def evaluate_thresholds(month: date, *, person_ids: Iterable[int] | None = None) -> int:
    """Propose the decisions the month's entries trigger, linked to the entries behind them;
    returns how many were proposed. Idempotent: one decision per person, month and rule. A
    proposed decision whose threshold is no longer crossed (an entry withdrawn on objection) is
    dropped, and proposed again if the threshold is crossed again; one decided by HR or the
    operations manager stays as it is."""
    month = first_of_month(month)
    policy_book = PolicyBook()
    scope = set(_people_of_month(month, person_ids))
    window_start = previous_months(month, 12)[0]  # wide enough for any window policy
    by_person: dict[int, list[Entry]] = {pk: [] for pk in scope}
    for entry in (
        Entry.objects.filter(month__gte=window_start, month__lte=month, person_id__in=scope)
        .exclude(state=Entry.State.WITHDRAWN)
        .order_by("person_id", "month", "pk")
    ):
        by_person[entry.person_id].append(entry)
    existing = {
        (d.person_id, d.rule_id): d
        for d in Decision.objects.select_for_update().filter(month=month, person_id__in=scope)
    }
    people = Person.objects.in_bulk(list(scope))
    proposed = 0
    for person_id, rows in by_person.items():
        person = people[person_id]
        policy = assessment_policy(policy_book, person, month)
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
                decision.entries.add(*basis)
                continue
            decision.entries.add(*basis)
            audit.record(
                decision,
                "assessment.decision.proposed",
                data={"basis": found.basis, "entries": [e.pk for e in basis]},
            )
            _notify_deciders(decision)
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
    _require_role(by, DECIDERS, _("Only HR or the operations manager confirms decisions."))
    decision = _claim_proposed(decision)
    decision.state = Decision.State.CONFIRMED
    decision.confirmed_at = clock.now()
    decision.confirmed_by = _user(by)
    decision.note = note
    decision.save(update_fields=["state", "confirmed_at", "confirmed_by", "note"])
    audit.record(decision, "assessment.decision.confirmed", by=by, data={"note": note})
    _notify_decision(decision)
    return decision


@transaction.atomic
def reject_decision(decision: Decision, *, by: Any, note: str) -> Decision:
    """HR or the operations manager rejects a proposed decision, giving a reason."""
    _require_role(by, DECIDERS, _("Only HR or the operations manager rejects decisions."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision."), field="note")
    decision = _claim_proposed(decision)
    decision.state = Decision.State.REJECTED
    decision.confirmed_at = clock.now()
    decision.confirmed_by = _user(by)
    decision.note = note
    decision.save(update_fields=["state", "confirmed_at", "confirmed_by", "note"])
    audit.record(decision, "assessment.decision.rejected", by=by, data={"note": note})
    return decision


def _claim_proposed(decision: Decision) -> Decision:
    decision = Decision.objects.select_for_update().select_related("person").get(pk=decision.pk)
    if decision.state != Decision.State.PROPOSED:
        raise DomainError(_("Only a proposed decision can be decided."), field="state")
    return decision


PROPOSED_TITLE = gettext_lazy("{name}: {rule} crossed in {month}; a decision awaits confirmation")


def _notify_deciders(decision: Decision) -> None:
    """HR and the operations manager learn of a proposed decision they are to confirm."""
    from notifications.services import notify

    person = decision.person
    for decider in Person.objects.filter(role__in=DECIDERS, active=True).exclude(pk=person.pk):
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
