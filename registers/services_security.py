"""SEC-04: the machine-room entry register (机房登记表) and the register of equipment and media
lent out."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from people.models import OrgUnit, Person
from people.roles import CLIENT_ROLES, Role
from registers import rules
from registers.models import Loan, MachineRoomEntry
from registers.services import acting_person


def _text(values: dict[str, Any], errors: dict[str, str], name: str, limit: int, *, required=True):
    value = str(values.get(name) or "").replace("\x00", "").strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most {n} characters.").format(n=limit)
    return value


def _check_escort(escort: Any, errors: dict[str, str]) -> None:
    if not isinstance(escort, Person):
        errors["escort"] = _("Every entry needs an escort from our staff.")
    elif not escort.active or escort.role in CLIENT_ROLES or escort.role == Role.VENDOR_CONTACT:
        errors["escort"] = _("The escort must be an active member of staff.")


@transaction.atomic
def register_entry(
    unit: OrgUnit,
    *,
    by: Any,
    room: str,
    visitor_name: str,
    visitor_company: str,
    purpose: str,
    escort: Person | None,
    time_in: datetime | None = None,
) -> MachineRoomEntry:
    """SEC-04: a visitor enters a machine room, registered and escorted."""
    person = acting_person(by)
    errors: dict[str, str] = {}
    values = {
        "room": room,
        "visitor_name": visitor_name,
        "visitor_company": visitor_company,
        "purpose": purpose,
    }
    cleaned = {
        "room": _text(values, errors, "room", 120),
        "visitor_name": _text(values, errors, "visitor_name", 60),
        "visitor_company": _text(values, errors, "visitor_company", 120),
        "purpose": _text(values, errors, "purpose", 300),
    }
    _check_escort(escort, errors)
    if errors:
        raise ValidationErrors(errors)
    entry = MachineRoomEntry.objects.create(
        unit=unit, escort=escort, time_in=time_in or clock.now(), recorded_by=person, **cleaned
    )
    audit.record(entry, "registers.entry.in", by=by, data={"rule": "SEC-04"})
    return entry


@transaction.atomic
def sign_out_entry(entry: MachineRoomEntry, *, by: Any, time_out: datetime | None = None):
    entry = MachineRoomEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.time_out is not None:
        raise DomainError(_("The visitor has already left."))
    time_out = time_out or clock.now()
    if not rules.entry_times_valid(entry.time_in, time_out):
        raise DomainError(_("The time out is before the time in."), field="time_out")
    entry.time_out = time_out
    entry.save(update_fields=["time_out"])
    audit.record(entry, "registers.entry.out", by=by, data={"rule": "SEC-04"})
    return entry


@transaction.atomic
def lend_item(
    unit: OrgUnit,
    *,
    by: Any,
    kind: str,
    item: str,
    serial: str = "",
    borrower: str,
    borrower_company: str = "",
    due_back: datetime | None,
) -> Loan:
    """SEC-04: equipment or a storage medium leaves the site, registered with its due time."""
    person = acting_person(by)
    errors: dict[str, str] = {}
    values = {
        "item": item,
        "serial": serial,
        "borrower": borrower,
        "borrower_company": borrower_company,
    }
    cleaned = {
        "item": _text(values, errors, "item", 120),
        "serial": _text(values, errors, "serial", 60, required=False),
        "borrower": _text(values, errors, "borrower", 60),
        "borrower_company": _text(values, errors, "borrower_company", 120, required=False),
    }
    if kind not in Loan.Kind.values:
        errors["kind"] = _("Choose equipment or storage medium.")
    now = clock.now()
    if due_back is None:
        errors["due_back"] = _("This field is required.")
    elif due_back <= now:
        errors["due_back"] = _("The due time must be in the future.")
    if errors:
        raise ValidationErrors(errors)
    loan = Loan.objects.create(
        unit=unit, kind=kind, lent_by=person, lent_at=now, due_back=due_back, **cleaned
    )
    audit.record(loan, "registers.loan.lent", by=by, data={"rule": "SEC-04"})
    return loan


@transaction.atomic
def return_item(loan: Loan, *, by: Any) -> Loan:
    person = acting_person(by)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.returned_at is not None:
        raise DomainError(_("This item has already been returned."))
    loan.returned_at = clock.now()
    loan.returned_to = person
    loan.save(update_fields=["returned_at", "returned_to"])
    audit.record(
        loan,
        "registers.loan.returned",
        by=by,
        data={"rule": "SEC-04", "late": loan.returned_at > loan.due_back},
    )
    return loan


def notify_overdue_loans(at: datetime) -> int:
    """SEC-04: tell the lender once when an item is not back by its due time."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from notifications.services import notify

    count = 0
    overdue = Loan.objects.filter(
        returned_at__isnull=True, due_back__lt=at, overdue_notified_at__isnull=True
    ).select_related("lent_by", "unit")
    for loan in overdue:
        if not Loan.objects.filter(pk=loan.pk, overdue_notified_at__isnull=True).update(
            overdue_notified_at=at
        ):
            continue
        count += 1
        notify(
            loan.lent_by,
            event="registers.loan.overdue",
            title=gettext_lazy("{item} lent to {borrower} is not back"),
            params={"item": loan.item, "borrower": loan.borrower},
            url=reverse("registers:loans"),
            unit=loan.unit,
        )
    return count
