"""Callbacks and complaints over the API: record with an idempotency key (BEH-01 entries once),
bad input naming the field with nothing stored, scoping 404s, complaints registered and verified
(CB-04, KPI-06)."""

from decimal import Decimal

import pytest
from django.conf import settings

from assessment.models import Entry
from callbacks import services
from callbacks.models import Callback, Complaint
from callbacks.tests.conftest import closed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api, client):
    """The shared `api` (conftest.py), answering in English: the messages below are msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api


def test_cb01_list_and_get_callbacks_scoped(crew, now, api):
    mine = services.open_callback(closed_order(crew))
    theirs = services.open_callback(closed_order(crew, engineer=crew.engineer_b))
    listed = api(crew.cs, "get", "/api/callbacks").json()
    assert {c["id"] for c in listed["items"]} == {mine.pk, theirs.pk}
    assert listed["items"][0]["customer_phone"] in ("13512341203", "13600001111")
    listed = api(crew.manager_a, "get", "/api/callbacks").json()
    assert [c["id"] for c in listed["items"]] == [mine.pk]
    assert listed["items"][0]["customer_phone"] == "135****1203"  # SEC-05
    assert api(crew.engineer_b, "get", f"/api/callbacks/{mine.pk}").status_code == 404
    assert api(crew.cs, "get", "/api/callbacks", state="nope").status_code == 400
    items = api(crew.cs, "get", "/api/callbacks/items").json()
    assert "knocking" in {i["code"] for i in items}


def test_beh01_record_with_an_idempotency_key_applies_once(crew, now, api):
    callback = services.open_callback(closed_order(crew))
    body = {"violations": ["knocking", "greeting"], "satisfaction": 3, "idempotency_key": "k1"}
    first = api(crew.cs, "post", f"/api/callbacks/{callback.pk}/record", body)
    again = api(crew.cs, "post", f"/api/callbacks/{callback.pk}/record", body)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["violations"] == ["greeting", "knocking"]
    fines = Entry.objects.filter(person=crew.engineer_a, rule_id="BEH-01")
    assert sorted(e.fine for e in fines) == [Decimal("50.00")] * 2


def test_bad_api_input_names_the_field_and_stores_nothing(crew, now, api):
    callback = services.open_callback(closed_order(crew))
    url = f"/api/callbacks/{callback.pk}/record"
    response = api(crew.cs, "post", url, {"violations": ["dancing"], "satisfaction": 3})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "violations"
    response = api(crew.cs, "post", url, {"violations": [], "satisfaction": 9})
    assert response.json()["errors"][0]["field"] == "satisfaction"
    assert api(crew.cs, "post", url, {"satisfaction": 3, "extra": 1}).status_code == 422
    assert api(crew.engineer_b, "post", url, {"satisfaction": 3}).status_code == 404
    callback.refresh_from_db()
    assert callback.state == Callback.State.OPEN and not Entry.objects.exists()


def test_cb04_kpi06_complaints_registered_and_verified_over_the_api(crew, now, api):
    response = api(crew.cs, "post", "/api/complaints", {"text": " "})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"engineer_id", "text"}
    response = api(crew.cs, "post", "/api/complaints", {"engineer_id": 999999, "text": "x"})
    assert response.json()["errors"][0]["field"] == "engineer_id"
    assert not Complaint.objects.exists()
    created = api(
        crew.cs, "post", "/api/complaints", {"engineer_id": crew.engineer_a.pk, "text": "态度差"}
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert api(crew.engineer_b, "get", f"/api/complaints/{pk}").status_code == 404
    assert not Entry.objects.exists()  # CB-04: not yet verified
    response = api(crew.cs, "post", f"/api/complaints/{pk}/verify", {"reason": "属实"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "by"
    response = api(crew.ops, "post", f"/api/complaints/{pk}/verify", {"reason": "属实"})
    assert response.status_code == 200 and response.json()["state"] == "verified"
    entry = Entry.objects.get(person=crew.engineer_a)
    assert (entry.rule_id, entry.fine) == ("KPI-06", Decimal("100.00"))
    listed = api(crew.manager_a, "get", "/api/complaints", state="verified").json()
    assert [c["id"] for c in listed["items"]] == [pk]
