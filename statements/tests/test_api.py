"""Statements over the API (KPI-11, KPI-10): a person's month, a station's summary, quarterly
scores and closing a month, scoped like the pages (404 outside), JSON errors naming the field."""

import pytest
import time_machine

from core.models import Job
from statements.tests.conftest import IN_DEC, finding


@pytest.fixture
def fined(org, in_nov):
    return [finding(org, "KPI-05"), finding(org, "BEH-01")]


def test_the_endpoints_are_documented(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/statements/people/{person_id}/{month}" in paths
    assert "/api/statements/closes" in paths


def test_kpi_11_a_person_month_over_the_api(api, org, fined):
    response = api(org.engineer_a, "get", f"/api/statements/people/{org.engineer_a.pk}/2026-11")
    assert response.status_code == 200
    body = response.json()
    assert body["provisional"] is True
    assert (body["points"], body["total"], body["points_left"]) == ("0.50", "100.00", "2.50")
    assert [line["rule_id"] for line in body["lines"]] == ["BEH-01", "KPI-05"]
    assert body["fines_by_family"]["BEH"] == "50.00"


@pytest.mark.parametrize("viewer", ["engineer_b", "vendor_engineer_a", "client_pic"])
def test_kpi_11_another_person_month_is_not_found(api, org, fined, viewer):
    path = f"/api/statements/people/{org.engineer_a.pk}/2026-11"
    assert api(getattr(org, viewer), "get", path).status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "26-11", "2026-1"])
def test_kpi_11_a_bad_month_is_a_400_naming_the_field(api, org, month):
    response = api(org.engineer_a, "get", f"/api/statements/people/{org.engineer_a.pk}/{month}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "month"


def test_kpi_11_the_station_summary_over_the_api(api, org, fined):
    response = api(org.hr, "get", f"/api/statements/stations/{org.station_a.pk}/2026-11")
    assert response.status_code == 200
    body = response.json()
    assert body["closed"] is False
    totals = {s["person_id"]: s["total"] for s in body["statements"]}
    assert totals[org.engineer_a.pk] == "100.00" and org.engineer_b.pk not in totals
    path = f"/api/statements/stations/{org.station_a.pk}/2026-11"
    assert api(org.engineer_a, "get", path).status_code == 404
    assert (
        api(
            org.manager_a, "get", f"/api/statements/stations/{org.station_b.pk}/2026-11"
        ).status_code
        == 404
    )


def test_kpi_10_quarterly_scores_over_the_api(api, org, in_nov):
    response = api(org.client_pic, "get", f"/api/statements/quarters/{org.station_a.pk}/2026-Q4")
    assert response.status_code == 200
    rows = {r["person_id"]: r for r in response.json()["rows"]}
    assert org.engineer_a.pk in rows and rows[org.engineer_a.pk]["score"] is None
    bad = api(org.ops, "get", f"/api/statements/quarters/{org.station_a.pk}/2026-Q5")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "quarter"
    outside = api(org.client_pic, "get", f"/api/statements/quarters/{org.station_b.pk}/2026-Q4")
    assert outside.status_code == 404


def test_kpi_11_the_ops_manager_closes_a_month_over_the_api(api, org, fined):
    with time_machine.travel(IN_DEC, tick=False):
        response = api(
            org.ops,
            "post",
            "/api/statements/closes",
            {"month": "2026-11", "unit_id": org.station_a.pk},
        )
        assert response.status_code == 202, response.content
        job = Job.objects.get(pk=response.json()["job_id"])
        assert job.kind == "statements.close" and job.params["unit_id"] == org.station_a.pk
        assert response.json()["url"] == f"/jobs/{job.pk}/"


@pytest.mark.parametrize(
    ("persona", "payload", "status", "field"),
    [
        ("manager_a", {"month": "2026-11"}, 400, "by"),
        ("ops", {"month": "2026-12"}, 400, "month"),  # not ended yet
        ("ops", {"month": "2026-11", "extra": 1}, 422, None),
        ("ops", {"month": "November"}, 422, None),
    ],
)
def test_kpi_11_bad_close_requests_over_the_api(api, org, in_nov, persona, payload, status, field):
    with time_machine.travel(IN_DEC, tick=False):
        response = api(getattr(org, persona), "post", "/api/statements/closes", payload)
    assert response.status_code == status
    if field:
        assert response.json()["errors"][0]["field"] == field
    assert not Job.objects.exists()


def test_kpi_11_closing_a_unit_outside_the_scope_is_not_found(api, org, in_nov):
    with time_machine.travel(IN_DEC, tick=False):
        response = api(
            org.manager_a,
            "post",
            "/api/statements/closes",
            {"month": "2026-11", "unit_id": org.station_b.pk},
        )
    assert response.status_code == 404
