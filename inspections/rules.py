"""Inspection rules (RULES §8, CB-03): plain values and policy in, decisions out. No ORM, no clock.

- Recurrence: periods (week, month, quarter), equal windows inside a period (INS-01: twice a month
  is the first and the second half), the planned and due day moved off rest days and holidays.
- Sampling (INS-03): how many junction boxes and users an engineer checks in a week, and which.
- Answers (INS-09 checklists): a number within its limits, a required photo present, a failed
  yes/no check is an anomaly (INS-04, INS-06, INS-08).
- Special inspections (INS-02) and spot-check sampling (CB-03).
"""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

WEEKLY, MONTHLY, QUARTERLY = "weekly", "monthly", "quarterly"
# The most inspections per asset a period can hold: one a day in its shortest form.
MAX_PER_PERIOD = {WEEKLY: 7, MONTHLY: 28, QUARTERLY: 90}

# Which policy parameter gives the number of inspections per period for a plan's rule.
PER_PERIOD_PARAM = {
    "INS-01": "ins.cafe_per_month",
    "INS-04": "ins.epon_per_month",
    "INS-05": "ins.household_per_quarter",
    "INS-06": "ins.monitoring_per_week",
}
# The frequency each rule asks for (a plan may choose another for a client's own checklist).
RULE_FREQUENCY = {
    "INS-01": MONTHLY,
    "INS-03": WEEKLY,
    "INS-04": MONTHLY,
    "INS-05": QUARTERLY,
    "INS-06": WEEKLY,
}

IsWorkday = Callable[[date], bool]


# --- periods and windows -------------------------------------------------------------------------


def period_bounds(frequency: str, day: date) -> tuple[date, date]:
    """The week (Monday–Sunday), month or quarter that `day` falls in."""
    if frequency == WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if frequency == MONTHLY:
        start = day.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if frequency == QUARTERLY:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        following = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
        return start, following - timedelta(days=1)
    raise ValueError(frequency)


def periods_between(frequency: str, start: date, end: date) -> list[tuple[date, date]]:
    """Every period that overlaps [start, end], in order."""
    periods = []
    day = start
    while day <= end:
        period = period_bounds(frequency, day)
        periods.append(period)
        day = period[1] + timedelta(days=1)
    return periods


