"""The days of a person's month as the attendance pages show them: each day's judgement with
its evidence, corrections and facts (ATT-01..08), the month grid and its links."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from attendance.models import DayJudgement, DayStatus
from attendance.queries import (
    provisional_days,
    proxy_signings_for,
    stored_days,
)
from core.clock import month_bounds
from core.models import CalendarDay
from core.policy import policy_for
from core.workcalendar import WorkCalendar

RULE_LABELS = {
    "ATT-01": gettext_lazy("Work schedule"),
    "ATT-02": gettext_lazy("Signing by the person; proxy signing; make-up punch needed"),
    "ATT-03": gettext_lazy("Notice level"),
    "ATT-04": gettext_lazy("Late arrival"),
    "ATT-05": gettext_lazy("Cumulative late minutes"),
    "ATT-06": gettext_lazy("Early leave"),
    "ATT-07": gettext_lazy("Monthly summary"),
    "ATT-08": gettext_lazy("Holidays and adjusted working days"),
    "REQ-01": gettext_lazy("Approved leave"),
    "REQ-04": gettext_lazy("No punch and no approved request: absence"),
    "REQ-07": gettext_lazy("Approved business trip"),
    "REQ-08": gettext_lazy("Approved secondment"),
}
FINE_LABELS = {
    "late_each": gettext_lazy("Late arrivals beyond the free ones"),
    "late_absence": gettext_lazy("Late beyond the absence limit (fined double)"),
    "late_band": gettext_lazy("Cumulative late minutes (band)"),
    "early_each": gettext_lazy("Early leaves"),
}
# Column heads of a month grid on a phone: one or two characters (一 二 … in Chinese).
WEEKDAY_SHORT = [
    pgettext_lazy("weekday, short", "Mo"),
    pgettext_lazy("weekday, short", "Tu"),
    pgettext_lazy("weekday, short", "We"),
    pgettext_lazy("weekday, short", "Th"),
    pgettext_lazy("weekday, short", "Fr"),
    pgettext_lazy("weekday, short", "Sa"),
    pgettext_lazy("weekday, short", "Su"),
]
CHECKPOINT_RE = re.compile(r"^(in|out)(\d+)$")  # evidence["used"] keys: in0, out0, in1 ...
CHECKPOINT_LABELS = {"in": gettext_lazy("sign-in"), "out": gettext_lazy("sign-out")}
CORRECTION_FIELDS = [
    ("status", DayJudgement._meta.get_field("status").verbose_name),
    ("late_minutes", DayJudgement._meta.get_field("late_minutes").verbose_name),
    ("early_minutes", DayJudgement._meta.get_field("early_minutes").verbose_name),
    ("missing_in", DayJudgement._meta.get_field("missing_in").verbose_name),
    ("missing_out", DayJudgement._meta.get_field("missing_out").verbose_name),
    ("absent_days", DayJudgement._meta.get_field("absent_days").verbose_name),
    ("leave_days", DayJudgement._meta.get_field("leave_days").verbose_name),
    ("trip_days", DayJudgement._meta.get_field("trip_days").verbose_name),
]


# --- showing a day --------------------------------------------------------------------------------


@dataclass
class DayView:
    """One day of a person as shown: the judgement, the rules and the evidence behind it."""

    date: date
    kind: str  # working calendar: workday | rest | holiday
    kind_label: str
    calendar_name: str = ""
    calendar_source: str = ""
    status: str = ""
    status_label: str = ""
    judged: Any = None
    rules: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[tuple[str, str]] = field(default_factory=list)
    correction: list[dict] = field(default_factory=list)  # field, label, old, new
    facts: list[str] = field(default_factory=list)  # late 15 min, missing sign-out ×1, ...
    checkpoints: list[dict] = field(default_factory=list)  # today: each sign-in/out, done or due
    in_progress: bool = False  # today with sign-ins/outs still to come
    provisional: bool = False  # computed now, not stored
    so_far: bool = False  # today: the day is not over
    locked: bool = False
    future: bool = False
    in_month: bool = True

    @property
    def css(self) -> str:
        return f"st-{self.status}" if self.status else f"st-none day-{self.kind}"

    @property
    def weekday(self) -> int:
        return self.date.weekday()


def _hhmm(value: str) -> str:
    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%H:%M")
    except (TypeError, ValueError):
        return str(value)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal | float):
        return f"{Decimal(value):.1f}".rstrip("0").rstrip(".")
    text = str(value)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return text.rstrip("0").rstrip(".")
    return text


def _evidence_lines(evidence: dict, extra: dict) -> list[tuple[str, str]]:
    """The day's evidence in words: calendar, schedule blocks, punches used, requests, proxy."""
    lines: list[tuple[str, str]] = []
    if evidence.get("calendar"):
        lines.append((_("Calendar"), evidence["calendar"]))
    if evidence.get("schedule"):
        blocks = ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in evidence["schedule"])
        lines.append((_("Schedule"), blocks))
    punches = evidence.get("punches") or []
    lines.append((_("Punches"), ", ".join(_hhmm(p) for p in punches) if punches else _("none")))
    used = evidence.get("used") or {}
    if used:
        checkpoints = sorted(
            (int(m[2]), m[1] == "out", m[1], value)
            for key, value in used.items()
            if (m := CHECKPOINT_RE.match(key))
        )
        parts = [
            _("{checkpoint} {n}: {time}").format(
                checkpoint=CHECKPOINT_LABELS[kind], n=index + 1, time=_hhmm(value)
            )
            for index, _out, kind, value in checkpoints
        ]
        lines.append((_("Punches used"), "; ".join(parts)))
    for request_id in evidence.get("requests") or []:
        request = extra.get("requests", {}).get(request_id)
        if request is None:
            text = _("Request #{id}").format(id=request_id)
        else:
            kind = request.get_kind_display()
            if request.leave_type_id:
                kind = f"{kind}: {request.leave_type.name}"
            text = _("Request #{id} ({kind}), approved").format(id=request_id, kind=kind)
        lines.append((_("Request"), text))
    if evidence.get("proxy_signing"):
        names = extra.get("proxy", [])
        lines.append(
            (
                _("Proxy signing"),
                "; ".join(names) if names else _("A confirmed proxy signing is recorded."),
            )
        )
    return lines


