"""Callback and complaint operations (RULES §6–7): callback tasks and answers (`callbacks`,
CB-01, CB-02, BEH-01), complaints (`complaints`, CB-04, KPI-06, KPI-04) and the quarter's client
callback results (`quarter`, CB-02). Every change is audited."""

from callbacks.services.callbacks import (
    bring_ledger_in_line,
    generate_client_callbacks,
    mark_unreachable,
    open_callback,
    record_callback,
    sample_closed_orders,
)
from callbacks.services.complaints import register_complaint, reject_complaint, verify_complaint
from callbacks.services.quarter import send_quarter_results

__all__ = [
    "bring_ledger_in_line",
    "generate_client_callbacks",
    "mark_unreachable",
    "open_callback",
    "record_callback",
    "register_complaint",
    "reject_complaint",
    "sample_closed_orders",
    "send_quarter_results",
    "verify_complaint",
]
