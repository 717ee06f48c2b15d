"""Doing an inspection: answers with photos and anomalies, the repair order an anomaly opens,
and skip requests that the area supervisor decides (INS-01)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from inspections import rules
from inspections.models import Answer, SkipRequest, Ticket
from inspections.services.common import MAX_PHOTO_BYTES, area_supervisor_for
from inspections.services.spotchecks import sample_for_spot_check
from notifications.services import notify
from people.models import Person
from people.roles import Role


def ticket_url(ticket: Ticket) -> str:
    return reverse("inspections:ticket", args=[ticket.pk])


def _check_open(ticket: Ticket) -> None:
    if ticket.status != Ticket.Status.OPEN:
        raise DomainError(
            _("The inspection is already {status}.").format(status=ticket.get_status_display()),
            field="status",
        )


def _photo_error(photo: Any) -> str | None:
    head = photo.read(16)
    photo.seek(0)
    return rules.photo_problem(
        getattr(photo, "name", ""), getattr(photo, "size", 0) or 0, head, MAX_PHOTO_BYTES
    )


@transaction.atomic
def submit_answers(
    ticket: Ticket,
    *,
    by: Person,
    answers: dict[int, dict[str, Any]],
    photos: dict[int, Any] | None = None,
    note: str = "",
) -> Ticket:
    """Record the whole checklist at once (INS-09) and mark the ticket done. `answers` maps an
    item id to {"value", "anomaly", "note"}; `photos` maps an item id to an uploaded image.
    Every wrong answer is reported under "item_<id>"; nothing is stored unless all are right."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("template").get(pk=ticket.pk)
    )
    _check_open(ticket)
    if by.pk != ticket.engineer_id:
        raise DomainError(_("Only the ticket's engineer records the inspection."), field="engineer")
    photos = photos or {}
    items = list(ticket.template.items.order_by("position", "pk"))
    errors: dict[str, str] = {}
    checked: list[tuple[Any, rules.Checked, dict[str, Any]]] = []
    for item in items:
        given = answers.get(item.pk) or {}
        photo = photos.get(item.pk)
        if photo is not None:
            problem = _photo_error(photo)
            if problem:
                errors[f"item_{item.pk}"] = f"{item.label}: {problem}"
                continue
        spec = rules.ItemSpec(item.label, item.kind, item.required, item.min_value, item.max_value)
        try:
            result = rules.check_answer(
                spec,
                given.get("value"),
                has_photo=photo is not None,
                marked_anomaly=bool(given.get("anomaly")),
            )
        except ValueError as exc:
            errors[f"item_{item.pk}"] = f"{item.label}: {exc}"
            continue
        checked.append((item, result, given))
    unknown = set(answers) - {item.pk for item in items}
    if unknown:
        errors["answers"] = _("Answers to items that are not on this checklist: {ids}.").format(
            ids=", ".join(str(i) for i in sorted(unknown))
        )
    if errors:
        raise ValidationErrors(errors)
    for item, result, given in checked:
        answer = Answer(
            ticket=ticket,
            item=item,
            value_bool=result.value_bool,
            value_number=result.value_number,
            value_text=result.value_text,
            anomaly=result.anomaly,
            note=str(given.get("note") or "")[:500],
        )
        photo = photos.get(item.pk)
        if photo is not None:
            # Only the file's own name: a path in it (../) is not ours to follow.
            name = Path(str(getattr(photo, "name", "") or "photo.jpg").replace("\\", "/")).name
            answer.photo.save(name or "photo.jpg", photo, save=False)
        answer.save()
    now = clock.now()
    ticket.status = Ticket.Status.DONE
    ticket.done_at = now
    ticket.done_by = by
    ticket.note = (note or "")[:2000]
    ticket.save(update_fields=["status", "done_at", "done_by", "note"])
    anomalies = [item.label for item, result, _g in checked if result.anomaly]
    audit.record(
        ticket,
        "inspections.ticket.done",
        by=by,
        data={"rule": ticket.rule_id, "anomalies": anomalies, "late": now.date() > ticket.due_on},
    )
    sample_for_spot_check(ticket)
    return ticket


