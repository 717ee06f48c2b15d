"""Delivery of notifications through the station's channels: who gets what, the worker sending
to real local receivers (HTTP robots, SMTP), retries with backoff and the delivery log."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext_lazy
from huey.contrib.djhuey import HUEY

from conftest import PASSWORD
from core.models import AuditEntry
from notifications import services, tasks
from notifications.models import Channel, Delivery, DeliveryRule, Notification
from notifications.tests.receivers import SmtpReceiver, WebhookReceiver, body_text, free_port
from people.tests.factories import UserFactory
from workorders import services as wo_services
from workorders.tests.factories import repair_order

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)
SECRET = "SECtest-secret"


@pytest.fixture
def robots():
    receiver = WebhookReceiver(secrets={"/dingtalk/a": SECRET, "/feishu/a": SECRET})
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp(settings):
    receiver = SmtpReceiver()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", receiver.port
    yield receiver
    receiver.stop()


@pytest.fixture
def huey_immediate():
    """Tasks run in this process as they are enqueued; scheduled ones wait in memory."""
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False


@pytest.fixture
def clock_at():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setup(org, robots):
    """Station A: its group robots hear of work-order chain events; the region's mailbox hears
    of everything; station B has a robot of its own."""
    org.ding = Channel.objects.create(
        name="A 钉钉群", kind="dingtalk", url=robots.url("/dingtalk/a"), secret=SECRET
    )
    org.wecom = Channel.objects.create(name="A 企业微信", kind="wecom", url=robots.url("/wecom/a"))
    org.feishu = Channel.objects.create(
        name="A 飞书", kind="feishu", url=robots.url("/feishu/a"), secret=SECRET
    )
    org.mailbox = Channel.objects.create(name="运营部邮箱", kind="email", emails="ops@example.cn")
    org.wecom_b = Channel.objects.create(
        name="B 企业微信", kind="wecom", url=robots.url("/wecom/b")
    )
    for channel in (org.ding, org.wecom, org.feishu):
        DeliveryRule.objects.create(
            unit=org.station_a, event_prefix="workorders.chain", channel=channel
        )
    DeliveryRule.objects.create(unit=org.region, event_prefix="", channel=org.mailbox)
    DeliveryRule.objects.create(unit=org.station_b, event_prefix="", channel=org.wecom_b)
    return org


def chain_notice(org, person=None, **kwargs):
    return services.notify(
        person or org.ops,
        event="workorders.chain.ops",
        title=gettext_lazy("Order {number}: the customer was not contacted in time"),
        params={"number": "WO2026110300001"},
        url="/orders/1/",
        **kwargs,
    )


def targets(notification):
    return sorted(d.target for d in notification.deliveries.all())


# --- who gets what -------------------------------------------------------------------------------


def test_the_rules_of_the_unit_and_every_unit_above_it_apply(setup):
    notification = chain_notice(setup, unit=setup.community_a)
    assert notification.unit == setup.community_a
    assert targets(notification) == ["A 企业微信", "A 钉钉群", "A 飞书", "运营部邮箱"]
    assert set(notification.deliveries.values_list("status", "attempts")) == {("pending", 0)}


def test_an_event_outside_the_prefix_goes_only_where_every_event_goes(setup):
    notification = services.notify(
        setup.engineer_a,
        event="workorders.order.dispatched",
        title="New order",
        unit=setup.community_a,
    )
    assert targets(notification) == ["运营部邮箱"]


def test_without_a_unit_the_recipients_own_unit_counts(setup):
    assert chain_notice(setup, person=setup.engineer_b).unit == setup.station_b
    assert targets(Notification.objects.get(recipient=setup.engineer_b)) == [
        "B 企业微信",
        "运营部邮箱",
    ]


def test_a_unit_without_rules_sends_nothing_outside_the_app(org):
    notification = chain_notice(org, unit=org.community_a)
    assert notification is not None and not notification.deliveries.exists()


def test_inactive_channels_and_rules_are_skipped_and_a_channel_is_used_once(setup):
    setup.feishu.active = False
    setup.feishu.save()
    DeliveryRule.objects.filter(channel=setup.mailbox).update(active=False)
    DeliveryRule.objects.create(unit=setup.region, event_prefix="workorders", channel=setup.ding)
    assert targets(chain_notice(setup, unit=setup.station_a)) == ["A 企业微信", "A 钉钉群"]


def test_the_recipient_gets_a_mail_of_his_own_when_a_rule_asks_and_he_has_an_address(setup):
    DeliveryRule.objects.create(unit=setup.station_a, to_recipient_email=True)
    setup.ops.user.email = "ops.manager@example.cn"
    setup.ops.user.save()
    assert "ops.manager@example.cn" in targets(chain_notice(setup, unit=setup.station_a))
    assert "@" not in "".join(
        t
        for t in targets(chain_notice(setup, person=setup.manager_a, unit=setup.station_a))
        if t != "运营部邮箱"
    )


def test_work_order_notices_belong_to_the_orders_station(setup):
    order = repair_order(setup)
    wo_services.dispatch_order(order, engineer=setup.engineer_a, by=setup.cs)
    notification = Notification.objects.get(event="workorders.order.dispatched")
    assert notification.unit == setup.community_a
    assert targets(notification) == ["运营部邮箱"]


# --- sending ------------------------------------------------------------------------------------


def test_after_commit_the_worker_sends_to_every_channel(
    setup, robots, smtp, huey_immediate, django_capture_on_commit_callbacks
):
    setup.ops.phone = "13512341203"
    setup.ops.language = "en"
    setup.ops.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = chain_notice(setup, unit=setup.community_a)
        assert not robots.posts  # nothing leaves before the commit
    assert len(callbacks) == 1
    title = "Order WO2026110300001: the customer was not contacted in time"
    [ding] = robots.posts_to("/dingtalk/a")
    assert ding.signature_ok is True
    assert ding.text == f"{title}\nFor: {setup.ops.name} @13512341203"
    assert ding.body["at"] == {"atMobiles": ["13512341203"], "isAtAll": False}
    [wecom] = robots.posts_to("/wecom/a")
    assert wecom.body == {
        "msgtype": "text",
        "text": {
            "content": f"{title}\nFor: {setup.ops.name}",
            "mentioned_mobile_list": ["13512341203"],
        },
    }
    [feishu] = robots.posts_to("/feishu/a")
    assert feishu.signature_ok is True and feishu.body["msg_type"] == "text"
    assert feishu.text == f"{title}\nFor: {setup.ops.name}"
    [mail] = smtp.to("ops@example.cn")
    assert mail["Subject"] == title
    assert body_text(mail).strip() == f"{title}\nFor: {setup.ops.name}"
    deliveries = notification.deliveries.all()
    assert {(d.status, d.attempts, d.last_error) for d in deliveries} == {("sent", 1, "")}
    assert all(d.sent_at and d.next_try_at is None and len(d.history) == 1 for d in deliveries)


def test_a_personal_mail_has_no_for_line(setup, smtp):
    DeliveryRule.objects.create(unit=setup.station_a, to_recipient_email=True)
    setup.ops.user.email = "ops.manager@example.cn"
    setup.ops.user.save()
    notification = chain_notice(setup, unit=setup.station_a)
    delivery = notification.deliveries.get(channel__isnull=True)
    assert services.send_delivery(delivery.pk).status == "sent"
    [mail] = smtp.to("ops.manager@example.cn")
    assert body_text(mail).strip() == notification.title


def test_a_failing_robot_is_tried_again_with_growing_pauses(
    setup, robots, clock_at, huey_immediate
):
    robots.answers += [(500, {"error": "busy"}), (200, {"errcode": 130101, "errmsg": "too fast"})]
    delivery = chain_notice(setup, unit=setup.station_a).deliveries.get(channel=setup.wecom)

    first = services.send_delivery(delivery.pk)
    assert (first.status, first.attempts, first.next_try_at) == (
        "pending",
        1,
        T0 + timedelta(seconds=30),
    )
    assert first.last_error.startswith("HTTP 500")
    # The retry waits in Huey's schedule for its time.
    scheduled = [t for t in huey_immediate.scheduled() if t.args == (delivery.pk,)]
    assert [t.name for t in scheduled] == ["send_delivery_task"]

    assert services.send_delivery(delivery.pk) is None  # not due yet: no attempt
    clock_at.move_to(T0 + timedelta(seconds=30))
    second = services.send_delivery(delivery.pk)
    assert second.attempts == 2 and second.last_error == "error 130101: too fast"
    assert second.next_try_at == T0 + timedelta(seconds=30 + 60)

    clock_at.move_to(T0 + timedelta(seconds=90))
    third = services.send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (third.status, delivery.status, delivery.attempts) == ("sent", "sent", 3)
    assert [h["error"][:8] for h in delivery.history] == ["HTTP 500", "error 13", ""]
    assert len(robots.posts_to("/wecom/a")) == 3


def test_it_gives_up_after_the_last_attempt(setup, robots, clock_at, huey_immediate):
    robots.answers += [(502, {})] * 20
    delivery = chain_notice(setup, unit=setup.station_a).deliveries.get(channel=setup.wecom)
    for _attempt in range(services.RETRY.max_attempts):
        clock_at.move_to(Delivery.objects.get(pk=delivery.pk).next_try_at)
        assert services.send_delivery(delivery.pk) is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_try_at) == ("failed", 8, None)
    assert services.send_delivery(delivery.pk) is None
    assert len(robots.posts_to("/wecom/a")) == 8


def test_a_delivery_is_sent_once_however_often_its_task_runs(setup, robots, clock_at):
    delivery = chain_notice(setup, unit=setup.station_a).deliveries.get(channel=setup.ding)
    assert services.send_delivery(delivery.pk).status == "sent"
    assert services.send_delivery(delivery.pk) is None
    assert len(robots.posts_to("/dingtalk/a")) == 1


def test_an_attempt_whose_worker_died_is_taken_up_by_the_sweep(
    setup, robots, clock_at, huey_immediate
):
    delivery = chain_notice(setup, unit=setup.station_a).deliveries.get(channel=setup.ding)
    # A worker claimed the delivery and was killed before it reported back.
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_try_at=T0 + services.RETRY.attempt_timeout
    )
    assert services.due_deliveries(T0 + timedelta(minutes=1)) == [
        d.pk
        for d in Delivery.objects.filter(status="pending", next_try_at__lte=T0).order_by(
            "next_try_at"
        )
    ]
    assert delivery.pk not in services.due_deliveries(T0 + timedelta(minutes=1))
    clock_at.move_to(T0 + services.RETRY.attempt_timeout)
    tasks.send_due_deliveries()  # the once-a-minute safety net (run in this process)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(robots.posts_to("/dingtalk/a")) == 1
    assert Delivery.objects.filter(status="pending").count() == 0  # the sweep sent the rest too


def test_an_unreachable_mail_server_is_logged_and_retried(setup, settings, clock_at):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    delivery = chain_notice(setup, unit=setup.station_a).deliveries.get(channel=setup.mailbox)
    result = services.send_delivery(delivery.pk)
    assert result.status == "pending" and "ConnectionRefusedError" in result.last_error


# --- the delivery log and the configuration -----------------------------------------------------


def test_the_delivery_log_is_for_operations_and_hr(setup, client, robots, clock_at):
    robots.answers.append((500, {}))
    notification = chain_notice(setup, unit=setup.station_a)
    services.send_delivery(notification.deliveries.get(channel=setup.wecom).pk)
    url = reverse("notifications:deliveries")
    client.login(username="engineer_a", password=PASSWORD)
    assert client.get(url).status_code == 404
    client.login(username="hr", password=PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert notification.title in html and "HTTP 500" in html
    failed_filter = client.get(url, {"status": "pending", "channel": str(setup.wecom.pk)})
    assert failed_filter.content.decode().count('data-status="pending"') == 1
    client.login(username="ops", password=PASSWORD)
    assert client.get(reverse("notifications:inbox")).content.decode().count(url) == 1


def test_channel_changes_are_audited_without_their_credentials(org, client):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    add = reverse("admin:notifications_channel_add")
    response = client.post(
        add,
        {
            "name": "东城钉钉",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123",
            "secret": "SECsecret456",
            "emails": "",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    channel = Channel.objects.get(name="东城钉钉")
    assert channel.secret == "SECsecret456"
    # Saving again with the secret field left empty keeps the secret.
    change = reverse("admin:notifications_channel_change", args=[channel.pk])
    client.post(
        change,
        {
            "name": "东城钉钉群",
            "kind": "dingtalk",
            "url": channel.url,
            "secret": "",
            "emails": "",
            "active": "on",
        },
    )
    channel.refresh_from_db()
    assert channel.name == "东城钉钉群" and channel.secret == "SECsecret456"
    entries = AuditEntry.objects.filter(object_type="notifications.channel").order_by("pk")
    assert [e.action for e in entries] == ["admin.channel.created", "admin.channel.changed"]
    trail = str([(e.changes, e.data) for e in entries])
    assert "TOKEN123" not in trail and "SECsecret456" not in trail
    assert "sha256:" in trail and entries[1].changes == {"name": ["东城钉钉", "东城钉钉群"]}


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "email", "emails": ""}, "emails"),
        ({"kind": "email", "emails": "ops@example.cn, not-an-address"}, "emails"),
        ({"kind": "feishu", "url": ""}, "url"),
        ({"kind": "wecom", "url": "https://q/x?key=1", "secret": "s"}, "secret"),
    ],
)
def test_a_channel_needs_what_its_kind_needs(fields, error_field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        Channel(name="x", **fields).full_clean()
    assert error_field in caught.value.message_dict


def test_a_rule_needs_a_channel_or_the_recipients_mail(org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DeliveryRule(unit=org.station_a).full_clean()
    DeliveryRule(unit=org.station_a, to_recipient_email=True).full_clean()


def test_a_delivery_to_a_channel_switched_off_since_fails_at_once(setup, robots, clock_at):
    delivery = chain_notice(setup, unit=setup.station_a).deliveries.get(channel=setup.ding)
    Channel.objects.filter(pk=setup.ding.pk).update(active=False)
    result = services.send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (result.status, delivery.status, delivery.attempts) == ("failed", "failed", 1)
    assert delivery.last_error == "the channel has been deactivated"
    assert not robots.posts
