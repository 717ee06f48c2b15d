"""Reads of work orders: who sees which orders, engineer suggestions (ranking and reasons, a
fixed number of queries), the board (SLA colour, a fixed number of queries for 5 or 50 orders),
running clocks, the daily event record's day in Asia/Shanghai."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import make_person
from leave.models import Request
from people.models import Skill
from people.roles import Role
from workorders import queries, services
from workorders.models import Order, OrderEvent
from workorders.tests.conftest import T0, TZ, at, dispatched
from workorders.tests.factories import repair_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def engineer(org, username, **fields):
    return make_person(
        username,
        Role.ENGINEER,
        employer=org.own,
        unit=fields.pop("unit", org.station_a),
        client=org.client,
        **fields,
    )


# --- scope --------------------------------------------------------------------------------------


def test_who_sees_which_orders(staff, now):
    order_a = dispatched(staff)
    order_b = services.create_order(
        by=staff.cs,
        kind="repair",
        unit=staff.station_b,
        customer=staff.customer_b,
        description="x",
        fault_class="general",
    )
    seen = {
        persona: set(queries.orders_for(getattr(staff, persona).user).values_list("pk", flat=True))
        for persona in [
            "cs",
            "ops",
            "hr",
            "manager_a",
            "leader_a",
            "engineer_a",
            "vendor_engineer_a",
            "engineer_b",
            "client_pic",
            "vendor_contact",
        ]
    }
    both = {order_a.pk, order_b.pk}
    assert seen == {
        "cs": both,
        "ops": both,
        "hr": both,
        "manager_a": {order_a.pk},
        "leader_a": {order_a.pk},  # his team's engineer has it
        "engineer_a": {order_a.pk},
        "vendor_engineer_a": set(),
        "engineer_b": set(),
        "client_pic": {order_a.pk},
        "vendor_contact": set(),
    }


# --- suggestions --------------------------------------------------------------------------------


@pytest.fixture
def crew(staff):
    """Station A's engineers with zones, skills, load, leave and appointments."""
    repair_skill = Skill.objects.create(name="宽带维修")
    Skill.objects.create(name="有线电视")
    staff.engineer_a.zones.add(staff.community_a)
    staff.engineer_a.skills.add(repair_skill)
    staff.vendor_engineer_a.skills.add(repair_skill)
    staff.busy = engineer(staff, "busy_a")
    staff.busy.zones.add(staff.station_a)  # a zone above the order's community covers it
    staff.away = engineer(staff, "away_a")
    staff.away.zones.add(staff.community_a)
    Request.objects.create(
        person=staff.away,
        kind="secondment",
        status="approved",
        start_date=T0.date(),
        end_date=T0.date() + timedelta(days=2),
        reason="抽调",
        created_at=T0,
    )
    return staff


def test_suggestions_rank_presence_zone_skill_then_load(crew, now):
    for _ in range(2):
        dispatched(crew, engineer=crew.busy)
    order = repair_order(crew)
    ranked = queries.suggest_engineers(order, T0)
    names = [s.person.pk for s in ranked]
    assert names == [
        crew.engineer_a.pk,  # zone + skill, no load
        crew.busy.pk,  # zone (the station above), no skill, 2 open orders
        crew.vendor_engineer_a.pk,  # skill only
        crew.leader_a.pk,  # neither
        crew.away.pk,  # seconded today: last whatever his zone
    ]
    best, busy, *_rest, away = ranked
    assert best.reasons == [
        "Responsibility zone covers this site",
        "Skill: 宽带维修",
        "No open orders",
        "Free now",
    ]
    assert busy.load == 2 and "2 open orders" in busy.reasons
    assert away.away and away.reasons[0] == "On leave, a trip or secondment today"
    assert crew.engineer_b.pk not in names  # another station


def test_the_next_free_time_comes_from_the_appointment_table(crew, now):
    first = dispatched(crew)
    services.log_contact(first, by=crew.engineer_a, outcome="reached")
    services.agree_appointment(first, by=crew.engineer_a, start=at(-30), end=at(60))
    order = repair_order(crew)
    best = next(s for s in queries.suggest_engineers(order, T0) if s.person == crew.engineer_a)
    assert best.free_at == at(60)
    assert "Next free time: 11-03 10:00" in best.reasons


def test_a_reassignment_does_not_suggest_the_current_engineer(crew, now):
    order = dispatched(crew)
    assert crew.engineer_a not in [s.person for s in queries.suggest_engineers(order, T0)]


def test_skills_follow_the_order_type(crew, now):
    cable = Skill.objects.get(name="有线电视")
    install_skill = Skill.objects.create(name="宽带报装")
    crew.leader_a.skills.add(install_skill, cable)
    order = services.create_order(
        by=crew.cs,
        kind="install",
        unit=crew.community_a,
        customer=crew.customer_a,
        description="新装",
        registration={"name": "张三", "id_number": "44010619900101123X", "package": "100M"},
    )
    leader = next(s for s in queries.suggest_engineers(order, T0) if s.person == crew.leader_a)
    assert leader.skill == "宽带报装"
    assert queries.skill_words(order) == queries.SKILL_WORDS["install"]


def test_suggestions_take_the_same_queries_for_3_or_30_engineers(crew, now):
    order = repair_order(crew)
    with CaptureQueriesContext(connection) as few:
        queries.suggest_engineers(order, T0)
    for n in range(27):
        person = engineer(crew, f"more{n}")
        person.zones.add(crew.community_a)
        person.skills.add(Skill.objects.get(name="宽带维修"))
    with CaptureQueriesContext(connection) as many:
        assert len(queries.suggest_engineers(order, T0, limit=100)) == 32
    assert len(many) == len(few) <= 5, [q["sql"] for q in many.captured_queries]


