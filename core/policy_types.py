"""Types of policy parameters: how a value is parsed, checked and shown."""

import enum
import re
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.errors import DomainError


class Kind(enum.StrEnum):
    COUNT = "count"
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    MONEY = "money"
    POINTS = "points"
    PERCENT = "percent"
    WEEKDAY = "weekday"
    TIME = "time"
    BOOL = "bool"


# Unit labels carry the context "unit": "days" as a unit (天) differs from "days" as a
# field label (天数) elsewhere.
UNITS = {
    Kind.COUNT: pgettext_lazy("unit", "times"),
    Kind.MINUTES: pgettext_lazy("unit", "min"),
    Kind.HOURS: pgettext_lazy("unit", "h"),
    Kind.DAYS: pgettext_lazy("unit", "days"),
    Kind.MONEY: pgettext_lazy("unit", "CNY"),
    Kind.POINTS: pgettext_lazy("unit", "points"),
    Kind.PERCENT: "%",
    Kind.WEEKDAY: pgettext_lazy("unit", "weekday"),
    Kind.TIME: pgettext_lazy("unit", "hh:mm"),
    Kind.BOOL: pgettext_lazy("unit", "on/off"),
}

INTEGER_KINDS = {Kind.COUNT, Kind.MINUTES, Kind.HOURS, Kind.PERCENT, Kind.WEEKDAY}
DECIMAL_KINDS = {Kind.DAYS, Kind.MONEY, Kind.POINTS}
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ParamSpec:
    key: str
    rule_id: str
    kind: Kind
    default: Any
    description: Any  # lazy translation
    minimum: Any = None
    maximum: Any = None

    @property
    def unit(self) -> str:
        return str(UNITS[self.kind])

    def parse(self, raw: Any) -> Any:
        """Turn an input (form string, JSON value) into the stored value, or raise DomainError.

        Stored values are JSON-friendly: int, str (Decimal and HH:MM) or bool.
        """
        if self.kind is Kind.BOOL:
            return self._parse_bool(raw)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            raise DomainError(_("A value is required."), field=self.key)
        if isinstance(raw, bool):
            raise DomainError(_("Enter a number, not true/false."), field=self.key)
        if self.kind is Kind.TIME:
            text = str(raw).strip()
            if not TIME_RE.match(text):
                raise DomainError(_("Enter a time as HH:MM, e.g. 08:30."), field=self.key)
            return text
        if self.kind in INTEGER_KINDS:
            text = str(raw).strip()
            if isinstance(raw, float) or not re.fullmatch(r"-?\d+", text):
                raise DomainError(_("Enter a whole number."), field=self.key)
            value: Any = int(text)
        else:
            try:
                value = Decimal(str(raw).strip())
            except InvalidOperation:
                raise DomainError(_("Enter a number."), field=self.key) from None
            if not value.is_finite():
                raise DomainError(_("Enter a number."), field=self.key)
            places = 2 if self.kind is Kind.MONEY else 1
            if value != value.quantize(Decimal(1).scaleb(-places)):
                raise DomainError(
                    _("Use at most {places} decimal places.").format(places=places), field=self.key
                )
        low = self._bound(self.minimum if self.minimum is not None else 0)
        high = self._bound(self.maximum) if self.maximum is not None else None
        if value < low or (high is not None and value > high):
            raise DomainError(
                _("Must be between {low} and {high}.").format(low=low, high=high)
                if high is not None
                else _("Must be at least {low}.").format(low=low),
                field=self.key,
            )
        return value if self.kind in INTEGER_KINDS else format(value.normalize(), "f")

    def _bound(self, bound: Any) -> Any:
        return int(bound) if self.kind in INTEGER_KINDS else Decimal(str(bound))

    def _parse_bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower() if raw is not None else ""
        if text in {"1", "true", "on", "yes"}:
            return True
        if text in {"0", "false", "off", "no", ""}:
            return False
        raise DomainError(_("Enter true or false."), field=self.key)

    def typed(self, stored: Any) -> Any:
        """The stored JSON value as a Python value: int, Decimal, time or bool."""
        if self.kind is Kind.BOOL:
            return bool(stored)
        if self.kind is Kind.TIME:
            hours, minutes = str(stored).split(":")
            return time(int(hours), int(minutes))
        if self.kind in INTEGER_KINDS:
            return int(stored)
        return Decimal(str(stored))
