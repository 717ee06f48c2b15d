"""Equipment stock-takes (INS-07): generating the due counts, recording a count, losses with the
police case receipt and their follow-up until closed."""

from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from core.policy import policy_for
from notifications.services import notify
from people.models import OrgUnit, Person
from people.roles import Role
from registers import rules
from registers.models import EquipmentItem, Loss, StockTake, StockTakeLine

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".webp"}
MAX_COUNT = 1_000_000


def acting_person(by: Any) -> Person:
    person = getattr(by, "person", by)
    if not isinstance(person, Person):
        raise DomainError(_("Only staff with a person record can do this."))
    return person


def station_managers_of(unit: OrgUnit) -> list[Person]:
    """The station managers above a unit (they see its overdue counts and losses)."""
    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    return list(
        Person.objects.filter(role=Role.STATION_MANAGER, active=True, unit_id__in=ancestors)
    )


def create_due_stocktakes(day: date) -> int:
    """INS-07: the stock-takes of the month containing `day` for every community that keeps
    equipment, `ins.stocktake_per_month` of them spread over the month, each with one line per
    item in use. Idempotent. Returns how many were created."""
    first, last = clock.month_bounds(day)
    now = clock.now()
    created = 0
    communities = OrgUnit.objects.filter(
        kind=OrgUnit.Kind.COMMUNITY, equipment__active=True
    ).distinct()
    for community in communities:
        per_month = policy_for(community.client_id, on=day)["ins.stocktake_per_month"]
        for due_on in rules.stocktake_due_dates(first, last, per_month):
            if StockTake.objects.filter(community=community, due_on=due_on).exists():
                continue
            try:
                with transaction.atomic():
                    stocktake = StockTake.objects.create(
                        community=community, due_on=due_on, created_at=now
                    )
                    StockTakeLine.objects.bulk_create(
                        StockTakeLine(
                            stocktake=stocktake, item=item, expected=item.expected_quantity
                        )
                        for item in EquipmentItem.objects.filter(community=community, active=True)
                    )
            except IntegrityError:  # another worker created it meanwhile
                continue
            created += 1
    return created