@transaction.atomic
def open_repair_order(answer: Answer, *, by: Person):
    """One tap on an anomaly opens an order for the asset's customer or site, unassigned, on the
    dispatcher board; the answer keeps the order, the order's text names the ticket. A second
    tap returns the same order."""
    from workorders.models import FaultClass, Kind, SupportKind
    from workorders.services import create_order

    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("ticket__asset__unit", "ticket__asset__customer", "item", "order")
        .get(pk=answer.pk)
    )
    if answer.order_id:
        return answer.order
    if not answer.anomaly:
        raise DomainError(_("Only an anomaly opens a repair order."), field="anomaly")
    ticket = answer.ticket
    asset = ticket.asset
    description = _(
        "Inspection anomaly at {asset}: {item}{note} (inspection ticket #{ticket})"
    ).format(
        asset=asset.name,
        item=answer.item.label,
        note=f" — {answer.note}" if answer.note else "",
        ticket=ticket.pk,
    )
    if asset.customer_id:
        order = create_order(
            by=by,
            kind=Kind.REPAIR,
            unit=asset.customer.unit,
            customer=asset.customer,
            address=asset.address,
            fault_class=FaultClass.GENERAL,
            description=description,
        )
    else:  # a line, box or room has no subscriber: a fault-handling order for the site
        order = create_order(
            by=by,
            kind=Kind.SUPPORT,
            unit=asset.unit,
            address=asset.address,
            support_kind=SupportKind.FAULT,
            description=description,
        )
    answer.order = order
    answer.save(update_fields=["order"])
    audit.record(
        ticket,
        "inspections.ticket.order_opened",
        by=by,
        data={"item": answer.item.label, "order": order.number},
    )
    return order


@transaction.atomic
def request_skip(ticket: Ticket, *, by: Person, reason: str) -> SkipRequest:
    """INS-01: an engineer who cannot do an inspection asks the area supervisor to skip it."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("asset__unit")
        .get(pk=ticket.pk)
    )
    _check_open(ticket)
    if by.pk != ticket.engineer_id:
        raise DomainError(_("Only the ticket's engineer asks to skip it."), field="engineer")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for skipping."), field="reason")
    if ticket.skip_requests.filter(status=SkipRequest.Status.PENDING).exists():
        raise DomainError(
            _("A request to skip this inspection is already pending."), field="reason"
        )
    approver = area_supervisor_for(ticket.asset.unit)
    skip = SkipRequest.objects.create(
        ticket=ticket,
        requested_by=by,
        requested_at=clock.now(),
        reason=reason.strip()[:500],
        approver=approver,
    )
    audit.record(
        skip,
        "inspections.skip.requested",
        by=by,
        data={"rule": "INS-01", "ticket": ticket.pk, "approver": approver},
    )
    if approver is not None:
        notify(
            approver,
            event="inspections.skip.requested",
            title=gettext_lazy("{name} asks to skip the inspection of {asset}"),
            params={"name": by.name, "asset": ticket.asset.name},
            url=reverse("inspections:skips"),
            unit=ticket.asset.unit,
        )
    return skip


def may_decide_skip(person: Person | None, skip: SkipRequest) -> bool:
    """INS-01: the area supervisor asked decides; the operations manager may stand in."""
    if person is None:
        return False
    return person.pk == skip.approver_id or person.role == Role.OPS_MANAGER


@transaction.atomic
def decide_skip(skip: SkipRequest, *, by: Person, approve: bool, comment: str = "") -> SkipRequest:
    skip = (
        SkipRequest.objects.select_for_update(of=("self",))
        .select_related("ticket__asset")
        .get(pk=skip.pk)
    )
    if skip.status != SkipRequest.Status.PENDING:
        raise DomainError(_("The request was already decided."), field="status")
    if not may_decide_skip(by, skip):
        raise DomainError(_("Only the area supervisor decides this request (INS-01)."), field="by")
    if not approve and not comment.strip():
        raise DomainError(_("Say why the inspection cannot be skipped."), field="comment")
    skip.status = SkipRequest.Status.APPROVED if approve else SkipRequest.Status.REFUSED
    skip.decided_by = by
    skip.decided_at = clock.now()
    skip.comment = comment.strip()[:500]
    skip.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    ticket = skip.ticket
    if approve and ticket.status == Ticket.Status.OPEN:
        ticket.status = Ticket.Status.SKIPPED
        ticket.save(update_fields=["status"])
    audit.record(
        skip,
        "inspections.skip.approved" if approve else "inspections.skip.refused",
        by=by,
        data={"rule": "INS-01", "ticket": ticket.pk, "comment": skip.comment},
    )
    notify(
        skip.requested_by,
        event="inspections.skip.decided",
        title=(
            gettext_lazy("Skipping the inspection of {asset} was approved")
            if approve
            else gettext_lazy("Skipping the inspection of {asset} was refused")
        ),
        params={"asset": ticket.asset.name},
        url=ticket_url(ticket),
        unit=ticket.asset.unit,
    )
    return skip