def _correction_lines(judgement: DayJudgement) -> list[dict]:
    if not judgement.correction:
        return []
    lines = []
    for name, label in CORRECTION_FIELDS:
        old, new = getattr(judgement, name), judgement.correction.get(name)
        if new is None or _plain(old) == _plain(new):
            continue
        if name == "status":
            old, new = (
                DayStatus(old).label,
                DayStatus(new).label if new in DayStatus.values else new,
            )
        lines.append({"field": name, "label": str(label), "old": _plain(old), "new": _plain(new)})
    return lines


def _facts(judged, *, in_progress: bool = False) -> list[str]:
    """The day's figures in words, for the line under its status. While the day is in progress
    a missing punch or an absence is not a fact yet."""
    facts = []
    if judged.late_minutes:
        text = _("late {minutes} min").format(minutes=judged.late_minutes)
        facts.append(_("{text} (serious)").format(text=text) if judged.serious_late else text)
    if judged.absent_late:
        facts.append(_("late beyond the absence limit"))
    if judged.early_minutes:
        facts.append(_("early leave {minutes} min").format(minutes=judged.early_minutes))
    if in_progress:
        return facts
    if judged.missing_in:
        facts.append(_("missing sign-in ×{count}").format(count=judged.missing_in))
    if judged.missing_out:
        facts.append(_("missing sign-out ×{count}").format(count=judged.missing_out))
    for value, message in (
        (judged.absent_days, _("absent {days} day")),
        (judged.leave_days, _("leave {days} day")),
        (judged.trip_days, _("trip {days} day")),
    ):
        if value:
            facts.append(message.format(days=_plain(value)))
    return facts


def _checkpoints(evidence: dict, now: datetime) -> list[dict]:
    """Today's sign-ins and sign-outs from the schedule: punched, missed or still due."""
    used = evidence.get("used") or {}
    points = []
    for index, (start, end) in enumerate(evidence.get("schedule") or []):
        for kind, moment in (("in", start), ("out", end)):
            punched = used.get(f"{kind}{index}")
            due = datetime.fromisoformat(moment)
            state = "done" if punched else ("due" if due > now else "missed")
            points.append(
                {
                    "label": _("{checkpoint} {n}").format(
                        checkpoint=CHECKPOINT_LABELS[kind], n=index + 1
                    ),
                    "time": _hhmm(moment),
                    "punched": _hhmm(punched) if punched else "",
                    "state": state,
                }
            )
    return points


