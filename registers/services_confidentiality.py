"""SEC-01 confidentiality agreements, SEC-02 private-device and SEC-03 data copy-out requests
approved by the manager."""

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from notifications.services import notify
from people.models import Person
from people.roles import CLIENT_ROLES, Role
from registers import rules
from registers.models import ConfidentialityAgreement, SecurityRequest
from registers.services import FILE_SUFFIXES, MAX_FILE_BYTES, acting_person, station_managers_of


def needs_agreement(people) -> Any:
    """SEC-01: of `people`, the active staff at a client site without a signed agreement."""
    return (
        people.filter(active=True, client__isnull=False)
        .exclude(role__in=[*CLIENT_ROLES, Role.VENDOR_CONTACT])
        .exclude(confidentiality_agreements__isnull=False)
    )


@transaction.atomic
def record_agreement(
    person: Person, *, by: Any, signed_on: date | None, upload: Any
) -> ConfidentialityAgreement:
    """SEC-01: archive a signed confidentiality agreement."""
    recorder = acting_person(by)
    errors: dict[str, str] = {}
    if signed_on is None:
        errors["signed_on"] = _("Enter the date of signature.")
    elif signed_on > clock.today():
        errors["signed_on"] = _("The date of signature cannot be in the future.")
    name = str(getattr(upload, "name", "") or "")
    if not upload:
        errors["file"] = _("Upload the signed agreement.")
    elif not name.lower().endswith(tuple(FILE_SUFFIXES)):
        errors["file"] = _("Attach a PDF or a photo (JPG, PNG, HEIC, WebP).")
    elif (getattr(upload, "size", 0) or 0) > MAX_FILE_BYTES:
        errors["file"] = _("The attachment is larger than 10 MB.")
    if errors:
        raise ValidationErrors(errors)
    agreement = ConfidentialityAgreement(
        person=person, signed_on=signed_on, recorded_by=recorder, recorded_at=clock.now()
    )
    agreement.file.save(name.rsplit("/", 1)[-1], upload, save=False)
    agreement.save()
    audit.record(agreement, "registers.agreement.recorded", by=by, data={"rule": "SEC-01"})
    return agreement


def approver_for(person: Person) -> Person:
    """SEC-02/SEC-03: the person's manager, else the station manager above his unit."""
    if person.manager_id and person.manager.active and person.manager_id != person.pk:
        return person.manager
    if person.unit_id:
        managers = [m for m in station_managers_of(person.unit) if m.pk != person.pk]
        if managers:
            return max(managers, key=lambda m: len(m.unit.path) if m.unit_id else 0)
    raise DomainError(_("You have no manager who could approve this request."))


@transaction.atomic
def file_security_request(person: Person, *, by: Any, kind: str, subject: str, reason: str):
    errors: dict[str, str] = {}
    if kind not in SecurityRequest.Kind.values:
        errors["kind"] = _("Choose what the request is for.")
    values = {"subject": (subject, 200), "reason": (reason, 1000)}
    cleaned: dict[str, str] = {}
    for field, (raw, limit) in values.items():
        text = str(raw or "").replace("\x00", "").strip()
        if not text:
            errors[field] = _("This field is required.")
        elif len(text) > limit:
            errors[field] = _("At most {n} characters.").format(n=limit)
        cleaned[field] = text
    if errors:
        raise ValidationErrors(errors)
    approver = approver_for(person)
    request = SecurityRequest.objects.create(
        person=person, kind=kind, approver=approver, created_at=clock.now(), **cleaned
    )
    audit.record(request, "registers.security_request.filed", by=by, data={"rule": request.rule_id})
    notify(
        approver,
        event="registers.security_request.pending",
        title=gettext_lazy("{name} asks: {kind}"),
        params={"name": person.name, "kind": SecurityRequest.Kind(kind).label},
        body=cleaned["subject"],
        url=reverse("registers:security-requests"),
    )
    return request


@transaction.atomic
def decide_security_request(
    request: SecurityRequest, *, by: Any, approve: bool, comment: str = ""
) -> SecurityRequest:
    """SEC-02/SEC-03: the manager approves or rejects; the applicant is told."""
    decider = acting_person(by)
    request = SecurityRequest.objects.select_for_update().get(pk=request.pk)
    if not rules.may_decide(
        approver_id=request.approver_id,
        decider_id=decider.pk,
        applicant_id=request.person_id,
        pending=request.status == SecurityRequest.Status.PENDING,
    ):
        raise DomainError(_("You cannot decide this request."))
    text = str(comment or "").replace("\x00", "").strip()[:1000]
    if not approve and not text:
        raise DomainError(_("Give a reason for the rejection."), field="comment")
    request.status = SecurityRequest.Status.APPROVED if approve else SecurityRequest.Status.REJECTED
    request.comment = text
    request.decided_at = clock.now()
    request.save(update_fields=["status", "comment", "decided_at"])
    audit.record(
        request,
        f"registers.security_request.{request.status}",
        by=by,
        data={"rule": request.rule_id, "comment": text},
    )
    notify(
        request.person,
        event=f"registers.security_request.{request.status}",
        title=gettext_lazy("{kind}: {status}"),
        params={"kind": request.get_kind_display(), "status": request.get_status_display()},
        url=reverse("registers:security-requests"),
    )
    return request
