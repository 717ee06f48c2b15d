"""The API: token auth, scoping (404 outside scope), filters, pagination, field-level errors."""

import pytest

from core.models import AuditEntry, PolicyVersion

pytestmark = pytest.mark.django_db


def test_the_api_needs_credentials(client, db):
    response = client.get("/api/people")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert client.get("/api/people", HTTP_AUTHORIZATION="Bearer cd_bad_token").status_code == 401


def test_openapi_lists_the_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/people",
        "/api/people/{person_id}",
        "/api/org/units",
        "/api/org/teams",
        "/api/org/companies",
        "/api/customers",
        "/api/policy",
        "/api/policy/versions",
        "/api/tokens",
        "/api/audit",
        "/api/me",
    ]:
        assert path in paths
    assert client.get("/api/docs").status_code == 200


def test_an_engineer_of_station_a_gets_404_for_a_person_of_station_b(api, org):
    assert api(org.engineer_a, "get", f"/api/people/{org.engineer_b.pk}").status_code == 404
    assert (
        api(org.engineer_a, "get", f"/api/people/{org.engineer_a.pk}").json()["staff_no"]
        == org.engineer_a.staff_no
    )
    assert api(org.engineer_a, "get", "/api/me").json()["id"] == org.engineer_a.pk


def test_people_are_scoped_paginated_and_filtered(api, org):
    data = api(org.manager_a, "get", "/api/people", limit=2).json()
    assert data["count"] == 4 and len(data["items"]) == 2
    data = api(org.manager_a, "get", "/api/people", role="engineer").json()
    assert {p["id"] for p in data["items"]} == {org.engineer_a.pk, org.vendor_engineer_a.pk}
    data = api(org.vendor_contact, "get", "/api/people").json()
    assert {p["id"] for p in data["items"]} == {org.vendor_contact.pk, org.vendor_engineer_a.pk}


def test_customer_phones_are_masked_by_role(api, org):
    items = api(org.engineer_a, "get", "/api/customers").json()["items"]
    assert [c["phone"] for c in items] == ["135****1203"]
    items = api(org.cs, "get", "/api/customers").json()["items"]
    assert "13512341203" in [c["phone"] for c in items]


def test_patch_person_is_audited(api, org):
    response = api(
        org.manager_a, "patch", f"/api/people/{org.engineer_a.pk}", json={"name": "改名"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "改名"
    assert AuditEntry.objects.get(action="people.person.updated").changes["name"][1] == "改名"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nmae": "typo"}, "nmae"),  # unknown fields are refused
        ({"role": "king"}, "role"),
        ({"unit_id": 999999}, "unit_id"),
        ({"phone": "12345"}, "phone"),
        ({"active": "perhaps"}, "active"),
    ],
)
def test_patch_person_errors_name_the_field_and_store_nothing(api, org, body, field):
    response = api(org.manager_a, "patch", f"/api/people/{org.engineer_a.pk}", json=body)
    assert response.status_code in {400, 422}
    assert field in {e["field"] for e in response.json()["errors"]}
    org.engineer_a.refresh_from_db()
    assert org.engineer_a.role == "engineer"
    assert not AuditEntry.objects.filter(action="people.person.updated").exists()


def test_an_engineer_cannot_patch_anyone(api, org):
    assert (
        api(
            org.engineer_a, "patch", f"/api/people/{org.engineer_b.pk}", json={"name": "x"}
        ).status_code
        == 404
    )
    assert (
        api(
            org.engineer_a, "patch", f"/api/people/{org.engineer_a.pk}", json={"name": "x"}
        ).status_code
        == 400
    )


def test_policy_read_and_change(api, org):
    data = api(org.manager_a, "get", "/api/policy").json()
    param = next(p for p in data["parameters"] if p["key"] == "wo.contact_within_minutes")
    assert (param["rule_id"], param["value"], param["default"]) == ("WO-01", 10, 10)
    assert param["description_zh"] and param["description_en"]
    assert api(org.engineer_a, "get", "/api/policy").status_code == 404
    assert (
        api(
            org.manager_a,
            "post",
            "/api/policy/versions",
            json={"effective_from": "2099-01-01", "values": {"att.late_fine": "30"}},
        ).status_code
        == 404
    )
    response = api(
        org.ops,
        "post",
        "/api/policy/versions",
        json={"effective_from": "2099-01-01", "values": {"att.late_fine": "30"}},
    )
    assert response.status_code == 201, response.json()
    data = api(org.ops, "get", "/api/policy", on="2099-01-01").json()
    assert next(p for p in data["parameters"] if p["key"] == "att.late_fine")["value"] == "30"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"effective_from": "2099-01-01", "values": {"att.late_fine": -1}}, {"att.late_fine"}),
        ({"effective_from": "2099-01-01", "values": {"att.late_fine": "lots"}}, {"att.late_fine"}),
        ({"effective_from": "2099-01-01", "values": {"no.such.rule": 1}}, {"no.such.rule"}),
        ({"effective_from": "2000-01-01", "values": {"att.late_fine": 30}}, {"effective_from"}),
        ({"effective_from": "2099-01-01", "values": {"att.late_fine": 30}, "extra": 1}, {"extra"}),
        ({"effective_from": "not a date", "values": {"att.late_fine": 30}}, {"effective_from"}),
    ],
)
def test_bad_policy_changes_are_refused_per_field(api, org, body, fields):
    response = api(org.ops, "post", "/api/policy/versions", json=body)
    assert response.status_code in {400, 422}
    assert fields <= {e["field"] for e in response.json()["errors"]}
    assert not PolicyVersion.objects.exists()


def test_tokens_are_created_listed_and_revoked(api, org, client):
    response = api(org.engineer_a, "post", "/api/tokens", json={"name": "手机"})
    assert response.status_code == 201
    secret = response.json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/me", **headers).status_code == 200
    token_id = response.json()["id"]
    assert client.delete(f"/api/tokens/{token_id}", **headers).status_code == 200
    assert client.get("/api/me", **headers).status_code == 401


def test_the_audit_api_is_for_auditors_only(api, org):
    assert api(org.engineer_a, "get", "/api/audit").status_code == 404
    assert api(org.hr, "get", "/api/audit").status_code == 200


def test_null_characters_are_refused_naming_the_field(api, org):
    response = api(org.engineer_a, "post", "/api/tokens", json={"name": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    response = api(org.manager_a, "get", "/api/people", q="x\x00")
    assert response.status_code == 422