def _day_view(
    info, judged, *, provisional: bool, today: date, extra: dict, now: datetime | None = None
) -> DayView:
    view = DayView(
        date=info.date,
        kind=info.kind,
        kind_label=str(CalendarDay.Kind(info.kind).label),
        calendar_name=info.name,
        calendar_source=info.source,
        future=info.date > today,
        so_far=info.date == today,
        provisional=provisional,
    )
    if judged is None:
        return view
    view.judged = judged
    view.status = judged.status
    view.status_label = str(DayStatus(judged.status).label)
    view.rules = [(r, str(RULE_LABELS.get(r, ""))) for r in judged.rule_ids]
    view.facts = _facts(judged)
    view.evidence = _evidence_lines(
        judged.evidence,
        {
            "requests": extra.get("requests", {}),
            "proxy": extra.get("proxy", {}).get(info.date, []),
        },
    )
    if isinstance(judged, DayJudgement):
        view.locked = judged.locked
        view.correction = _correction_lines(judged)
    if view.so_far and now is not None:
        view.checkpoints = _checkpoints(judged.evidence, now)
        # A sign-in or sign-out still to come is not missing yet: until then the day is in
        # progress, and neither absent nor missing. Lateness, a late absence (ATT-04) and a
        # proxy signing (ATT-02) are facts already.
        settled = judged.absent_late or judged.evidence.get("proxy_signing")
        if any(p["state"] == "due" for p in view.checkpoints) and not settled:
            view.in_progress = True
            view.facts = _facts(judged, in_progress=True)
            view.rules = [(r, label) for r, label in view.rules if r not in {"REQ-04", "ATT-02"}]
            if view.status in {DayStatus.ABSENT, DayStatus.MISSING}:
                view.status, view.status_label = "", _("In progress")
    return view


def month_days(person, month: date, today: date, now: datetime | None = None) -> list[DayView]:
    """Every day of the person's month: the stored judgement, or one computed now (marked as
    provisional) for a past day not judged yet and for today so far."""
    first, last = month_bounds(month)
    stored = stored_days(person, first, last)
    missing = [d for d in _dates(first, min(last, today)) if d not in stored or d == today]
    provisional = provisional_days(person, min(missing), max(missing)) if missing else {}
    request_ids = {
        rid
        for j in [*stored.values(), *provisional.values()]
        for rid in (j.evidence.get("requests") or [])
    }
    extra = {"requests": _requests(request_ids), "proxy": _proxy_names(person, month)}
    calendar_ = WorkCalendar(
        first, last, use_cn_calendar=policy_for(None, on=last)["att.cn_calendar"]
    )
    days = []
    for day in _dates(first, last):
        info = calendar_.day(day)
        judged = stored.get(day)
        is_provisional = judged is None and day in provisional
        if judged is None:
            judged = provisional.get(day)
        days.append(
            _day_view(info, judged, provisional=is_provisional, today=today, extra=extra, now=now)
        )
    return days


def _dates(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _requests(ids) -> dict:
    if not ids:
        return {}
    from leave.models import Request  # leave builds on attendance

    return {r.pk: r for r in Request.objects.filter(pk__in=ids).select_related("leave_type")}


def _proxy_names(person, month: date) -> dict[date, list[str]]:
    from people.models import Person

    names: dict[date, list[str]] = {}
    for proxy in proxy_signings_for(Person.objects.filter(pk=person.pk), month):
        names.setdefault(proxy.date, []).append(
            _("{signer} signed for {signee}").format(signer=proxy.signer, signee=proxy.signee)
        )
    return names


def weeks_of(days: list[DayView]) -> list[list[DayView | None]]:
    """The days as calendar weeks, Monday first, padded with None."""
    if not days:
        return []
    cells: list[DayView | None] = [None] * days[0].weekday + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def _weekday_names() -> list[str]:
    return [str(name) for name in WEEKDAY_SHORT]


def _month_links(month: date) -> dict[str, date]:
    first = month.replace(day=1)
    return {
        "previous": (first - timedelta(days=1)).replace(day=1),
        "next": (first + timedelta(days=32)).replace(day=1),
    }


def _leave_type_names() -> dict[str, str]:
    from leave.models import LeaveType  # leave builds on attendance

    english = translation.get_language() == "en"
    return {
        t.code: (t.name_en if english and t.name_en else t.name) for t in LeaveType.objects.all()
    }
