"""KPI-11: the assessed person objects to an entry within the window; the assessment group
upholds or withdraws it with a reason."""

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import Entry, Objection, ObjectionAttachment
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
from statements.locks import require_open_month

# The same files a request takes (leave: sick certificates): a PDF or a photo, at most 10 MB each.
ATTACHMENT_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".webp"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5


def objection_deadline(entry: Entry, policy: AssessmentPolicy):
    """KPI-11: an objection is stated within `objection_window_days` of the entry."""
    return entry.created_at + timedelta(days=policy.objection_window_days)


def objection_open(entry: Entry, policy: AssessmentPolicy, now=None) -> bool:
    """KPI-11: a proposed or confirmed entry can be objected to until its deadline."""
    now = now or clock.now()
    return entry.state in (Entry.State.PROPOSED, Entry.State.CONFIRMED) and now <= (
        objection_deadline(entry, policy)
    )


def check_attachments(attachments: Sequence[Any]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise DomainError(
            _("Attach at most {count} files.").format(count=MAX_ATTACHMENTS), field="attachments"
        )
    for upload in attachments:
        if Path(getattr(upload, "name", "")).suffix.lower() not in ATTACHMENT_SUFFIXES:
            raise DomainError(
                _("Attach a PDF or a photo (JPG, PNG, HEIC, WebP)."), field="attachments"
            )
        if (getattr(upload, "size", 0) or 0) > MAX_ATTACHMENT_BYTES:
            raise DomainError(_("The attachment is larger than 10 MB."), field="attachments")


@transaction.atomic
def file_objection(
    entry: Entry, *, by: Any, text: str, attachments: Sequence[Any] = ()
) -> Objection:
    """KPI-11: the assessed person states an objection to a proposed or confirmed entry, with
    text and optional attachments (photos, documents), within the policy's window."""
    attachments = [a for a in attachments if a]
    filer = person_of(by) if not isinstance(by, Person) else by
    if filer is None or filer.pk != entry.person_id:
        raise DomainError(_("Only the assessed person can object to an entry."), field="by")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("State the objection."), field="text")
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    require_open_month(entry.person_id, entry.month)  # KPI-11: closed months refuse changes
    if entry.state not in (Entry.State.PROPOSED, Entry.State.CONFIRMED):
        raise DomainError(_("This entry is not open to objection."), field="state")
    check_attachments(attachments)
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
    for upload in attachments:
        ObjectionAttachment.objects.create(
            objection=objection,
            file=upload,
            name=Path(upload.name).name[:200],
            uploaded_at=now,
        )
    set_state(entry, Entry.State.OBJECTED, by=None)
    audit.record(
        objection,
        "assessment.objection.filed",
        by=filer,
        data={"text": text, "attachments": [Path(a.name).name for a in attachments]},
    )
    audit.record(entry, "assessment.entry.objected", by=filer)
    return objection


@transaction.atomic
def decide_objection(objection: Objection, *, by: Any, upheld: bool, reason: str) -> Objection:
    """KPI-11: the assessment group upholds the entry or withdraws it, giving a reason."""
    decider = require_assessor(
        by, objection.entry.person, _("Only the assessment group decides objections.")
    )
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("entry")
        .get(pk=objection.pk)
    )
    if objection.decision:
        raise DomainError(_("This objection has been decided."), field="decision")
    require_open_month(objection.entry.person_id, objection.entry.month)  # KPI-11: closed
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
    _notify_decided(objection)
    return objection


DECIDED_TITLES = {
    Objection.Outcome.UPHELD: gettext_lazy("Your objection to {rule} ({month}) was not accepted"),
    Objection.Outcome.WITHDRAWN: gettext_lazy(
        "Your objection to {rule} ({month}) was accepted: the entry is withdrawn"
    ),
}


def _notify_decided(objection: Objection) -> None:
    """KPI-11: the assessed person learns the group's decision and its reason."""
    from notifications.services import notify

    entry = objection.entry
    notify(
        entry.person,
        event=f"assessment.objection.{objection.decision}",
        title=DECIDED_TITLES[objection.decision],
        body=gettext_lazy("Reason: {reason}"),
        url=f"{reverse('assessment:me')}?month={entry.month:%Y-%m}",
        params={"rule": entry.rule_id, "month": f"{entry.month:%Y-%m}", "reason": objection.reason},
    )
