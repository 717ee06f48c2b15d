"""Work-order operations: create, dispatch, each lifecycle step, the SLA sweep and the WO-05
chain. Each write is one transaction with a timeline event and an audit entry.

The modules: `common` (shared checks, events, deadlines, breach facts), `lifecycle` (create and
the steps), `dispatch`, `escalation` (WO-05 chain notices) and `sweep`. Import from here:
`from workorders.services import create_order`.
"""

from core import clock
from workorders.services.common import (
    STEP_LABELS,
    _breach,
    _check_step,
    _event,
    _lock,
    _order_url,
    _pending_deadlines,
    _save_and_schedule,
    chain_people,
    sla_policy,
    station_of,
)
from workorders.services.daily import (
    flag_missing_records,
    hand_in_daily,
    hand_in_states,
)
from workorders.services.dispatch import dispatch_order, on_leave_today
from workorders.services.escalation import _apply_chain, cs_notify_ops, ops_notify_station
from workorders.services.lifecycle import (
    _next_number,
    _report_critical,
    agree_appointment,
    close_order,
    create_order,
    escalate_to_tech,
    log_contact,
    mark_not_completed,
    take_step,
)
from workorders.services.sweep import sweep_order
from workorders.services.weekly import record_weekly_report, remind_weekly_reports
from workorders.services.wording import notice_for, record_notice, save_template, templates

__all__ = [
    "STEP_LABELS",
    "_apply_chain",
    "_breach",
    "_check_step",
    "_event",
    "_lock",
    "_next_number",
    "_order_url",
    "_pending_deadlines",
    "_report_critical",
    "_save_and_schedule",
    "agree_appointment",
    "chain_people",
    "clock",
    "close_order",
    "create_order",
    "cs_notify_ops",
    "dispatch_order",
    "escalate_to_tech",
    "flag_missing_records",
    "hand_in_daily",
    "hand_in_states",
    "log_contact",
    "mark_not_completed",
    "record_weekly_report",
    "remind_weekly_reports",
    "notice_for",
    "record_notice",
    "save_template",
    "templates",
    "on_leave_today",
    "ops_notify_station",
    "sla_policy",
    "station_of",
    "sweep_order",
    "take_step",
]
