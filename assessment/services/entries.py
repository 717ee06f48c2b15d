"""The ledger (RULES §5–7): entries from facts (SLA breaches, attendance fines, later callbacks and
complaints) and by hand from the assessment group, and their confirmation."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Entry
from assessment.rules import breach_consequence, points_consequence, violation_consequence
from assessment.services.common import (
    MANUAL_FACT,
    MANUAL_RULES,
    assessment_policy,
    month_policies,
    require_assessor,
    set_state,
    user_of,
    withdrawn_on_objection,
)
from core import audit, clock
from core.clock import month_bounds
from core.errors import DomainError
from core.money import cny
from core.policy import PolicyBook
from people.models import Person
from statements.locks import locked_people, locked_person_ids, require_open_month

CREATE_CHUNK = 1000  # new entries per bulk insert


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


# The columns the fact sources read (the rest of an order or a person is not loaded).
BREACH_FIELDS = (
    "pk",
    "rule_id",
    "kind",
    "due_at",
    "amount",
    "person_id",
    "order_id",
    "order__number",
    "order__escalated_at",
    "person__client_id",
    "person__employer_id",
)
ANSWER_FIELDS = (
    "callback_id",
    "behaviouritem_id",
    "callback__state",
    "callback__kind",
    "callback__order_id",
    "callback__done_at",
    "callback__engineer_id",
    "callback__engineer__client_id",
    "callback__engineer__employer_id",
    "behaviouritem__code",
    "behaviouritem__label",
)

# --- entries from facts -------------------------------------------------------------------------


def breach_facts(month: date, person_ids: Iterable[int] | None, book: PolicyBook) -> list[Fact]:
    """KPI-01..03 and the WO-05 chain fines from the SLA breaches that fell due in the month."""
    from attendance.queries import month_range
    from workorders.models import Breach

    low, high = month_range(month)
    breaches = Breach.objects.filter(due_at__gte=low, due_at__lt=high, person__isnull=False)
    if person_ids is not None:
        breaches = breaches.filter(person_id__in=person_ids)
    policy_of = month_policies(book, month)
    facts = []
    for breach in breaches.values_list(*BREACH_FIELDS, named=True):
        escalated_at = breach.order__escalated_at
        consequence = breach_consequence(
            breach.rule_id,
            breach.kind,
            # KPI-03: escalated to technical support before the repair clock ran out.
            escalated=escalated_at is not None and escalated_at <= breach.due_at,
            amount=breach.amount,
            policy=policy_of(breach.person__client_id or breach.person__employer_id),
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
                    "order_no": breach.order__number,  # str(order)
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

    judged = DayJudgement.objects.filter(date__gte=month, date__lte=month_bounds(month)[1]).values(
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
    """BEH-01: one fact per behaviour item violated in a callback (CB-01/CB-02) done in the
    month, fined `beh.violation_fine`; keyed by callback and item, so never counted twice."""
    from attendance.queries import month_range
    from callbacks.models import Callback

    low, high = month_range(month)
    # The state is checked here, not in the query: SQLite would otherwise pick the index on the
    # state, which nearly every callback of the months shares, over the one on done_at.
    answers = Callback.violations.through.objects.filter(
        callback__done_at__gte=low,
        callback__done_at__lt=high,
    ).select_related("callback__engineer", "behaviouritem")
    answers = answers.only(*ANSWER_FIELDS)
    if person_ids is not None:
        answers = answers.filter(callback__engineer_id__in=person_ids)
    policy_of = month_policies(book, month)
    facts = []
    for answer in answers.order_by("callback_id", "behaviouritem__code"):
        callback, item = answer.callback, answer.behaviouritem
        if callback.state != Callback.State.DONE:
            continue
        engineer = callback.engineer
        consequence = violation_consequence(
            1, policy_of(engineer.client_id or engineer.employer_id)
        )
        facts.append(
            Fact(
                person_id=callback.engineer_id,
                rule_id=consequence.rule_id,
                points=consequence.points,
                fine=consequence.fine,
                source=Entry.Source.CALLBACK,
                fact_key=f"callback:{callback.pk}:{item.code}",
                evidence={
                    "callback": callback.pk,
                    "kind": callback.kind,
                    "order": callback.order_id,
                    "item": item.code,
                    "label": item.label,
                    "done_at": timezone.localtime(callback.done_at).isoformat(),
                },
            )
        )
    return facts


def complaint_facts(month: date, person_ids: Iterable[int] | None, book: PolicyBook) -> list[Fact]:
    """KPI-06 (or KPI-04 for a renewal visit that breached its deadline) from complaints; each
    point costs `kpi.fine_per_point` (KPI-07). CB-04: a complaint counts in the month the
    assessment group verified it as the employee's fault; an unverified or rejected one counts
    nothing. With `cb.complaint_needs_verification` off, a complaint not rejected counts in the
    month it was registered."""
    from django.db.models import Q

    from attendance.queries import month_range
    from callbacks.models import Complaint
    from callbacks.rules import complaint_rule

    low, high = month_range(month)
    verified_in_month = Q(state=Complaint.State.VERIFIED, decided_at__gte=low, decided_at__lt=high)
    registered_in_month = Q(
        state__in=[Complaint.State.REGISTERED, Complaint.State.VERIFIED],
        registered_at__gte=low,
        registered_at__lt=high,
    )
    complaints = Complaint.objects.filter(verified_in_month | registered_in_month).select_related(
        "engineer", "order"
    )
    if person_ids is not None:
        complaints = complaints.filter(engineer_id__in=person_ids)
    policy_of = month_policies(book, month)
    facts = []
    for complaint in complaints.order_by("pk"):
        person = complaint.engineer
        needs_verification = book.policy_for(
            person.client_id or person.employer_id, on=month_bounds(month)[1]
        )["cb.complaint_needs_verification"]
        if needs_verification:
            counts = (
                complaint.state == Complaint.State.VERIFIED and low <= complaint.decided_at < high
            )
        else:
            counts = low <= complaint.registered_at < high
        if not counts:
            continue
        order = complaint.order
        late = order is not None and order.breaches.filter(person=complaint.engineer_id).exists()
        consequence = points_consequence(
            complaint_rule(order.kind if order else None, late),
            policy_of(person.client_id or person.employer_id),
        )
        facts.append(
            Fact(
                person_id=complaint.engineer_id,
                rule_id=consequence.rule_id,
                points=consequence.points,
                fine=consequence.fine,
                source=Entry.Source.COMPLAINT,
                fact_key=f"complaint:{complaint.pk}",
                evidence={
                    "complaint": complaint.pk,
                    "order": complaint.order_id,
                    "order_no": str(order) if order else "",
                    "state": complaint.state,
                    "reason": complaint.reason,
                    "registered_at": timezone.localtime(complaint.registered_at).isoformat(),
                },
            )
        )
    return facts


FACT_SOURCES = (breach_facts, attendance_facts, callback_facts, complaint_facts)


@transaction.atomic
def generate_entries(month: date, *, person_ids: Iterable[int] | None = None) -> int:
    """Bring the month's generated entries in line with the facts; returns how many changed.

    A new fact becomes a proposed entry; a fact seen before changes nothing (idempotent). A
    proposed entry whose amount changed is revised. An entry whose fact disappeared (an absence
    excused by an approved retroactive leave) is withdrawn unless it was already confirmed or
    upheld; a withdrawn entry whose fact comes back is proposed again.
    """
    month = month.replace(day=1)
    person_ids = list(person_ids) if person_ids is not None else None
    book = PolicyBook()
    facts = [fact for source in FACT_SOURCES for fact in source(month, person_ids, book)]
    locked = locked_person_ids(month)  # KPI-11: a closed month's ledger is left alone
    facts = [fact for fact in facts if fact.person_id not in locked]
    # Findings by hand (fact "manual:…") are the assessment group's; the generator leaves them.
    existing = (
        Entry.objects.select_for_update()
        .filter(month=month)
        .exclude(fact_key__startswith=MANUAL_FACT)
        .exclude(person_id__in=locked_people(month))
    )
    if person_ids is not None:
        existing = existing.filter(person_id__in=person_ids)
    by_key = {(e.fact_key, e.rule_id): e for e in existing}
    now = clock.now()
    changed = 0
    seen = set()
    new_facts = []
    for fact in facts:
        key = (fact.fact_key, fact.rule_id)
        seen.add(key)
        entry = by_key.get(key)
        if entry is None:
            new_facts.append(fact)
            changed += 1
        elif entry.state == Entry.State.WITHDRAWN and not withdrawn_on_objection(entry):
            set_state(entry, Entry.State.PROPOSED, by=None, note=_("The fact was recorded again."))
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
    _create_entries(month, new_facts, now)
    for key, entry in by_key.items():
        if key in seen or entry.state not in (Entry.State.PROPOSED, Entry.State.OBJECTED):
            continue
        set_state(
            entry, Entry.State.WITHDRAWN, by=None, note=_("The fact behind this entry is gone.")
        )
        audit.record(entry, "assessment.entry.withdrawn", data={"fact": entry.fact_key})
        changed += 1
    return changed


def _create_entries(month: date, facts: list[Fact], now) -> None:
    """New facts become proposed entries, audited as created: written in bulk, with the people
    loaded once (an entry's audit line names its person)."""
    people = Person.objects.in_bulk({fact.person_id for fact in facts})
    for start in range(0, len(facts), CREATE_CHUNK):
        batch = facts[start : start + CREATE_CHUNK]
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    person=people[fact.person_id],
                    month=month,
                    rule_id=fact.rule_id,
                    points=fact.points,
                    fine=fact.fine,
                    source=fact.source,
                    fact_key=fact.fact_key,
                    evidence=fact.evidence,
                    created_at=now,
                )
                for fact in batch
            ]
        )
        audit.record_many(
            entries,
            "assessment.entry.created",
            data_for=lambda entry: {
                "points": entry.points,
                "fine": entry.fine,
                "fact": entry.fact_key,
            },
        )


# --- entries by hand ----------------------------------------------------------------------------


@transaction.atomic
def add_manual_entry(
    person: Person, *, month: date | None, rule_id: str, by: Any, evidence_text: str
) -> Entry:
    """A finding of the assessment group (KPI-05 tools/badge/dress, BEH-03 phone off, ...),
    always citing a rule and the evidence it rests on."""
    require_assessor(by, person, _("Only the assessment group records findings."))
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
    month = month.replace(day=1)
    require_open_month(person.pk, month)  # KPI-11: closed months refuse changes
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
        created_by=user_of(by),
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
    require_assessor(by, entry.person, _("Only the assessment group confirms entries."))
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    require_open_month(entry.person_id, entry.month)  # KPI-11: closed months refuse changes
    if entry.state != Entry.State.PROPOSED:
        raise DomainError(_("Only a proposed entry can be confirmed."), field="state")
    set_state(entry, Entry.State.CONFIRMED, by=by)
    audit.record(entry, "assessment.entry.confirmed", by=by)
    return entry
