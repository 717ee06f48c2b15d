"""WO-15: customer wording per situation and language: defaults shipped (Chinese first), edited
by the operations manager on a page (others get 404), used for the customer notice on close
with the WO-13 cause class and on the order page."""

import pytest
from django.conf import settings
from django.urls import reverse

from core.errors import DomainError
from core.models import AuditEntry, PolicyVersion
from workorders import services, wording
from workorders.models import OrderEvent, WordingTemplate
from workorders.tests.conftest import T0, dispatched

pytestmark = pytest.mark.django_db


def test_wo_15_every_situation_has_a_default_in_both_languages(db):
    for situation in wording.SITUATION_KEYS:
        for language, _name in wording.LANGUAGES:
            text = wording.DEFAULTS[(situation, language)]
            assert "{number}" in text and "{customer}" in text
    assert "深表歉意" in wording.DEFAULTS[("our_fault_fixed", "zh-hans")]  # the apology
    assert "光猫" in wording.DEFAULTS[("customer_side", "zh-hans")]  # what to check
    assert "停电" in wording.DEFAULTS[("third_party", "zh-hans")]


@pytest.mark.parametrize(
    ("state", "cause", "situation"),
    [
        ("closed", "our_side", "our_fault_fixed"),
        ("closed", "third_party", "third_party"),
        ("closed", "customer_side", "customer_side"),
        ("escalated", "", "not_solved_on_site"),
        ("not_completed", "", "not_solved_on_site"),
        ("arrived", "", "checking"),
    ],
)
def test_wo_15_the_situation_follows_the_wo_13_cause_and_the_state(state, cause, situation):
    assert wording.situation_for(state=state, cause_class=cause) == situation


def test_wo_15_render_fills_the_placeholders_only():
    assert wording.render("{customer}/{number}/{x}", customer="王", number="WO1") == "王/WO1/{x}"


def closed(org, now, cause):
    order = services.log_contact(dispatched(org), by=org.engineer_a, outcome="reached")
    for step in ("on_the_way", "arrive", "resolve"):
        order = services.take_step(order, step, by=org.engineer_a)
    return services.close_order(order, by=org.cs, cause_class=cause)


def test_wo_15_closing_tells_the_customer_in_the_wording_of_the_cause(staff, now):
    order = closed(staff, now, "third_party")
    notice = OrderEvent.objects.get(order=order, kind="customer_notice")
    assert notice.data["situation"] == "third_party" and notice.data["language"] == "zh-hans"
    assert order.number in notice.note and staff.customer_a.name in notice.note
    assert "停电" in notice.note


def test_wo_15_the_operations_managers_wording_is_used_and_can_go_back(staff, now):
    services.save_template(
        situation="our_fault_fixed", language="zh-hans", text="{customer}：已修好（{number}）。抱歉！",
        by=staff.ops,
    )  # fmt: skip
    order = closed(staff, now, "our_side")
    notice = OrderEvent.objects.get(order=order, kind="customer_notice")
    assert notice.note == f"{staff.customer_a.name}：已修好（{order.number}）。抱歉！"
    assert AuditEntry.objects.filter(action="workorders.wording.changed").exists()
    services.save_template(situation="our_fault_fixed", language="zh-hans", text="", by=staff.ops)
    assert not WordingTemplate.objects.exists()
    assert AuditEntry.objects.filter(action="workorders.wording.reset").exists()
    with pytest.raises(DomainError):
        services.save_template(situation="nope", language="zh-hans", text="x", by=staff.ops)


def test_wo_15_without_standard_wording_no_notice_on_close(staff, now):
    PolicyVersion.objects.create(
        company=None, effective_from=T0.date(), values={"wo.standard_wording": False},
        created_at=T0,
    )  # fmt: skip
    order = closed(staff, now, "customer_side")
    assert not OrderEvent.objects.filter(order=order, kind="customer_notice").exists()


def login(client, persona):
    client.force_login(persona.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_wo_15_the_wording_page_is_the_operations_managers(client, staff, now):
    url = reverse("workorders:wording")
    assert login(client, staff.cs).get(url).status_code == 404
    assert login(client, staff.engineer_a).get(url).status_code == 404
    page = login(client, staff.ops).get(url)
    assert page.status_code == 200
    assert 'data-testid="wording-complaint_repeat"' in page.content.decode()
    client.post(url, {"situation": "checking", "language": "en", "text": "Hello {customer}"})
    assert WordingTemplate.objects.get(situation="checking", language="en").text == (
        "Hello {customer}"
    )
    assert "Hello {customer}" in client.get(url).content.decode()


def test_wo_15_the_order_page_shows_and_records_the_matching_notice(client, staff, now):
    order = dispatched(staff)
    order = services.log_contact(order, by=staff.engineer_a, outcome="reached")
    order = services.take_step(order, "on_the_way", by=staff.engineer_a)
    order = services.take_step(order, "arrive", by=staff.engineer_a)
    services.escalate_to_tech(order, by=staff.engineer_a, note="光模块损坏")
    url = reverse("workorders:detail", args=[order.pk])
    page = login(client, staff.engineer_a).get(url).content.decode()
    assert 'data-situation="not_solved_on_site"' in page
    assert "could not be solved on site" in page and "暂时无法在现场解决" in page
    other = client.get(url + "?notice=complaint_repeat").content.decode()
    assert 'data-situation="complaint_repeat"' in other
    response = client.post(
        reverse("workorders:notice", args=[order.pk]),
        {"situation": "complaint_repeat", "language": "zh-hans"},
    )
    assert response.status_code == 302
    notice = OrderEvent.objects.get(order=order, kind="customer_notice")
    assert notice.by == staff.engineer_a and "深表歉意" in notice.note
    # someone else's order: no notice
    assert (
        login(client, staff.engineer_b)
        .post(reverse("workorders:notice", args=[order.pk]), {"situation": "checking"})
        .status_code
        == 404
    )
