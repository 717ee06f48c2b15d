"""Checklists as data (INS-09): per client and asset type, versioned. Only a draft is edited;
publishing retires the version before it, and tickets keep the version they were made with."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from inspections.models import AssetKind, ChecklistItem, ChecklistTemplate, ItemKind

Status = ChecklistTemplate.Status


def template_for(client_id: int | None, asset_kind: str) -> ChecklistTemplate | None:
    """The published checklist of the client for the asset type, else the default one."""
    found = (
        ChecklistTemplate.objects.filter(asset_kind=asset_kind, status=Status.PUBLISHED)
        .filter(Q(client_id=client_id) | Q(client__isnull=True))
        .order_by("-version")
    )
    templates = list(found)
    own = [t for t in templates if t.client_id == client_id and client_id is not None]
    return (own or [t for t in templates if t.client_id is None] or [None])[0]


def _draft_only(template: ChecklistTemplate) -> None:
    if template.status != Status.DRAFT:
        raise DomainError(
            _("A published checklist is not changed: start a new version."), field="status"
        )


@transaction.atomic
def create_checklist(
    *, by, name: str, asset_kind: str, client=None, rule_id: str = ""
) -> ChecklistTemplate:
    if asset_kind not in AssetKind.values:
        raise DomainError(_("Choose the asset type."), field="asset_kind")
    if not name.strip():
        raise DomainError(_("Name the checklist."), field="name")
    last = ChecklistTemplate.objects.filter(asset_kind=asset_kind, client=client).aggregate(
        v=Max("version")
    )["v"]
    template = ChecklistTemplate.objects.create(
        name=name.strip()[:120],
        asset_kind=asset_kind,
        client=client,
        rule_id=rule_id,
        version=(last or 0) + 1,
    )
    audit.record(template, "inspections.checklist.created", by=by)
    return template


@transaction.atomic
def add_item(
    template: ChecklistTemplate,
    *,
    by,
    label: str,
    kind: str,
    required: bool = True,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    unit_label: str = "",
    rule_id: str = "",
) -> ChecklistItem:
    _draft_only(template)
    errors = {}
    if not label.strip():
        errors["label"] = _("Describe the item.")
    if kind not in ItemKind.values:
        errors["kind"] = _("Choose the answer type.")
    if kind != ItemKind.NUMBER and (min_value is not None or max_value is not None):
        errors["min_value"] = _("Only a number item has limits.")
    if min_value is not None and max_value is not None and min_value > max_value:
        errors["max_value"] = _("The maximum is below the minimum.")
    if errors:
        raise ValidationErrors(errors)
    position = (template.items.aggregate(p=Max("position"))["p"] or 0) + 1
    item = ChecklistItem.objects.create(
        template=template,
        position=position,
        label=label.strip()[:200],
        kind=kind,
        required=required,
        min_value=min_value,
        max_value=max_value,
        unit_label=unit_label[:20],
        rule_id=rule_id[:10],
    )
    audit.record(template, "inspections.checklist.item_added", by=by, data={"item": item.label})
    return item


@transaction.atomic
def remove_item(item: ChecklistItem, *, by) -> None:
    template = item.template
    _draft_only(template)
    label = item.label
    item.delete()
    audit.record(template, "inspections.checklist.item_removed", by=by, data={"item": label})


@transaction.atomic
def move_item(item: ChecklistItem, *, by, up: bool) -> None:
    """Swap the item with its neighbour above (up) or below; positions are renumbered 1..n."""
    template = item.template
    _draft_only(template)
    items = list(template.items.order_by("position", "pk"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, it in enumerate(items, start=1):
        if it.position != position:
            ChecklistItem.objects.filter(pk=it.pk).update(position=position)
    audit.record(
        template, "inspections.checklist.item_moved", by=by, data={"item": item.label, "up": up}
    )


@transaction.atomic
def publish_checklist(template: ChecklistTemplate, *, by) -> ChecklistTemplate:
    """Publish a draft; the version published before it is retired (its tickets keep it)."""
    _draft_only(template)
    if not template.items.exists():
        raise DomainError(_("Add at least one item before publishing."), field="items")
    retired = ChecklistTemplate.objects.filter(
        asset_kind=template.asset_kind, client=template.client_id, status=Status.PUBLISHED
    ).exclude(pk=template.pk)
    retired_versions = list(retired.values_list("version", flat=True))
    retired.update(status=Status.RETIRED)
    template.status = Status.PUBLISHED
    template.published_at = clock.now()
    template.save(update_fields=["status", "published_at"])
    audit.record(
        template,
        "inspections.checklist.published",
        by=by,
        data={"version": template.version, "retired": retired_versions},
    )
    return template


@transaction.atomic
def new_version(template: ChecklistTemplate, *, by) -> ChecklistTemplate:
    """A draft copy of a checklist with the next version number, to edit and publish."""
    last = ChecklistTemplate.objects.filter(
        asset_kind=template.asset_kind, client=template.client_id
    ).aggregate(v=Max("version"))["v"]
    draft = ChecklistTemplate.objects.filter(
        asset_kind=template.asset_kind, client=template.client_id, status=Status.DRAFT
    ).first()
    if draft is not None:
        return draft  # one draft at a time: go on editing it
    copy = ChecklistTemplate.objects.create(
        name=template.name,
        asset_kind=template.asset_kind,
        client=template.client,
        rule_id=template.rule_id,
        version=(last or 0) + 1,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=copy,
            position=item.position,
            label=item.label,
            kind=item.kind,
            required=item.required,
            min_value=item.min_value,
            max_value=item.max_value,
            unit_label=item.unit_label,
            rule_id=item.rule_id,
        )
        for item in template.items.all()
    )
    audit.record(
        copy, "inspections.checklist.new_version", by=by, data={"from_version": template.version}
    )
    return copy
