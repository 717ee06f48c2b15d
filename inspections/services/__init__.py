"""Inspection operations, one module per sub-domain. Import from here:
`from inspections.services import generate_tickets, submit_answers, ...`."""

from inspections.services.assets import save_asset
from inspections.services.checklists import (
    add_item,
    create_checklist,
    move_item,
    new_version,
    publish_checklist,
    remove_item,
    template_for,
)
from inspections.services.common import (
    MAX_PHOTO_BYTES,
    area_supervisor_for,
    responsible_engineer_for,
    station_of,
)
from inspections.services.plans import (
    generate_tickets,
    generate_upcoming,
    per_period_of,
    raise_special_inspections,
    save_plan,
)
from inspections.services.spotchecks import record_spot_check, sample_for_spot_check
from inspections.services.tickets import (
    decide_skip,
    may_decide_skip,
    open_repair_order,
    request_skip,
    submit_answers,
    ticket_url,
)

__all__ = [
    "MAX_PHOTO_BYTES",
    "add_item",
    "area_supervisor_for",
    "create_checklist",
    "decide_skip",
    "generate_tickets",
    "generate_upcoming",
    "may_decide_skip",
    "move_item",
    "new_version",
    "open_repair_order",
    "per_period_of",
    "publish_checklist",
    "raise_special_inspections",
    "record_spot_check",
    "remove_item",
    "request_skip",
    "responsible_engineer_for",
    "sample_for_spot_check",
    "save_asset",
    "save_plan",
    "station_of",
    "submit_answers",
    "template_for",
    "ticket_url",
]
