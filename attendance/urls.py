from datetime import date

from django.urls import path, register_converter

from attendance.views import desk, person, phone, station


class MonthConverter:
    """YYYY-MM in a path as the month's first day; an impossible month is a 404."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> date:
        year, month = (int(x) for x in value.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(value)
        return date(year, month, 1)

    def to_url(self, value: date) -> str:
        return f"{value:%Y-%m}"


class DayConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date) -> str:
        return value.isoformat()


register_converter(MonthConverter, "month")
register_converter(DayConverter, "day")

app_name = "attendance"
urlpatterns = [
    path("", phone.phone_page, name="home"),
    path("punch/", phone.punch, name="punch"),
    path("location-consent/", phone.location_consent, name="consent"),
    path("arrival/", desk.report, name="arrival-report"),
    path("desk/", desk.desk, name="desk"),
    path("desk/<int:pk>/confirm/", desk.desk_confirm, name="desk-confirm"),
    path("people/<int:pk>/", person.person_current, name="person-current"),
    path("people/<int:pk>/<month:month>/", person.person_month, name="person"),
    path("people/<int:pk>/day/<day:day>/", person.day_detail, name="day"),
    path("station/<int:unit_pk>/", station.station_current, name="station-current"),
    path("station/<int:unit_pk>/<month:month>/", station.station_month, name="station"),
    path(
        "station/<int:unit_pk>/<month:month>/export.xlsx",
        station.station_export,
        name="station-export",
    ),
    path("station/<int:unit_pk>/<month:month>/close/", station.station_close, name="station-close"),
    path("station/<int:unit_pk>/<month:month>/proxy/", station.station_proxy, name="station-proxy"),
]
