"""WO-12: each day's event record (运维事件记录单) is handed in before the end of the day: the
rule at its deadline, the idempotent hand-in on the page and the API, the periodic check that
flags records not handed in and tells the group leader, and the leader's view per engineer."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from core.errors import DomainError
from core.models import AuditEntry
from core.services import create_api_token
from notifications.models import Notification
from workorders import rules, services
from workorders.models import DailyRecord
from workorders.tests.conftest import T0, dispatched

TZ = ZoneInfo("Asia/Shanghai")
DAY = T0.date()
DEADLINE = datetime(2026, 11, 3, 23, 59, tzinfo=TZ)


# --- the rule ------------------------------------------------------------------------------------


def test_wo_12_the_deadline_is_the_policy_time_of_that_day():
    assert rules.hand_in_deadline(DAY, time(23, 59), TZ) == DEADLINE


@pytest.mark.parametrize(
    ("handed_in_at", "now", "state"),
    [
        (None, DEADLINE, "open"),  # until the deadline itself: still open
        (None, DEADLINE + timedelta(seconds=1), "missing"),
        (DEADLINE, DEADLINE + timedelta(hours=1), "handed_in"),  # at the deadline: in time
        (DEADLINE + timedelta(seconds=1), DEADLINE + timedelta(hours=1), "late"),
    ],
)
def test_wo_12_hand_in_state_at_the_deadline(handed_in_at, now, state):
    assert rules.hand_in_state(handed_in_at=handed_in_at, deadline=DEADLINE, now=now) == state


# --- services ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_wo_12_handing_in_is_idempotent_and_his_own_only(staff, now):
    dispatched(staff)  # events of the day by customer service
    now.move_to(T0 + timedelta(hours=8))
    first = services.hand_in_daily(staff.engineer_a, DAY, by=staff.engineer_a)
    now.move_to(T0 + timedelta(hours=9))
    again = services.hand_in_daily(staff.engineer_a, DAY, by=staff.engineer_a)
    assert again.pk == first.pk and again.handed_in_at == T0 + timedelta(hours=8)
    assert DailyRecord.objects.count() == 1
    assert AuditEntry.objects.filter(action="workorders.daily.handed_in").count() == 1
    with pytest.raises(DomainError):
        services.hand_in_daily(staff.engineer_a, DAY, by=staff.leader_a)
    with pytest.raises(DomainError):
        services.hand_in_daily(staff.engineer_a, DAY + timedelta(days=1), by=staff.engineer_a)


@pytest.mark.django_db
def test_wo_12_records_not_handed_in_are_flagged_once_and_the_leader_told(staff, now):
    order = dispatched(staff, staff.engineer_a)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")  # his event of the day
    other = dispatched(staff, staff.vendor_engineer_a)
    services.log_contact(other, by=staff.vendor_engineer_a, outcome="reached")
    services.hand_in_daily(staff.vendor_engineer_a, DAY, by=staff.vendor_engineer_a)
    assert services.flag_missing_records(DAY, now=DEADLINE) == 0  # not yet
    assert services.flag_missing_records(DAY, now=DEADLINE + timedelta(minutes=1)) == 1
    assert services.flag_missing_records(DAY, now=DEADLINE + timedelta(minutes=11)) == 0
    record = DailyRecord.objects.get(person=staff.engineer_a, day=DAY)
    assert record.flagged_at == DEADLINE + timedelta(minutes=1) and record.handed_in_at is None
    told = Notification.objects.filter(event="workorders.daily.missing")
    assert [n.recipient for n in told] == [staff.leader_a]
    assert staff.engineer_a.name in told[0].title
    # customer service recorded events too, but it keeps no daily record of its own
    assert not DailyRecord.objects.filter(person=staff.cs).exists()


@pytest.mark.django_db
def test_wo_12_a_late_hand_in_after_the_flag_is_recorded_as_late(staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    services.flag_missing_records(DAY, now=DEADLINE + timedelta(minutes=1))
    now.move_to(DEADLINE + timedelta(hours=9))
    services.hand_in_daily(staff.engineer_a, DAY, by=staff.engineer_a)
    (row,) = services.hand_in_states([staff.engineer_a], DAY, now=DEADLINE + timedelta(hours=10))
    assert row["state"] == "late" and row["events"] == 1 and row["flagged_at"] is not None


# --- pages and API -------------------------------------------------------------------------------


def login(client, persona):
    client.force_login(persona.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_wo_12_the_hand_in_button_and_the_leaders_view(client, staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    url = reverse("workorders:daily", args=[DAY.isoformat()])
    page = login(client, staff.engineer_a).get(url).content.decode()
    assert 'data-testid="hand-in-button"' in page and 'data-state="open"' in page
    hand_in = reverse("workorders:daily-hand-in", args=[DAY.isoformat()])
    assert client.post(hand_in).status_code == 302
    assert client.post(hand_in).status_code == 302  # twice: still one record
    page = client.get(url).content.decode()
    assert 'data-state="handed_in"' in page and 'data-testid="hand-in-button"' not in page
    assert DailyRecord.objects.get().handed_in_at == T0
    # an engineer does not see the team's view
    assert (
        client.get(reverse("workorders:daily-hand-ins", args=[DAY.isoformat()])).status_code == 404
    )
    team = login(client, staff.leader_a).get(
        reverse("workorders:daily-hand-ins", args=[DAY.isoformat()])
    )
    body = team.content.decode()
    assert f'data-person="{staff.engineer_a.pk}" data-state="handed_in"' in body
    assert f'data-person="{staff.vendor_engineer_a.pk}" data-state="open"' in body
    assert staff.engineer_b.name not in body  # another station's engineer


@pytest.mark.django_db
def test_wo_12_hand_in_over_the_api(client, staff, now):
    order = dispatched(staff)
    services.log_contact(order, by=staff.engineer_a, outcome="reached")
    secret = create_api_token(staff.engineer_a.user, name="phone")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    first = client.post(f"/api/daily/{DAY.isoformat()}/hand-in", **headers).json()
    again = client.post(f"/api/daily/{DAY.isoformat()}/hand-in", **headers).json()
    assert first == again and first["state"] == "handed_in" and first["events"] == 1
    future = client.post(f"/api/daily/{(DAY + timedelta(days=1)).isoformat()}/hand-in", **headers)
    assert future.status_code == 400 and future.json()["errors"][0]["field"] == "day"
    assert client.get(f"/api/daily/{DAY.isoformat()}/hand-ins", **headers).status_code == 403
    leader = create_api_token(staff.leader_a.user, name="phone")[1]
    rows = client.get(
        f"/api/daily/{DAY.isoformat()}/hand-ins", HTTP_AUTHORIZATION=f"Bearer {leader}"
    ).json()
    states = {row["person_id"]: row["state"] for row in rows}
    assert states[staff.engineer_a.pk] == "handed_in"
