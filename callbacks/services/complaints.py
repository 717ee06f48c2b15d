"""Complaints: registered, verified by the assessment group (CB-04), then counted (KPI-06, or
KPI-04 for a late renewal visit) in the engineer's month of verification."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callbacks.models import Complaint
from callbacks.services.callbacks import bring_ledger_in_line
from callbacks.services.common import (
    COMPLAINT_TAKERS,
    month_of,
    policy_of,
    require,
    require_in_scope,
    user_of,
)
from core import audit, clock
from core.errors import DomainError, ValidationErrors
from core.policy import PolicyBook
from people.models import Customer, Person
from people.roles import Role


@transaction.atomic
def register_complaint(
    *,
    by: Any,
    engineer: Person | None,
    text: str,
    customer: Customer | None = None,
    order: Any = None,
) -> Complaint:
    """Take a complaint down. It counts nothing until the assessment group verifies it (CB-04)."""
    require(by, COMPLAINT_TAKERS, _("You cannot register complaints."))
    text = (text or "").strip()
    errors = {}
    if engineer is None and order is not None:
        engineer = order.engineer
    if engineer is None:
        errors["engineer"] = _("Name the engineer the complaint is about.")
    elif engineer.role not in (Role.ENGINEER, Role.GROUP_LEADER):
        errors["engineer"] = _("Complaints are about engineers.")
    if not text:
        errors["text"] = _("Write down what the customer complains about.")
    if order is not None and customer is None:
        customer = order.customer
    if order is not None and engineer is not None and order.engineer_id not in (None, engineer.pk):
        errors["order"] = _("The order was served by another engineer.")
    if errors:
        raise ValidationErrors(errors)
    require_in_scope(by, engineer)
    complaint = Complaint.objects.create(
        customer=customer,
        order=order,
        engineer=engineer,
        unit_id=(order.unit_id if order is not None else None) or engineer.unit_id,
        text=text,
        registered_at=clock.now(),
        registered_by=user_of(by),
    )
    audit.record(
        complaint,
        "callbacks.complaint.registered",
        by=by,
        data={"engineer": engineer, "order": str(order) if order else "", "text": text},
    )
    if not _needs_verification(engineer):  # CB-04 switched off: it counts at once
        bring_ledger_in_line(engineer.pk, month_of(complaint.registered_at))
    return complaint


def _needs_verification(engineer: Person) -> bool:
    """CB-04 `cb.complaint_needs_verification`: by default a complaint counts only once verified."""
    return bool(policy_of(PolicyBook(), engineer, clock.today())["cb.complaint_needs_verification"])


def _decide(complaint: Complaint, *, by: Any, reason: str, state: str) -> Complaint:
    from assessment.services import ASSESSORS

    require(by, ASSESSORS, _("Only the assessment group verifies complaints."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the decision."), field="reason")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    require_in_scope(by, complaint.engineer)
    if state == Complaint.State.VERIFIED:  # KPI-11: it would count in a closed month
        from statements.locks import require_open_month

        require_open_month(complaint.engineer_id, month_of(clock.now()))
    if complaint.state != Complaint.State.REGISTERED:
        raise DomainError(_("This complaint was already decided."), field="state")
    complaint.state = state
    complaint.decided_at = clock.now()
    complaint.decided_by = user_of(by)
    complaint.reason = reason
    complaint.save(update_fields=["state", "decided_at", "decided_by", "reason"])
    audit.record(
        complaint,
        f"callbacks.complaint.{state}",
        by=by,
        changes={"state": [Complaint.State.REGISTERED, state]},
        data={"reason": reason},
    )
    return complaint


@transaction.atomic
def verify_complaint(complaint: Complaint, *, by: Any, reason: str) -> Complaint:
    """CB-04: the assessment group finds the complaint is the employee's fault; KPI-06 (or
    KPI-04) enters the engineer's month at once."""
    complaint = _decide(complaint, by=by, reason=reason, state=Complaint.State.VERIFIED)
    bring_ledger_in_line(complaint.engineer_id, month_of(complaint.decided_at))
    return complaint


@transaction.atomic
def reject_complaint(complaint: Complaint, *, by: Any, reason: str) -> Complaint:
    """CB-04: the complaint is not the employee's fault; it never counts (with verification
    switched off, the entry it had made is withdrawn)."""
    complaint = _decide(complaint, by=by, reason=reason, state=Complaint.State.REJECTED)
    if not _needs_verification(complaint.engineer):
        bring_ledger_in_line(complaint.engineer_id, month_of(complaint.registered_at))
    return complaint
