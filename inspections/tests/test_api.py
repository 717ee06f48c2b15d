"""Inspections over the API: my tickets, submitting answers with an idempotency key (a retry is
not applied twice), per-item errors with nothing stored, anomaly → order, skips (INS-01), spot
checks (CB-03), plans; scoped (404 outside)."""

import base64
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from core.models import PolicyVersion
from inspections import services
from inspections.models import Answer, SpotCheck, Ticket
from inspections.tests.conftest import JPEG
from workorders.models import Order

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api, client):
    """The shared `api` (conftest.py), answering in English: the messages below are msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api


@pytest.fixture
def tickets(ins, time_machine):
    time_machine.move_to(NOW, tick=False)
    services.generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    ins.epon_ticket = Ticket.objects.get(asset=ins.epon)
    return ins


def body(ticket, key=None, **overrides):
    answers = []
    for item in ticket.template.items.all():
        answer = {
            "item_id": item.pk,
            "value": {"yes_no": "yes", "number": "1", "text": "ok", "photo": ""}[item.kind],
        }
        if item.kind == "photo":
            answer |= {"photo_name": "a.jpg", "photo_base64": base64.b64encode(JPEG).decode()}
        for fragment, (value, note) in overrides.items():
            if fragment in item.label:
                answer |= {"value": value, "note": note}
        answers.append(answer)
    return {"answers": answers, "idempotency_key": key} if key else {"answers": answers}


def test_mine_and_get_are_scoped(api, tickets):
    mine = api(tickets.engineer_a, "get", "/api/inspections/tickets/mine")
    assert mine.status_code == 200
    assert tickets.epon_ticket.pk in [t["id"] for t in mine.json()]
    detail = api(tickets.engineer_a, "get", f"/api/inspections/tickets/{tickets.epon_ticket.pk}")
    assert detail.status_code == 200
    assert len(detail.json()["items"]) == tickets.epon_ticket.template.items.count()
    outside = api(tickets.engineer_b, "get", f"/api/inspections/tickets/{tickets.epon_ticket.pk}")
    assert outside.status_code == 404
    assets = api(tickets.engineer_b, "get", "/api/inspections/assets")
    assert assets.json()["count"] == 0


def test_submit_with_an_idempotency_key_is_applied_once(api, tickets):
    url = f"/api/inspections/tickets/{tickets.epon_ticket.pk}/answers"
    payload = body(tickets.epon_ticket, key="k-1", 光缆=("no", "进水"))
    first = api(tickets.engineer_a, "post", url, payload)
    assert first.status_code == 200, first.json()
    again = api(tickets.engineer_a, "post", url, payload)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Answer.objects.count() == tickets.epon_ticket.template.items.count()
    anomaly = next(a for a in first.json()["answers"] if a["anomaly"])
    order_url = f"/api/inspections/answers/{anomaly['id']}/order"
    made = api(tickets.engineer_a, "post", order_url, {"idempotency_key": "o-1"})
    assert made.status_code == 201
    assert Order.objects.get().number == made.json()["order_number"]


def test_an_answer_outside_its_limits_is_a_400_naming_the_item(api, tickets):
    ticket = Ticket.objects.filter(asset=tickets.monitoring).first()
    item = ticket.template.items.get(label__contains="校准偏差")
    response = api(
        tickets.engineer_a,
        "post",
        f"/api/inspections/tickets/{ticket.pk}/answers",
        body(ticket, 校准偏差=("999", "")),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == f"item_{item.pk}"
    assert not Answer.objects.exists()


def test_a_missing_photo_and_bad_base64_are_400(api, tickets):
    url = f"/api/inspections/tickets/{tickets.epon_ticket.pk}/answers"
    payload = body(tickets.epon_ticket)
    photo = next(a for a in payload["answers"] if a.get("photo_base64"))
    photo["photo_base64"] = "@@not base64@@"
    assert api(tickets.engineer_a, "post", url, payload).status_code == 400
    photo["photo_base64"] = ""
    response = api(tickets.engineer_a, "post", url, payload)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == f"item_{photo['item_id']}"
    assert not Answer.objects.exists()


def test_unknown_fields_are_refused(api, tickets):
    url = f"/api/inspections/tickets/{tickets.epon_ticket.pk}/answers"
    payload = body(tickets.epon_ticket) | {"surprise": 1}
    assert api(tickets.engineer_a, "post", url, payload).status_code == 422


def test_INS_01_skip_over_the_api(api, tickets):
    ticket = tickets.epon_ticket
    asked = api(
        tickets.engineer_a, "post", f"/api/inspections/tickets/{ticket.pk}/skip", {"reason": "雨"}
    )
    assert asked.status_code == 201
    skip_id = asked.json()["id"]
    url = f"/api/inspections/skips/{skip_id}/decision"
    assert api(tickets.engineer_a, "post", url, {"decision": "approve"}).status_code == 403
    refused = api(tickets.supervisor_a, "post", url, {"decision": "refuse"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "comment"
    done = api(tickets.supervisor_a, "post", url, {"decision": "approve", "comment": "同意"})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert Ticket.objects.get(pk=ticket.pk).status == "skipped"


def test_CB_03_spot_checks_over_the_api(api, tickets):
    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2020, 1, 1),
        values={"cb.spot_check_percent": 100},
        created_at=NOW,
    )
    url = f"/api/inspections/tickets/{tickets.epon_ticket.pk}/answers"
    api(tickets.engineer_a, "post", url, body(tickets.epon_ticket))
    listed = api(tickets.dispatch, "get", "/api/inspections/spotchecks", result="pending")
    assert listed.json()["count"] == 1
    check_id = listed.json()["items"][0]["id"]
    record = f"/api/inspections/spotchecks/{check_id}"
    assert api(tickets.dispatch, "post", record, {"result": "mismatch"}).status_code == 400
    ok = api(tickets.dispatch, "post", record, {"result": "mismatch", "note": "未到场"})
    assert ok.status_code == 200 and SpotCheck.objects.get().result == "mismatch"


def test_plans_with_completion(api, tickets):
    plans = api(tickets.ops, "get", "/api/inspections/plans")
    assert plans.status_code == 200
    cafe = next(p for p in plans.json() if p["rule_id"] == "INS-01")
    assert cafe["per_period_in_force"] == 2 and cafe["planned"] == 2 and cafe["done"] == 0
