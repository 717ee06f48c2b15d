"""Requests and approvals (REQ-01..11, ATT-09): one named write path per operation.

Each operation runs in a transaction, asks `leave.rules` for the decisions, writes an audit
entry and schedules its side effects (notifications, attendance recomputation) on commit.
`by` is the acting User or Person; the applicant is always a Person.

    submit.py      submit_request: the checks of filing and the approval chain
    decisions.py   approve_step, reject_step, withdraw_request
    followup.py    assign_cover (REQ-10), submit_trip_report and its reminder (REQ-07)
    approvers.py   who approves: roles of the chain resolved to people
    common.py      policy, calendar, notifications and attendance work on commit
"""

from leave.services.approvers import APPROVER_LABELS, resolve_approver
from leave.services.common import (
    ATTACHMENT_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    request_policy,
    request_url,
)
from leave.services.decisions import approve_step, reject_step, withdraw_request
from leave.services.followup import (
    assign_cover,
    remind_trip_report,
    submit_trip_report,
    trip_report_due,
)
from leave.services.submit import submit_request

__all__ = [
    "APPROVER_LABELS",
    "ATTACHMENT_SUFFIXES",
    "MAX_ATTACHMENT_BYTES",
    "approve_step",
    "assign_cover",
    "reject_step",
    "remind_trip_report",
    "request_policy",
    "request_url",
    "resolve_approver",
    "submit_request",
    "submit_trip_report",
    "trip_report_due",
    "withdraw_request",
]