def _parse_count(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or int(text) > MAX_COUNT:
        raise ValueError
    return int(text)


@transaction.atomic
def record_count(
    stocktake: StockTake, *, by: Any, counts: dict[int, Any], notes: dict[int, str] | None = None
) -> StockTake:
    """INS-07: record the counted quantity of every line. A shortfall becomes a loss to report to
    the police; the station managers are told. Every line must be counted; nothing is stored when
    one count is wrong."""
    person = acting_person(by)
    stocktake = StockTake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.status != StockTake.Status.OPEN:
        raise DomainError(_("This stock-take has already been counted."))
    notes = notes or {}
    lines = list(stocktake.lines.select_related("item"))
    known = {line.pk for line in lines}
    errors: dict[str, str] = {}
    for line_id in set(counts) | set(notes):
        if line_id not in known:
            errors[f"line_{line_id}"] = _("This line does not belong to the stock-take.")
    parsed: dict[int, int] = {}
    for line in lines:
        try:
            parsed[line.pk] = _parse_count(counts.get(line.pk))
        except ValueError:
            errors[f"line_{line.pk}"] = _("Enter the counted quantity as a whole number.")
    if errors:
        raise ValidationErrors(errors)
    now = clock.now()
    losses = []
    for line in lines:
        line.counted = parsed[line.pk]
        line.note = str(notes.get(line.pk, ""))[:300]
        line.save(update_fields=["counted", "note"])
        missing = rules.shortfall(line.expected, line.counted)
        if missing:
            losses.append(
                Loss.objects.create(
                    line=line,
                    stocktake=stocktake,
                    quantity=missing,
                    recorded_at=now,
                    recorded_by=person,
                )
            )
    stocktake.status = StockTake.Status.DONE
    stocktake.counted_by = person
    stocktake.counted_at = now
    stocktake.save(update_fields=["status", "counted_by", "counted_at"])
    audit.record(
        stocktake,
        "registers.stocktake.counted",
        by=by,
        data={
            "rule": "INS-07",
            "lines": {str(line.pk): [line.expected, line.counted] for line in lines},
            "losses": [loss.pk for loss in losses],
        },
    )
    for loss in losses:
        audit.record(loss, "registers.loss.recorded", by=by, data={"quantity": loss.quantity})
        for manager in station_managers_of(stocktake.community):
            notify(
                manager,
                event="registers.loss.recorded",
                title=gettext_lazy("Equipment missing in {community}: {item} × {quantity}"),
                params={
                    "community": stocktake.community.name,
                    "item": str(loss.line.item),
                    "quantity": loss.quantity,
                },
                url=reverse("registers:loss", args=[loss.pk]),
                unit=stocktake.community,
            )
    return stocktake


def _check_file(upload: Any) -> None:
    if not upload:
        raise DomainError(_("Upload the police case receipt."), field="police_receipt")
    if Path(getattr(upload, "name", "")).suffix.lower() not in FILE_SUFFIXES:
        raise DomainError(
            _("Attach a PDF or a photo (JPG, PNG, HEIC, WebP)."), field="police_receipt"
        )
    if (getattr(upload, "size", 0) or 0) > MAX_FILE_BYTES:
        raise DomainError(_("The attachment is larger than 10 MB."), field="police_receipt")


def _note(loss: Loss, by: Person, text: str, at) -> None:
    loss.follow_up = [*loss.follow_up, {"at": at.isoformat(), "by": by.name, "note": text}]


@transaction.atomic
def file_police_receipt(loss: Loss, *, by: Any, receipt: Any, case_no: str = "") -> Loss:
    """INS-07: archive the police case receipt (接受案件回执单) of a loss."""
    person = acting_person(by)
    loss = Loss.objects.select_for_update().get(pk=loss.pk)
    if loss.status == Loss.Status.CLOSED:
        raise DomainError(_("This loss is closed."))
    _check_file(receipt)
    case_no = str(case_no or "").replace("\x00", "").strip()
    if len(case_no) > 60:
        raise DomainError(_("At most 60 characters."), field="police_case_no")
    now = clock.now()
    loss.police_receipt.save(Path(receipt.name).name, receipt, save=False)
    loss.police_case_no = case_no
    loss.status = Loss.Status.REPORTED
    loss.reported_at = now
    _note(loss, person, _("Police case receipt archived."), now)
    loss.save()
    audit.record(loss, "registers.loss.reported", by=by, data={"case_no": case_no})
    return loss


@transaction.atomic
def add_follow_up(loss: Loss, *, by: Any, note: str, close: bool = False) -> Loss:
    """INS-07: a follow-up note on a loss (recovered, written off, ...); `close` ends it, which
    needs the police case receipt archived first."""
    person = acting_person(by)
    loss = Loss.objects.select_for_update().get(pk=loss.pk)
    if loss.status == Loss.Status.CLOSED:
        raise DomainError(_("This loss is closed."))
    text = str(note or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(_("Write what was done."), field="note")
    if len(text) > 1000:
        raise DomainError(_("At most 1000 characters."), field="note")
    if close and not rules.loss_can_close(bool(loss.police_receipt)):
        raise DomainError(
            _("Archive the police case receipt before closing the loss."), field="police_receipt"
        )
    now = clock.now()
    _note(loss, person, text, now)
    if close:
        loss.status = Loss.Status.CLOSED
        loss.closed_at = now
    loss.save()
    audit.record(
        loss,
        "registers.loss.closed" if close else "registers.loss.followed_up",
        by=by,
        data={"note": text},
    )
    return loss


def notify_overdue_stocktakes(today: date) -> int:
    """INS-07: tell the station managers once about each stock-take past its due day."""
    count = 0
    overdue = StockTake.objects.filter(
        status=StockTake.Status.OPEN, due_on__lt=today, overdue_notified_at__isnull=True
    ).select_related("community")
    for stocktake in overdue:
        claimed = StockTake.objects.filter(
            pk=stocktake.pk, overdue_notified_at__isnull=True
        ).update(overdue_notified_at=clock.now())
        if not claimed:
            continue
        count += 1
        for manager in station_managers_of(stocktake.community):
            notify(
                manager,
                event="registers.stocktake.overdue",
                title=gettext_lazy("Stock-take of {community} due {due} is overdue"),
                params={"community": stocktake.community.name, "due": stocktake.due_on},
                url=reverse("registers:stocktake", args=[stocktake.pk]),
                unit=stocktake.community,
            )
    return count


@transaction.atomic
def add_equipment(
    community: OrgUnit, *, by: Any, name: str, serial: str = "", expected_quantity: Any
) -> EquipmentItem:
    """INS-07: register equipment kept in a community; the next stock-takes count it."""
    acting_person(by)
    errors: dict[str, str] = {}
    if community.kind != OrgUnit.Kind.COMMUNITY:
        errors["community"] = _("Equipment is kept in a community.")
    name = str(name or "").replace("\x00", "").strip()
    serial = str(serial or "").replace("\x00", "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 120:
        errors["name"] = _("At most {n} characters.").format(n=120)
    if len(serial) > 60:
        errors["serial"] = _("At most {n} characters.").format(n=60)
    try:
        quantity = _parse_count(expected_quantity)
        if quantity < 1:
            raise ValueError
    except ValueError:
        errors["expected_quantity"] = _("Enter a whole number of at least 1.")
        quantity = 0
    if errors:
        raise ValidationErrors(errors)
    item = EquipmentItem.objects.create(
        community=community, name=name, serial=serial, expected_quantity=quantity
    )
    audit.record(item, "registers.equipment.added", by=by, data={"rule": "INS-07"})
    return item


@transaction.atomic
def retire_equipment(item: EquipmentItem, *, by: Any) -> EquipmentItem:
    """INS-07: equipment no longer kept is left out of later stock-takes (its history stays)."""
    acting_person(by)
    if item.active:
        item.active = False
        item.save(update_fields=["active"])
        audit.record(item, "registers.equipment.retired", by=by, data={"rule": "INS-07"})
    return item
