"""Callback and complaint decisions (RULES §6–7). Pure: values and policy in, decisions out."""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# CB-01: callbacks follow services done at the customer's home.
CALLBACK_ORDER_KINDS = ("install", "repair", "renewal")
SATISFACTION_SCORES = (1, 2, 3, 4, 5)


def sample_bucket(order_id: int) -> int:
    """A stable number 0–99 for an order: the same order always falls in the same bucket, so
    sampling again decides the same way (CB-01)."""
    digest = hashlib.sha256(f"crewdesk-callback:{order_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def is_sampled(order_id: int, kind: str, sample_percent: int) -> bool:
    """CB-01: a closed install, repair or renewal order gets a callback when its bucket is below
    the policy's `cb.callback_sample_percent` (100 = every order, 0 = none)."""
    if kind not in CALLBACK_ORDER_KINDS:
        return False
    return sample_bucket(order_id) < sample_percent


def unknown_codes(codes: Iterable[str], known: Iterable[str]) -> list[str]:
    """BEH-01: item codes not on the behaviour checklist."""
    known = set(known)
    return sorted({c for c in codes if c not in known})


def valid_satisfaction(score: object) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and score in SATISFACTION_SCORES


def complaint_rule(order_kind: str | None, renewal_late: bool) -> str:
    """Which rule a complaint verified as the employee's fault (CB-04) counts under.

    KPI-04: a renewal visit not made in time that led to the complaint (−0.5). Otherwise
    KPI-06 (−1). The specific rule replaces the general one: one complaint is one fact, never
    counted twice.
    """
    if order_kind == "renewal" and renewal_late:
        return "KPI-04"
    return "KPI-06"


def quarter_start(day: date) -> date:
    """First day of the quarter `day` falls in (CB-02 statistics, KPI-10)."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_months(start: date) -> list[date]:
    start = quarter_start(start)
    return [date(start.year, start.month + n, 1) for n in range(3)]


def quarter_end(start: date) -> date:
    """Last day of the quarter starting at `start`."""
    start = quarter_start(start)
    if start.month == 10:
        return date(start.year, 12, 31)
    return date(start.year, start.month + 3, 1) - timedelta(days=1)


def average_score(scores: Sequence[int]) -> Decimal | None:
    """Mean satisfaction to one decimal place; None when nobody answered."""
    if not scores:
        return None
    return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def client_callback_sequences(per_month: int) -> list[int]:
    """CB-02: the numbers of the month's client callbacks per engineer (1..N)."""
    return list(range(1, max(per_month, 0) + 1))
