"""KPI-11: the assessed person objects to an entry within the window; the assessment group
upholds or withdraws it with a reason."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import Entry, Objection
from assessment.rules import AssessmentPolicy
from assessment.services.common import (
    assessment_policy,
    require_assessor,
    set_state,
    user_of,
)
from core import audit, clock
from core.errors import DomainError
from core.policy import PolicyBook
from people.models import Person
from people.queries import person_of


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
        entry=entry, text=text, filed_at=now, filed_by=user_of(filer)
    )
    set_state(entry, Entry.State.OBJECTED, by=None)
    audit.record(objection, "assessment.objection.filed", by=filer, data={"text": text})
    audit.record(entry, "assessment.entry.objected", by=filer)
    return objection


@transaction.atomic
def decide_objection(objection: Objection, *, by: Any, upheld: bool, reason: str) -> Objection:
    """KPI-11: the assessment group upholds the entry or withdraws it, giving a reason."""
    decider = require_assessor(
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
    objection.decided_by = user_of(by)
    objection.save(update_fields=["decision", "reason", "decided_at", "decided_by"])
    entry = objection.entry
    state = Entry.State.UPHELD if upheld else Entry.State.WITHDRAWN
    set_state(entry, state, by=by, note=reason)
    audit.record(
        objection,
        "assessment.objection.decided",
        by=by,
        data={"decision": outcome, "reason": reason},
    )
    audit.record(entry, f"assessment.entry.{state}", by=by, data={"reason": reason})
    return objection
