"""Display helpers for request pages."""

from django import template

from leave.rules import Approver
from leave.services import APPROVER_LABELS

register = template.Library()


@register.filter
def basis_label(basis: str) -> str:
    """ "REQ-01 group_leader; REQ-09 client_pic" -> "REQ-01 group leader; REQ-09 client's ..."."""
    parts = []
    for part in (basis or "").split(";"):
        rule_id, _sep, who = part.strip().partition(" ")
        label = APPROVER_LABELS.get(Approver(who)) if who in Approver._value2member_map_ else who
        parts.append(f"{rule_id} {label}".strip())
    return "; ".join(parts)
