"""Inspection pages: the engineer's phone pages, per-item errors with nothing stored, the
one-tap repair order (HTMX partial), skip approval (INS-01), spot checks (CB-03), checklists
built on a page (INS-09), plans; outsiders get 404."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import PolicyVersion
from inspections import services
from inspections.models import Answer, ChecklistTemplate, Plan, SkipRequest, SpotCheck, Ticket
from inspections.tests.conftest import jpeg
from workorders.models import Order

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)
HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


def login(client, persona):
    client.force_login(persona.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def tickets(ins, time_machine):
    time_machine.move_to(NOW, tick=False)
    services.generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    ins.epon_ticket = Ticket.objects.get(asset=ins.epon)
    return ins


def form_data(ticket, **overrides):
    data = {}
    for item in ticket.template.items.all():
        data[f"item_{item.pk}"] = {"yes_no": "yes", "number": "1", "text": "ok", "photo": ""}[
            item.kind
        ]
        if item.kind == "photo":
            data[f"photo_{item.pk}"] = jpeg()
    for fragment, (value, note) in overrides.items():
        item = ticket.template.items.get(label__contains=fragment)
        data[f"item_{item.pk}"] = value
        data[f"note_{item.pk}"] = note
    return data


def test_my_inspections_shows_today_and_overdue_only_mine(client, tickets):
    login(client, tickets.engineer_a)
    page = client.get(reverse("inspections:mine"))
    assert page.status_code == 200
    planned_today = Ticket.objects.filter(
        engineer=tickets.engineer_a, planned_on__lte=date(2026, 11, 3)
    )
    assert page.text.count('data-testid="ticket-card"') == planned_today.count() > 0
    assert "东苑 EPON 干线 1" in page.text
    login(client, tickets.engineer_b)
    assert 'data-testid="ticket-card"' not in client.get(reverse("inspections:mine")).text


def test_an_outsider_gets_404_on_a_ticket(client, tickets):
    login(client, tickets.engineer_b)
    url = reverse("inspections:ticket", args=[tickets.epon_ticket.pk])
    assert client.get(url).status_code == 404
    login(client, tickets.client_pic)
    assert client.get(url).status_code == 200  # the client sees his sites' tickets


def test_INS_09_the_page_names_each_wrong_item_and_stores_nothing(client, tickets):
    login(client, tickets.engineer_a)
    ticket = tickets.epon_ticket
    data = form_data(ticket)
    photo_item = ticket.template.items.get(kind="photo")
    del data[f"photo_{photo_item.pk}"]
    cable = ticket.template.items.get(label__contains="光缆")
    data[f"item_{cable.pk}"] = ""
    response = client.post(reverse("inspections:ticket", args=[ticket.pk]), data)
    assert response.status_code == 400
    assert response.text.count('data-testid="item-error"') == 2
    assert "A photo is required." in response.text
    assert not Answer.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_a_water_damaged_cable_opens_a_repair_order_in_one_tap(client, tickets):
    login(client, tickets.engineer_a)
    ticket = tickets.epon_ticket
    response = client.post(
        reverse("inspections:ticket", args=[ticket.pk]), form_data(ticket, 光缆=("no", "进水"))
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert 'data-testid="open-order"' in page.text
    answer = Answer.objects.get(anomaly=True)
    assert not answer.photo  # photos on other items are optional
    tap = client.post(reverse("inspections:anomaly-order", args=[answer.pk]), **HTMX)
    assert tap.status_code == 200
    order = Order.objects.get()
    assert order.number in tap.text and 'data-testid="order-link"' in tap.text
    login(client, tickets.dispatch)
    board = client.get(reverse("workorders:board"))
    assert order.number in board.text


def test_an_anomaly_may_carry_its_own_photo(client, tickets):
    login(client, tickets.engineer_a)
    ticket = tickets.epon_ticket
    data = form_data(ticket, 光缆=("no", "进水"))
    cable = ticket.template.items.get(label__contains="光缆")
    data[f"photo_{cable.pk}"] = jpeg("cable.jpg")
    assert client.post(reverse("inspections:ticket", args=[ticket.pk]), data).status_code == 302
    answer = Answer.objects.get(anomaly=True)
    assert answer.photo.name.endswith(".jpg")
    assert client.get(reverse("inspections:photo", args=[answer.pk])).status_code == 200
    login(client, tickets.engineer_b)
    assert client.get(reverse("inspections:photo", args=[answer.pk])).status_code == 404


def test_someone_else_cannot_open_the_order(client, tickets):
    ticket = tickets.epon_ticket
    login(client, tickets.engineer_a)
    client.post(
        reverse("inspections:ticket", args=[ticket.pk]), form_data(ticket, 光缆=("no", "进水"))
    )
    answer = Answer.objects.get(anomaly=True)
    login(client, tickets.manager_a)
    assert client.post(reverse("inspections:anomaly-order", args=[answer.pk])).status_code == 403
    login(client, tickets.engineer_b)
    assert client.post(reverse("inspections:anomaly-order", args=[answer.pk])).status_code == 404
    assert not Order.objects.exists()


def test_INS_01_skip_request_and_approval_on_the_pages(client, tickets):
    ticket = tickets.epon_ticket
    login(client, tickets.engineer_a)
    client.post(reverse("inspections:skip-request", args=[ticket.pk]), {"reason": "道路施工"})
    skip = SkipRequest.objects.get()
    login(client, tickets.supervisor_a)
    inbox = client.get(reverse("inspections:skips"))
    assert "道路施工" in inbox.text and 'data-testid="approve"' in inbox.text
    client.post(reverse("inspections:skip-decide", args=[skip.pk]), {"decision": "approve"})
    assert Ticket.objects.get(pk=ticket.pk).status == "skipped"
    login(client, tickets.engineer_b)
    assert client.post(reverse("inspections:skip-decide", args=[skip.pk])).status_code == 404


def test_CB_03_the_dispatch_centre_records_a_mismatch(client, tickets):
    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2020, 1, 1),
        values={"cb.spot_check_percent": 100},
        created_at=NOW,
    )
    login(client, tickets.engineer_a)
    client.post(
        reverse("inspections:ticket", args=[tickets.epon_ticket.pk]),
        form_data(tickets.epon_ticket),
    )
    check = SpotCheck.objects.get()
    login(client, tickets.dispatch)
    page = client.get(reverse("inspections:spotchecks"))
    assert 'data-testid="spotcheck"' in page.text
    client.post(
        reverse("inspections:spotcheck-record", args=[check.pk]),
        {"result": "mismatch", "note": "用户说没人来过"},
    )
    assert SpotCheck.objects.get().result == "mismatch"
    login(client, tickets.engineer_a)  # an engineer does not record spot checks
    assert client.post(reverse("inspections:spotcheck-record", args=[check.pk])).status_code == 404


def test_INS_09_the_ops_manager_builds_a_checklist_on_a_page(client, tickets):
    login(client, tickets.ops)
    response = client.post(
        reverse("inspections:checklists"),
        {"name": "交换机检查（甲方）", "asset_kind": "switch", "client": tickets.client.pk},
    )
    template = ChecklistTemplate.objects.get(name="交换机检查（甲方）")
    assert response.status_code == 302 and template.status == "draft"
    url = reverse("inspections:checklist", args=[template.pk])
    bad = client.post(
        url, {"label": "温度", "kind": "number", "min_value": "50", "max_value": "10"}
    )
    assert bad.status_code == 400 and not template.items.exists()
    client.post(url, {"label": "线路标签", "kind": "yes_no", "required": "on", "rule_id": "INS-08"})
    client.post(url, {"label": "温度", "kind": "number", "min_value": "0", "max_value": "60"})
    second = template.items.get(label="温度")
    action = reverse("inspections:checklist-action", args=[template.pk])
    client.post(action, {"action": "up", "item": second.pk})
    assert list(template.items.order_by("position").values_list("label", flat=True)) == [
        "温度",
        "线路标签",
    ]
    client.post(action, {"action": "publish"})
    assert ChecklistTemplate.objects.get(pk=template.pk).status == "published"
    login(client, tickets.engineer_a)  # not an editor
    assert client.post(action, {"action": "new_version"}).status_code == 404


def test_plans_page_shows_completion_and_refuses_an_impossible_recurrence(client, tickets):
    login(client, tickets.ops)
    page = client.get(reverse("inspections:plans"))
    assert page.status_code == 200 and "INS-01" in page.text
    assert 'data-testid="people-completion"' in page.text and tickets.engineer_a.name in page.text
    before = Plan.objects.count()
    bad = client.post(
        reverse("inspections:plans"),
        {
            "name": "机房",
            "rule_id": "INS-08",
            "asset_kind": "machine_room",
            "frequency": "weekly",
            "per_period": "9",
        },
    )
    assert bad.status_code == 400 and Plan.objects.count() == before


def test_asset_and_ticket_lists_are_scoped(client, tickets):
    login(client, tickets.manager_a)
    assert "星空网吧" in client.get(reverse("inspections:assets")).text
    assert "东苑" in client.get(reverse("inspections:tickets")).text
    login(client, tickets.engineer_b)
    assert "星空网吧" not in client.get(reverse("inspections:assets")).text
    missed = client.get(reverse("inspections:tickets") + "?status=missed")
    assert missed.status_code == 200


@pytest.mark.parametrize("persona", ["ops", "manager_a", "engineer_a", "client_pic", "dispatch"])
def test_every_page_renders_for_every_persona(client, tickets, persona):
    login(client, getattr(tickets, persona))
    for name in ["mine", "tickets", "assets", "plans", "checklists", "skips", "spotchecks"]:
        assert client.get(reverse(f"inspections:{name}")).status_code == 200, name
    template = ChecklistTemplate.objects.first()
    assert client.get(reverse("inspections:checklist", args=[template.pk])).status_code == 200


def test_the_index_sends_engineers_to_their_day(client, tickets):
    login(client, tickets.engineer_a)
    assert client.get("/inspections/").url == reverse("inspections:mine")
    login(client, tickets.manager_a)
    assert client.get("/inspections/").url == reverse("inspections:tickets")


def test_pages_need_a_login(client, tickets):
    response = client.get(reverse("inspections:mine"))
    assert response.status_code == 302 and "/login/" in response.url


def test_CB_03_the_dispatcher_sees_the_cafes_full_number_others_masked(client, tickets):
    """SEC-05: the dispatch centre calls back, so it sees the number in full."""
    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2020, 1, 1),
        values={"cb.spot_check_percent": 100},
        created_at=NOW,
    )
    cafe = Ticket.objects.filter(asset=tickets.cafe).first()
    login(client, tickets.engineer_a)
    client.post(reverse("inspections:ticket", args=[cafe.pk]), form_data(cafe))
    assert SpotCheck.objects.filter(ticket=cafe).exists()
    login(client, tickets.dispatch)
    assert "13512341203" in client.get(reverse("inspections:spotchecks")).text
    login(client, tickets.manager_a)
    page = client.get(reverse("inspections:spotchecks")).text
    assert "13512341203" not in page


def test_an_asset_added_in_the_admin_gets_its_engineer_from_the_zone(client, tickets):
    from django.contrib.auth import get_user_model

    from inspections.models import Asset

    admin = get_user_model().objects.create_superuser("root", password="pass-word-1")
    client.force_login(admin)
    response = client.post(
        reverse("admin:inspections_asset_add"),
        {
            "name": "东苑 3 号交接箱",
            "kind": "junction_box",
            "unit": tickets.community_a.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    asset = Asset.objects.get(name="东苑 3 号交接箱")
    assert (asset.engineer, asset.station, asset.client) == (
        tickets.engineer_a,
        tickets.station_a,
        tickets.client,
    )
