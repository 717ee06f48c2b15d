"""Register rules: stock-take schedule and losses (INS-07), machine-room entries and lent-out
items (SEC-04). Pure: facts and policy numbers in, a decision out."""

from datetime import date, datetime, timedelta


def stocktake_due_dates(first: date, last: date, per_month: int) -> list[date]:
    """INS-07: `ins.stocktake_per_month` counts per community, spread evenly over the month;
    each is due at the end of its share (once a month: the month's last day; twice: the middle
    and the end)."""
    if per_month < 1:
        raise ValueError("per_month must be at least 1")
    days = (last - first).days + 1
    per_month = min(per_month, days)
    return [first + timedelta(days=-(-k * days // per_month) - 1) for k in range(1, per_month + 1)]


def shortfall(expected: int, counted: int) -> int:
    """INS-07: what is missing (a loss); a surplus is not a loss."""
    return max(expected - counted, 0)


def stocktake_overdue(due_on: date, done: bool, today: date) -> bool:
    """INS-07: a stock-take not counted by the end of its due day is overdue."""
    return not done and today > due_on


def loss_can_close(has_receipt: bool) -> bool:
    """INS-07: a loss is closed only once the police case receipt (接受案件回执单) is archived."""
    return has_receipt


def entry_times_valid(time_in: datetime, time_out: datetime | None) -> bool:
    """SEC-04: leaving cannot come before entering."""
    return time_out is None or time_out >= time_in


def loan_overdue(due_back: datetime, returned_at: datetime | None, at: datetime) -> bool:
    """SEC-04: a lent-out item not returned by its due time is overdue."""
    return returned_at is None and at > due_back


def must_sign_agreement(*, works_at_client: bool, is_staff: bool, active: bool) -> bool:
    """SEC-01: every active member of staff working at a client site signs a confidentiality
    agreement."""
    return active and is_staff and works_at_client


def may_decide(*, approver_id: int, decider_id: int, applicant_id: int, pending: bool) -> bool:
    """SEC-02/SEC-03: only the named approver decides a pending request, never the applicant."""
    return pending and decider_id == approver_id and decider_id != applicant_id
