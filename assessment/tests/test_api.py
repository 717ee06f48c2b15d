"""The assessment API: scoped entries (404 outside scope), findings by hand (KPI-05, BEH-03),
objections filed once per idempotency key (KPI-11), decisions (KPI-08), the caller's month."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from assessment import services
from assessment.models import Decision, Entry, Objection

SH = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def finding(org, rule_id="KPI-05", person=None):
    return services.add_manual_entry(
        person or org.engineer_a, month=NOV, rule_id=rule_id, by=org.ops, evidence_text="no badge"
    )


def test_openapi_lists_the_assessment_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/assessment/entries",
        "/api/assessment/entries/{entry_id}",
        "/api/assessment/entries/{entry_id}/objections",
        "/api/assessment/objections",
        "/api/assessment/objections/{objection_id}/decide",
        "/api/assessment/decisions",
        "/api/assessment/decisions/{decision_id}/confirm",
        "/api/assessment/decisions/{decision_id}/reject",
        "/api/assessment/me",
    ]:
        assert path in paths


def test_entries_are_scoped_and_filtered(api, org):
    mine, theirs = finding(org), finding(org, person=org.engineer_b)

    own = api(org.engineer_a, "get", "/api/assessment/entries").json()
    assert [e["id"] for e in own["items"]] == [mine.pk]
    with translation.override("zh-hans"):  # the caller's language (zh-hans by default)
        assert own["items"][0]["why"] == [_("Finding: {text}").format(text="no badge")]
    assert api(org.engineer_a, "get", f"/api/assessment/entries/{theirs.pk}").status_code == 404
    by_station = api(
        org.ops, "get", "/api/assessment/entries", station=org.station_b.pk, month="2026-11"
    ).json()
    assert [e["id"] for e in by_station["items"]] == [theirs.pk]
    assert api(org.ops, "get", "/api/assessment/entries", month="11/2026").status_code == 422


def test_KPI_05_a_manual_entry_needs_rule_and_evidence_and_is_created_once(api, org):
    body = {"person_id": org.engineer_a.pk, "month": "2026-11", "rule_id": "KPI-05"}
    missing = api(org.ops, "post", "/api/assessment/entries", body | {"evidence_text": ""})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "evidence_text"
    no_rule = api(
        org.ops, "post", "/api/assessment/entries", body | {"rule_id": "", "evidence_text": "x"}
    )
    assert no_rule.json()["errors"][0]["field"] == "rule_id"
    assert not Entry.objects.exists()

    good = body | {"evidence_text": "no badge at 09:10", "idempotency_key": "k-1"}
    first = api(org.ops, "post", "/api/assessment/entries", good)
    again = api(org.ops, "post", "/api/assessment/entries", good)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Entry.objects.count() == 1
    assert (
        api(
            org.engineer_a, "post", "/api/assessment/entries", body | {"evidence_text": "x"}
        ).status_code
        == 400
    )


def test_BEH_03_by_api_only_for_group_leaders_and_above(api, org):
    body = {"month": "2026-11", "rule_id": "BEH-03", "evidence_text": "phone off"}
    refused = api(
        org.ops, "post", "/api/assessment/entries", body | {"person_id": org.engineer_a.pk}
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "person"
    assert (
        api(
            org.ops, "post", "/api/assessment/entries", body | {"person_id": org.leader_a.pk}
        ).status_code
        == 201
    )


def test_KPI_11_an_objection_is_filed_once_per_key_and_decided_by_the_group(api, org):
    entry = finding(org)
    path = f"/api/assessment/entries/{entry.pk}/objections"
    body = {"text": "I wore my badge", "idempotency_key": "obj-1"}

    first = api(org.engineer_a, "post", path, body)
    again = api(org.engineer_a, "post", path, body)

    assert first.status_code == 201 and again.json() == first.json()
    assert Objection.objects.count() == 1
    open_ = api(org.ops, "get", "/api/assessment/objections").json()["items"]
    assert [o["id"] for o in open_] == [first.json()["id"]]
    decide = f"/api/assessment/objections/{first.json()['id']}/decide"
    assert (
        api(org.engineer_b, "post", decide, {"outcome": "withdraw", "reason": "x"}).status_code
        == 404
    )
    decided = api(org.ops, "post", decide, {"outcome": "withdraw", "reason": "photo"})
    assert decided.json()["decision"] == "withdrawn"
    entry.refresh_from_db()
    assert entry.state == Entry.State.WITHDRAWN


def test_KPI_11_an_objection_after_the_window_is_a_400_and_nothing_stored(api, org, now):
    entry = finding(org)
    now.move_to(NOW + timedelta(days=7, minutes=1))

    response = api(
        org.engineer_a, "post", f"/api/assessment/entries/{entry.pk}/objections", {"text": "late"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "filed_at"
    assert not Objection.objects.exists()


def test_KPI_08_decisions_are_listed_and_confirmed_by_hr(api, org):
    for rule in ("KPI-05", "KPI-05", "KPI-06"):
        finding(org, rule)
    services.evaluate_thresholds(NOV)
    decision = Decision.objects.get()

    listed = api(org.hr, "get", "/api/assessment/decisions", state="proposed").json()["items"]
    assert [(d["rule_id"], len(d["entry_ids"])) for d in listed] == [("KPI-08", 3)]
    path = f"/api/assessment/decisions/{decision.pk}"
    assert api(org.manager_a, "post", f"{path}/confirm", {}).status_code == 400
    assert api(org.outsider, "post", f"{path}/confirm", {}).status_code == 404
    assert api(org.hr, "post", f"{path}/reject", {"note": ""}).status_code == 400
    assert api(org.hr, "post", f"{path}/confirm", {"note": "ok"}).json()["state"] == "confirmed"


def test_KPI_11_my_month_over_the_api(api, org):
    finding(org)
    finding(org, "KPI-06")

    month = api(org.engineer_a, "get", "/api/assessment/me", month="2026-11").json()

    assert (month["points"], month["points_left"], month["fine"]) == ("1.50", "1.50", "150.00")
    assert [e["can_object"] for e in month["entries"]] == [True, True]
