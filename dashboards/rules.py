"""Pure decisions of the dashboards: which months a dashboard covers and how rates are worked out.
No ORM, no request, no clock: today is an argument."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.errors import ValidationErrors

# How many months a dashboard shows when no range is asked for, and the longest range one page
# may ask for. These are display settings of the dashboards, not numbers of the regulations.
DEFAULT_MONTHS = 12
MAX_MONTHS = 36


@dataclass(frozen=True)
class Period:
    """Whole months from `first` to `last` (both the first day of their month), inclusive."""

    first: date
    last: date

    @property
    def months(self) -> list[date]:
        return months_between(self.first, self.last)

    @property
    def end(self) -> date:
        """The first day after the period (an exclusive upper bound)."""
        return add_months(self.last, 1)

    def covers(self, month: date) -> bool:
        return self.first <= month <= self.last


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, inclusive, as first days."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def parse_month(value: str) -> date | None:
    """'2026-10' → date(2026, 10, 1); anything else → None."""
    try:
        year, month = (int(x) for x in value.strip().split("-"))
        if not 2000 <= year <= 2100:
            return None
        return date(year, month, 1)
    except (ValueError, AttributeError):
        return None


def period_for(start: str | None, end: str | None, *, today: date) -> Period:
    """The months a dashboard shows: `start`..`end` as YYYY-MM, by default the last
    DEFAULT_MONTHS months up to and including this one. A missing start counts back from the end;
    a missing end is this month. Bad input is a field error, never a silent default."""
    errors: dict[str, str] = {}
    last = today.replace(day=1)
    if end:
        parsed = parse_month(end)
        if parsed is None:
            errors["to"] = _("Give the last month as YYYY-MM.")
        else:
            last = parsed
    first = add_months(last, -(DEFAULT_MONTHS - 1))
    if start:
        parsed = parse_month(start)
        if parsed is None:
            errors["from"] = _("Give the first month as YYYY-MM.")
        else:
            first = parsed
    if not errors and first > last:
        errors["from"] = _("The first month is after the last month.")
    if not errors and len(months_between(first, last)) > MAX_MONTHS:
        errors["from"] = _("Show at most {count} months at a time.").format(count=MAX_MONTHS)
    if errors:
        raise ValidationErrors(errors)
    return Period(first, last)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part/whole as a percentage with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def average(counts: dict[int, int]) -> Decimal | None:
    """The mean of scores given as {score: how many}, two decimals (CB-01 satisfaction 1–5)."""
    total = sum(counts.values())
    if not total:
        return None
    weighted = sum(score * n for score, n in counts.items())
    return (Decimal(weighted) / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)
