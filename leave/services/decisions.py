"""Deciding a request step by step, and withdrawing it (REQ-11)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from leave import rules
from leave.models import ApprovalStep, Request
from leave.services.common import (
    describe_period,
    kind_label,
    locked,
    notify_on_commit,
    person_acting,
    request_policy,
    request_url,
    schedule_recompute,
    user_of,
)


def _current_step_of(req: Request, by: Any) -> ApprovalStep:
    if req.status != Request.Status.PENDING:
        raise DomainError(_("This request has already been decided."))
    step = req.steps.filter(status=ApprovalStep.Status.PENDING).select_related("approver").first()
    actor = person_acting(by)
    if step is None or actor is None or step.approver_id != actor.pk:
        raise DomainError(_("This request is not waiting for your decision."))
    return step


def _claim(step: ApprovalStep, status: str, *, now: datetime, comment: str) -> None:
    """Decide the step only if it is still pending: a double click decides once."""
    updated = ApprovalStep.objects.filter(pk=step.pk, status=ApprovalStep.Status.PENDING).update(
        status=status, decided_at=now, comment=comment
    )
    if not updated:
        raise DomainError(_("This step has already been decided."))


def _notify_applicant_and_cc(
    req: Request, *, event: str, title: Any, body: Any, params: dict
) -> None:
    url = request_url(req)
    recipients = [req.person_id, *req.cc.values_list("pk", flat=True)]
    for recipient_id in dict.fromkeys(recipients):
        notify_on_commit(recipient_id, event=event, title=title, body=body, url=url, params=params)


def approve_request(req: Request, *, by: Any, now: datetime) -> None:
    """The last step approved: the request takes effect."""
    req.status = Request.Status.APPROVED
    req.decided_at = now
    req.save(update_fields=["status", "decided_at"])
    audit.record(req, "leave.request.approved", by=by, changes={"status": ["pending", "approved"]})
    if req.kind == Request.Kind.MAKEUP:
        from attendance import services as attendance_services
        from attendance.models import Punch

        attendance_services.record_punch(
            req.person,
            at=req.start_at,
            source=Punch.Source.MAKEUP,
            by=user_of(by),
            idempotency_key=f"makeup-request-{req.pk}",
        )
    schedule_recompute(req)
    params = {"kind": kind_label(req), "period": describe_period(req)}
    body: Any = "{period}"
    if req.kind == Request.Kind.TRIP:
        policy = request_policy(req.person, clock.today())
        params["due"] = rules.trip_report_due(req.end_date, policy)
        body = gettext_lazy(
            "{period}. No sign-in is needed during the trip; hand in a trip report by {due} (REQ-07)."
        )
    _notify_applicant_and_cc(
        req,
        event="leave.request.approved",
        title=gettext_lazy("Approved: {kind}"),
        body=body,
        params=params,
    )


@transaction.atomic
def approve_step(request: Request, *, by: Any, comment: str = "") -> Request:
    """The current approver approves his step (REQ-11: who, when, comment are kept). The next
    approver is asked; after the last step the request is approved, a make-up punch is recorded
    and attendance is recomputed."""
    req = locked(request)
    step = _current_step_of(req, by)
    comment = (comment or "").strip()[:500]
    now = clock.now()
    _claim(step, ApprovalStep.Status.APPROVED, now=now, comment=comment)
    audit.record(
        req,
        "leave.step.approved",
        by=by,
        data={
            "step": step.order,
            "basis": step.basis,
            "approver": step.approver.name,
            "comment": comment,
        },
    )
    following = req.steps.filter(status=ApprovalStep.Status.WAITING).order_by("order").first()
    if following is None:
        approve_request(req, by=by, now=now)
        return req
    following.status = ApprovalStep.Status.PENDING
    following.save(update_fields=["status"])
    params = {"name": req.person.name, "kind": kind_label(req), "period": describe_period(req)}
    notify_on_commit(
        following.approver_id,
        event="leave.step.pending",
        title=gettext_lazy("{name} asks for your approval: {kind}"),
        body="{period}",
        url=request_url(req),
        params=params,
    )
    notify_on_commit(
        req.person_id,
        event="leave.step.approved",
        title=gettext_lazy("{approver} approved your request for {kind}; now waiting for {next}"),
        url=request_url(req),
        params={
            "approver": step.approver.name,
            "kind": kind_label(req),
            "next": following.approver.name,
        },
    )
    return req


@transaction.atomic
def reject_step(request: Request, *, by: Any, comment: str = "") -> Request:
    """The current approver rejects: the request is rejected and the later steps cancelled.
    Leave not approved counts as absence (REQ-04), so attendance is recomputed."""
    req = locked(request)
    step = _current_step_of(req, by)
    comment = (comment or "").strip()[:500]
    now = clock.now()
    _claim(step, ApprovalStep.Status.REJECTED, now=now, comment=comment)
    req.steps.filter(status=ApprovalStep.Status.WAITING).update(
        status=ApprovalStep.Status.CANCELLED
    )
    req.status = Request.Status.REJECTED
    req.decided_at = now
    req.save(update_fields=["status", "decided_at"])
    audit.record(
        req,
        "leave.step.rejected",
        by=by,
        data={
            "step": step.order,
            "basis": step.basis,
            "approver": step.approver.name,
            "comment": comment,
        },
    )
    audit.record(req, "leave.request.rejected", by=by, changes={"status": ["pending", "rejected"]})
    schedule_recompute(req)
    _notify_applicant_and_cc(
        req,
        event="leave.request.rejected",
        title=gettext_lazy("Rejected: {kind}"),
        body=gettext_lazy("{approver}: {comment}") if comment else "{period}",
        params={
            "kind": kind_label(req),
            "approver": step.approver.name,
            "comment": comment,
            "period": describe_period(req),
        },
    )
    return req


@transaction.atomic
def withdraw_request(request: Request, *, by: Any) -> Request:
    """REQ-11: the applicant withdraws his request while it is still pending."""
    req = locked(request)
    actor = person_acting(by)
    if actor is None or actor.pk != req.person_id:
        raise DomainError(_("Only the applicant can withdraw a request."))
    if req.status != Request.Status.PENDING:
        raise DomainError(_("Only a pending request can be withdrawn."))
    waiting_for = list(
        req.steps.filter(status=ApprovalStep.Status.PENDING).values_list("approver_id", flat=True)
    )
    req.steps.filter(status__in=[ApprovalStep.Status.PENDING, ApprovalStep.Status.WAITING]).update(
        status=ApprovalStep.Status.CANCELLED
    )
    req.status = Request.Status.WITHDRAWN
    req.save(update_fields=["status"])
    audit.record(
        req, "leave.request.withdrawn", by=by, changes={"status": ["pending", "withdrawn"]}
    )
    schedule_recompute(req)
    for approver_id in waiting_for:
        notify_on_commit(
            approver_id,
            event="leave.request.withdrawn",
            title=gettext_lazy("{name} withdrew the request for {kind}"),
            body="{period}",
            url=request_url(req),
            params={
                "name": req.person.name,
                "kind": kind_label(req),
                "period": describe_period(req),
            },
        )
    return req
