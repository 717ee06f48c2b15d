"""Requests over the API: scoping (404 outside scope), idempotent create, decisions, JSON errors."""

from datetime import timedelta

import pytest

from leave.models import Request
from leave.tests.conftest import TUESDAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _leave_types(types_):
    """The API refers to leave types by code: make sure the seeded ones are there."""


def leave_payload(**overrides):
    payload = {
        "kind": "leave",
        "leave_type": "annual",
        "start_date": TUESDAY.isoformat(),
        "end_date": TUESDAY.isoformat(),
        "reason": "回老家",
    }
    return payload | overrides


def test_openapi_lists_the_request_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/requests",
        "/api/requests/{request_id}",
        "/api/requests/{request_id}/approve",
        "/api/requests/{request_id}/reject",
        "/api/requests/{request_id}/withdraw",
        "/api/approvals",
        "/api/leave-types",
    ]:
        assert path in paths


def test_leave_types_are_listed(api, org):
    codes = [t["code"] for t in api(org.engineer_a, "get", "/api/leave-types").json()]
    assert codes[:2] == ["personal", "sick"] and len(codes) == 7


def test_create_is_idempotent_with_a_key(api, org, monday):
    payload = leave_payload(idempotency_key="phone-123")
    first = api(org.engineer_a, "post", "/api/requests", payload)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "pending" and body["days"] == "1.0"
    assert [(s["approver_id"], s["basis"]) for s in body["steps"]] == [
        (org.leader_a.pk, "REQ-01 group_leader")
    ]
    again = api(org.engineer_a, "post", "/api/requests", payload)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Request.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        (leave_payload(colour="red"), 422, "colour"),  # unknown fields are refused
        (leave_payload(kind="holiday"), 422, "kind"),
        (leave_payload(start_date="1900-01-01"), 422, "start_date"),
        (leave_payload(leave_type="nap"), 400, "leave_type"),
        (leave_payload(end_date=(TUESDAY - timedelta(days=1)).isoformat()), 400, "end_date"),
        (leave_payload(leave_type="personal", start_date="2026-11-16"), 400, "start_date"),
        (leave_payload(cc_ids=[999999]), 400, "cc_ids"),
    ],
)
def test_bad_input_is_a_json_error_naming_the_field(api, org, monday, payload, status, field):
    response = api(org.engineer_a, "post", "/api/requests", payload)
    assert response.status_code == status, response.json()
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Request.objects.exists()


def test_overlapping_dates_are_refused(api, org, monday):
    assert api(org.engineer_a, "post", "/api/requests", leave_payload()).status_code == 201
    response = api(org.engineer_a, "post", "/api/requests", leave_payload(leave_type="sick"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "start_date"


def test_the_outsider_gets_404_and_the_approver_decides(api, org, monday):
    request_id = api(org.engineer_a, "post", "/api/requests", leave_payload()).json()["id"]
    for method, path in [
        ("get", f"/api/requests/{request_id}"),
        ("post", f"/api/requests/{request_id}/approve"),
        ("post", f"/api/requests/{request_id}/withdraw"),
    ]:
        json = {} if method == "post" else None
        assert api(org.engineer_b, method, path, json).status_code == 404
    assert api(org.engineer_b, "get", "/api/requests").json()["count"] == 0

    inbox = api(org.leader_a, "get", "/api/approvals").json()
    assert [item["request"]["id"] for item in inbox["items"]] == [request_id]
    not_his = api(org.manager_a, "post", f"/api/requests/{request_id}/approve", {"comment": ""})
    assert not_his.status_code == 400  # he sees it but it is not waiting for him
    response = api(org.leader_a, "post", f"/api/requests/{request_id}/approve", {"comment": "同意"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["steps"][0]["comment"] == "同意"


def test_the_applicant_withdraws_and_lists_his_requests(api, org, monday):
    request_id = api(org.engineer_a, "post", "/api/requests", leave_payload()).json()["id"]
    response = api(org.engineer_a, "post", f"/api/requests/{request_id}/withdraw", {})
    assert response.json()["status"] == "withdrawn"
    listed = api(org.engineer_a, "get", "/api/requests", mine="true", status="withdrawn").json()
    assert [r["id"] for r in listed["items"]] == [request_id]
    again = api(org.engineer_a, "post", f"/api/requests/{request_id}/withdraw", {})
    assert again.status_code == 400 and again.json()["detail"]


def test_overtime_times_without_a_zone_are_local(api, org, monday):
    payload = {
        "kind": "overtime",
        "start_at": "2026-11-21T09:00:00",
        "end_at": "2026-11-21T12:30:00",
        "reason": "割接",
    }
    response = api(org.engineer_a, "post", "/api/requests", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["hours"] == "3.5"
    assert response.json()["start_at"] == "2026-11-21T01:00:00Z"  # 09:00 in Shanghai
