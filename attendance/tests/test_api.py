"""Attendance over the API: judged days with rules and evidence, the month summary with fines,
the .xlsx, closing a month; scoped (404 outside), strict input (422 naming the field)."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from attendance.models import MonthClose
from attendance.tests.scenarios import TZ, october

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged(org, time_machine):
    time_machine.move_to("2026-11-22 10:00 +0800", tick=False)
    return october(org)


def test_the_endpoints_are_documented(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/attendance/days",
        "/api/attendance/summary",
        "/api/attendance/summary.xlsx",
        "/api/attendance/months/close",
    ):
        assert path in paths


def test_days_come_with_rule_ids_and_evidence(api, org, judged):
    data = api(
        org.manager_a,
        "get",
        "/api/attendance/days",
        person_id=org.engineer_a.pk,
        date_from="2026-10-09",
        date_to="2026-10-09",
    ).json()
    assert data["count"] == 1
    (day,) = data["items"]
    assert (day["status"], day["late_minutes"], day["rule_ids"]) == (
        "late",
        20,
        ["ATT-01", "ATT-04"],
    )
    used = datetime.fromisoformat(day["evidence"]["used"]["in0"])
    assert used.astimezone(TZ).strftime("%H:%M") == "08:50"  # the punch that made it late
    assert day["locked"] is False and day["correction"] is None


def test_days_are_scoped_and_paginated(api, org, judged):
    mine = api(org.engineer_a, "get", "/api/attendance/days", limit=5).json()
    assert mine["count"] == 31 and len(mine["items"]) == 5
    assert {d["person_id"] for d in mine["items"]} == {org.engineer_a.pk}
    station = api(org.manager_a, "get", "/api/attendance/days", date_from="2026-10-01").json()
    assert station["count"] == 4 * 31  # engineer_a, vendor_engineer_a, leader_a, manager_a
    outsider = api(org.engineer_b, "get", "/api/attendance/days", person_id=org.engineer_a.pk)
    assert outsider.status_code == 404
    assert api(org.engineer_b, "get", "/api/attendance/days").json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"date_from": "2026-10-09", "date_to": "2026-10-01"}, 400, "date_to"),
        ({"date_from": "yesterday"}, 422, "date_from"),
        ({"person_id": 0}, 422, "person_id"),
        ({"person_id": 2**63}, 422, "person_id"),
    ],
)
def test_bad_day_filters_name_the_field(api, org, params, status, field):
    response = api(org.ops, "get", "/api/attendance/days", **params)
    assert response.status_code == status
    assert field in {e["field"] for e in response.json()["errors"]}


def test_the_summary_has_the_counts_fines_and_notice_level(api, org, judged):
    data = api(
        org.manager_a, "get", "/api/attendance/summary", unit_id=org.station_a.pk, month="2026-10"
    ).json()
    assert (data["unit_id"], data["month"], data["closed"], data["count"]) == (
        org.station_a.pk,
        "2026-10",
        False,
        4,
    )
    row = next(r for r in data["items"] if r["person_id"] == org.engineer_a.pk)
    assert (row["workdays"], row["late_count"], row["late_minutes"]) == (18, 4, 80)
    assert (row["early_count"], row["missing_out"], row["makeup_count"]) == (1, 1, 1)
    assert row["leave_days"] == {"personal": "1.0", "sick": "0.5"}  # decimals as strings
    assert {k: float(v) for k, v in row["overtime_hours"].items()} == {
        "workday": 2.0,
        "rest": 2.0,
        "holiday": 4.0,
    }
    fines = {(f["rule_id"], f["code"]): f for f in row["fines"]}
    assert fines["ATT-05", "late_band"]["count"] == 1  # the band
    assert float(row["fine_total"]) == 140.0
    assert row["notice_level"] == "vendor_notice"


def test_the_summary_is_paginated_and_scoped(api, org, judged):
    page = api(
        org.ops,
        "get",
        "/api/attendance/summary",
        unit_id=org.station_a.pk,
        month="2026-10",
        limit=1,
    ).json()
    assert page["count"] == 4 and len(page["items"]) == 1
    mine = api(
        org.engineer_a, "get", "/api/attendance/summary", unit_id=org.station_a.pk, month="2026-10"
    ).json()
    assert [r["person_id"] for r in mine["items"]] == [org.engineer_a.pk]
    outsider = api(
        org.engineer_b, "get", "/api/attendance/summary", unit_id=org.station_a.pk, month="2026-10"
    )
    assert outsider.status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-10", "1999-12", "2026-10-01"])
def test_a_bad_month_is_422(api, org, month):
    response = api(org.ops, "get", "/api/attendance/summary", unit_id=org.station_a.pk, month=month)
    assert response.status_code == 422
    assert "month" in {e["field"] for e in response.json()["errors"]}


def test_the_summary_as_xlsx(api, org, judged):
    response = api(
        org.manager_a,
        "get",
        "/api/attendance/summary.xlsx",
        unit_id=org.station_a.pk,
        month="2026-10",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.title == "考勤汇总"
    assert sheet.cell(row=2, column=1).value == "姓名"
    assert sheet.max_row == 3 + 4


def test_closing_a_month(api, org, judged):
    payload = {"unit_id": org.station_a.pk, "month": "2026-10"}
    response = api(org.manager_a, "post", "/api/attendance/months/close", json=payload)
    assert response.status_code == 201
    assert response.json()["month"] == "2026-10" and response.json()["closed_by"] == "manager_a"
    assert MonthClose.objects.filter(unit=org.station_a, month=date(2026, 10, 1)).exists()
    again = api(org.manager_a, "post", "/api/attendance/months/close", json=payload)
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "month"
    summary = api(
        org.manager_a, "get", "/api/attendance/summary", unit_id=org.station_a.pk, month="2026-10"
    ).json()
    assert summary["closed"] and all(r["locked"] for r in summary["items"])


@pytest.mark.parametrize(
    ("persona", "payload", "status"),
    [
        ("engineer_a", {"month": "2026-10"}, 400),  # in scope, but may not close
        ("engineer_b", {"month": "2026-10"}, 404),  # the outsider
        ("manager_a", {"month": "2026-11"}, 400),  # the month has not ended
        ("manager_a", {"month": "2026-10", "force": True}, 422),  # unknown field
        ("manager_a", {"month": "October"}, 422),
    ],
)
def test_closing_is_refused(api, org, judged, persona, payload, status):
    response = api(
        getattr(org, persona),
        "post",
        "/api/attendance/months/close",
        json={"unit_id": org.station_a.pk, **payload},
    )
    assert response.status_code == status
    assert not MonthClose.objects.exists()
