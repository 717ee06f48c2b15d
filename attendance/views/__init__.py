"""Attendance pages: the engineer's one-tap phone page, a person's month (each day and why),
a station's month summary with export, month close and proxy signings (ATT-01..08).

Modules: `days` (a month's days as shown), `phone` (phone page, punch, consent), `person` (a
person's month and day) and `station` (a station's month, export, close, proxy signings).
"""

from attendance.views.days import DayView, month_days, weeks_of
from attendance.views.person import day_detail, person_current, person_month
from attendance.views.phone import location_consent, phone_page, punch
from attendance.views.station import (
    station_close,
    station_current,
    station_export,
    station_month,
    station_proxy,
    xlsx_response,
)

__all__ = [
    "DayView",
    "day_detail",
    "location_consent",
    "month_days",
    "person_current",
    "person_month",
    "phone_page",
    "punch",
    "station_close",
    "station_current",
    "station_export",
    "station_month",
    "station_proxy",
    "weeks_of",
    "xlsx_response",
]
