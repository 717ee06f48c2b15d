"""Assets: saved with their station and responsible engineer filled in from the organisation."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from inspections.models import Asset, AssetKind
from inspections.services.common import responsible_engineer_for, station_of


@transaction.atomic
def save_asset(asset: Asset, *, by) -> Asset:
    """Create or change an asset. Empty station: the station above its location; empty engineer:
    the engineer whose responsibility zone holds the location."""
    if asset.kind not in AssetKind.values:
        raise DomainError(_("Choose the asset type."), field="kind")
    if not (asset.name or "").strip():
        raise DomainError(_("Name the asset."), field="name")
    if asset.unit_id is None:
        raise DomainError(_("Choose the location."), field="unit")
    if asset.station_id is None:
        asset.station = station_of(asset.unit)
    if asset.engineer_id is None:
        asset.engineer = responsible_engineer_for(asset.unit)
    if asset.client_id is None:
        asset.client_id = asset.unit.client_id
    created = asset.pk is None
    before = {} if created else audit.snapshot(Asset.objects.get(pk=asset.pk))
    asset.save()
    audit.record(
        asset,
        "inspections.asset.created" if created else "inspections.asset.changed",
        by=by,
        changes=audit.diff(before, audit.snapshot(asset)),
    )
    return asset