def windows(start: date, end: date, count: int) -> list[tuple[date, date]]:
    """`count` consecutive windows of (nearly) equal length covering the period. INS-01 twice a
    month: 1st–15th and 16th–end, so the two visits of a café are about two weeks apart."""
    length = (end - start).days + 1
    if count < 1 or count > length:
        raise ValueError(count)
    bounds = [start + timedelta(days=(i * length) // count) for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1] - timedelta(days=1)) for i in range(count)]


@dataclass(frozen=True)
class Slot:
    window_start: date
    window_end: date
    planned_on: date  # the day the ticket enters the engineer's day
    due_on: date  # done by the end of this day


def schedule(window_start: date, window_end: date, is_workday: IsWorkday) -> Slot:
    """Planned on the window's first working day, due on its last (ATT-08 working calendar: no
    ticket is planned or due on a rest day or holiday, e.g. October's Golden Week). A window
    without any working day moves to the first working day after it."""
    workdays = [
        d
        for d in (
            window_start + timedelta(days=i) for i in range((window_end - window_start).days + 1)
        )
        if is_workday(d)
    ]
    if workdays:
        return Slot(window_start, window_end, workdays[0], workdays[-1])
    day = window_end + timedelta(days=1)
    for _i in range(60):  # a calendar never has two months without a working day
        if is_workday(day):
            break
        day += timedelta(days=1)
    return Slot(window_start, window_end, day, day)


def slots(
    frequency: str, per_period: int, start: date, end: date, is_workday: IsWorkday
) -> list[Slot]:
    """The slots of every window that overlaps [start, end]: a plan added mid-month still gets
    the window running today."""
    found = []
    for period_start, period_end in periods_between(frequency, start, end):
        for ws, we in windows(period_start, period_end, per_period):
            if ws <= end and we >= start:
                found.append(schedule(ws, we, is_workday))
    return found


def plannable(slot: Slot, today: date) -> bool:
    """A window whose due day has passed before its ticket is generated (a plan added late in
    the week, a worker that was down) is not planned: nobody can be on time for it, so it must
    not become a missed inspection."""
    return slot.due_on >= today


def recurrence_errors(
    frequency: str,
    per_period: int | None,
    *,
    sampled: bool = False,
    sample_min: int = 0,
    sample_max: int = 0,
) -> dict[str, str]:
    """What makes a recurrence impossible, per field (empty: it is possible)."""
    errors: dict[str, str] = {}
    if frequency not in MAX_PER_PERIOD:
        errors["frequency"] = _("Choose weekly, monthly or quarterly.")
        return errors
    if per_period is not None:
        most = MAX_PER_PERIOD[frequency]
        if per_period < 1 or per_period > most:
            errors["per_period"] = _(
                "A {frequency} plan holds between 1 and {most} inspections per period."
            ).format(frequency=frequency, most=most)
    if sampled and sample_min > sample_max:
        errors["sampled"] = _(
            "The sample's minimum ({low}) is above its maximum ({high}) in the policy (INS-03)."
        ).format(low=sample_min, high=sample_max)
    return errors


# --- INS-03 sampling -----------------------------------------------------------------------------


def sample_size(low: int, high: int, seed: str) -> int:
    """INS-03: between `low` and `high` (2–3 boxes, 3–5 users); the same seed gives the same size,
    so generating a week twice samples the same number."""
    if high <= low:
        return max(low, 0)
    return random.Random(seed).randint(low, high)


def pick_sample(candidates: Iterable[tuple[int, date | None]], size: int) -> list[int]:
    """The `size` candidates inspected least recently (never inspected first), then by id."""
    ordered = sorted(candidates, key=lambda c: (c[1] is not None, c[1] or date.min, c[0]))
    return [pk for pk, _last in ordered[: max(size, 0)]]


def spread_sample(ids: list[int], size: int, seed: str) -> list[int]:
    """INS-03 users: a reproducible random choice of `size` ids."""
    if size >= len(ids):
        return sorted(ids)
    return sorted(random.Random(seed).sample(sorted(ids), size))


# --- answers -------------------------------------------------------------------------------------

YES_NO, NUMBER, TEXT, PHOTO = "yes_no", "number", "text", "photo"


@dataclass(frozen=True)
class ItemSpec:
    label: str
    kind: str
    required: bool = True
    min_value: Decimal | None = None
    max_value: Decimal | None = None


@dataclass(frozen=True)
class Checked:
    value_bool: bool | None = None
    value_number: Decimal | None = None
    value_text: str = ""
    anomaly: bool = False


def check_answer(
    item: ItemSpec, raw: str | None, *, has_photo: bool, marked_anomaly: bool = False
) -> Checked:
    """One checklist answer (INS-09). Raises ValueError with the message for the item:
    a required answer missing, a number outside its limits, a required photo missing.
    A yes/no check answered "no" is an anomaly (e.g. INS-04 cable damaged, ageing or wet)."""
    raw = (raw or "").strip()
    if item.kind == YES_NO:
        if raw not in ("yes", "no"):
            if item.required or raw:
                raise ValueError(_("Answer yes or no."))
            return Checked(anomaly=marked_anomaly)
        ok = raw == "yes"
        return Checked(value_bool=ok, anomaly=marked_anomaly or not ok)
    if item.kind == NUMBER:
        if not raw:
            if item.required:
                raise ValueError(_("Enter a number."))
            return Checked(anomaly=marked_anomaly)
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("“{value}” is not a number.").format(value=raw[:20])) from None
        if not number.is_finite():
            raise ValueError(_("“{value}” is not a number.").format(value=raw[:20]))
        low, high = item.min_value, item.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(
                _("{value} is outside the limits {low} – {high}.").format(
                    value=_plain(number),
                    low=_plain(low) if low is not None else "…",
                    high=_plain(high) if high is not None else "…",
                )
            )
        return Checked(value_number=number, anomaly=marked_anomaly)
    if item.kind == PHOTO:
        if item.required and not has_photo:
            raise ValueError(_("A photo is required."))
        return Checked(value_text=raw[:1000], anomaly=marked_anomaly)
    if item.required and not raw:
        raise ValueError(_("This answer is required."))
    return Checked(value_text=raw[:1000], anomaly=marked_anomaly)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


# Photos: image types only, checked by their first bytes, not their name alone.
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic"}


def photo_problem(name: str, size: int, head: bytes, max_bytes: int) -> str | None:
    """Why an uploaded file is not an acceptable photo, or None."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in PHOTO_SUFFIXES:
        return _("Attach a photo (JPG, PNG, WebP or HEIC).")
    if size > max_bytes:
        return _("The photo is larger than {mb} MB.").format(mb=max_bytes // (1024 * 1024))
    is_image = (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[4:8] == b"ftyp"
    )
    if not is_image:
        return _("The file is not an image.")
    return None


# --- INS-02 and CB-03 -----------------------------------------------------------------------------


def special_inspection_due(fault_orders_that_day: int, threshold: int) -> bool:
    """INS-02: a café with at least `threshold` fault orders within a day gets a special
    inspection (mass disconnections, the same fault widely)."""
    return threshold > 0 and fault_orders_that_day >= threshold


def special_event_key(asset_id: int, day: date) -> str:
    """INS-02: one special inspection per café and day, however many more faults come in."""
    return f"INS-02:{asset_id}:{day.isoformat()}"


def in_spot_check_sample(ticket_id: int, percent: int | Decimal) -> bool:
    """CB-03: a random sample of `percent` % of done tickets; reproducible per ticket."""
    if percent <= 0:
        return False
    return random.Random(f"CB-03:{ticket_id}").random() * 100 < float(percent)


def completion_rate(done: int, planned: int) -> Decimal | None:
    """Done share of planned tickets as a percentage (KPI-10 input), None without any planned."""
    if planned <= 0:
        return None
    return (Decimal(done) * 100 / Decimal(planned)).quantize(Decimal("0.1"))