# --- the board ----------------------------------------------------------------------------------


def board(user, **filters):
    return list(queries.board_orders(user, filters, now=services.clock.now()))


def test_an_order_late_on_site_stays_red_after_the_sweep_moved_on(staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    services.sweep_order(order.pk, now=at(61))  # WO-02 breach; next deadline: completion in 24 h
    now.move_to(at(62))
    stored = Order.objects.get(pk=order.pk)
    assert stored.next_due_at == at(24 * 60)
    (row,) = board(staff.cs.user)
    assert row.sla == "red"
    clock = queries.first_clock(row)
    assert (clock.name, clock.rule_id, clock.due) == ("on_site", "WO-02", at(60))
    services.take_step(stored, "arrive", by=staff.engineer_a)
    (row,) = board(staff.cs.user)
    assert row.sla == "green" and queries.first_clock(row).name == "complete"


def test_the_board_puts_red_before_amber_before_green(staff, now):
    green = repair_order(staff)
    amber = dispatched(staff)
    now.move_to(at(-30))
    red = dispatched(staff)  # dispatched half an hour earlier: contact clock has run out
    now.move_to(T0)
    assert [o.sla for o in board(staff.cs.user)] == ["red", "amber", "green"]
    assert [o.pk for o in board(staff.cs.user)] == [red.pk, amber.pk, green.pk]
    assert [o.pk for o in board(staff.cs.user, sla="amber")] == [amber.pk]


def test_closed_orders_have_no_colour_and_leave_the_default_board(staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    for name in ["arrive", "resolve"]:
        services.take_step(order, name, by=staff.engineer_a)
    services.close_order(order, by=staff.cs, cause_class="our_side")
    assert board(staff.cs.user) == []
    (row,) = board(staff.cs.user, state="all")
    assert row.sla == "" and queries.first_clock(row) is None


def _board_queries(client, n_more, staff):
    for _ in range(n_more):
        dispatched(staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workorders:board"))
    assert response.status_code == 200
    return ctx


def test_the_board_page_takes_the_same_queries_for_5_or_50_orders(client, staff, now):
    client.force_login(staff.cs.user)
    services.sweep_order(dispatched(staff).pk, now=at(10))  # a breach to count
    few = _board_queries(client, 4, staff)
    many = _board_queries(client, 45, staff)
    assert Order.objects.count() == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 12


def test_the_board_partial_takes_the_same_queries_too(client, staff, now):
    client.force_login(staff.ops.user)
    url = reverse("workorders:board") + f"?station={staff.station_a.pk}&sla=amber"
    dispatched(staff)
    with CaptureQueriesContext(connection) as few:
        client.get(url, HTTP_HX_REQUEST="true")
    for _ in range(30):
        dispatched(staff)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.text.count("data-order=") == 31
    assert len(many) == len(few)


def test_the_phone_page_takes_the_same_queries_for_1_or_10_orders(client, staff, now):
    client.force_login(staff.engineer_a.user)
    dispatched(staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workorders:mine"))
    for _ in range(9):
        order = dispatched(staff)
        services.log_contact(order, by=staff.engineer_a, outcome="reached")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("workorders:mine"))
    assert response.text.count('data-testid="order-card"') == 10
    assert len(many) == len(few)


# --- the engineer's day -------------------------------------------------------------------------


def test_the_daily_record_is_his_events_of_the_local_day(staff, now):
    order = dispatched(staff)
    late_evening = datetime(2026, 11, 3, 23, 30, tzinfo=TZ)
    next_morning = datetime(2026, 11, 4, 0, 30, tzinfo=TZ)
    for when in (late_evening, next_morning):
        OrderEvent.objects.create(order=order, at=when, kind="call", by=staff.engineer_a)
    day = queries.daily_events(staff.engineer_a, T0.date())
    assert [e.at for e in day] == [late_evening]
    assert [e.kind for e in queries.daily_events(staff.cs, T0.date())] == ["created", "dispatched"]


def test_his_orders_include_a_closed_one_until_the_follow_up(staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    for name in ["arrive", "resolve"]:
        services.take_step(order, name, by=staff.engineer_a)
    order = services.close_order(order, by=staff.cs, cause_class="our_side")
    (mine,) = queries.engineer_orders(staff.engineer_a, now=T0)
    assert mine.state == "closed" and queries.next_step(mine) == "follow_up"
    services.take_step(order, "follow_up", by=staff.engineer_a)
    assert list(queries.engineer_orders(staff.engineer_a, now=T0)) == []


@pytest.mark.parametrize(
    ("kind", "state", "step"),
    [
        ("repair", "dispatched", "contact"),
        ("inspection", "dispatched", "on_the_way"),
        ("install", "contacted", "appoint"),
        ("repair", "contacted", "on_the_way"),
        ("repair", "on_the_way", "arrive"),
        ("repair", "escalated", "resolve"),
        ("repair", "not_completed", "contact"),
        ("repair", "resolved", "feedback"),
        ("repair", "feedback", ""),
    ],
)
def test_the_next_step_on_the_phone(kind, state, step):
    assert queries.next_step(Order(kind=kind, state=state)) == step


def test_the_api_list_takes_the_same_queries_for_2_or_30_orders(client, staff, now):
    from core.services import create_api_token

    token = create_api_token(staff.engineer_a.user, name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for _ in range(2):
        dispatched(staff)
    client.get("/api/orders", **headers)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/orders", **headers).json()["count"] == 2
    for _ in range(28):
        dispatched(staff)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/orders", **headers).json()
    assert body["count"] == 30 and body["items"][0]["customer_phone"] == "135****1203"
    assert len(many) == len(few)
