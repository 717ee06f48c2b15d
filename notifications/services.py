"""Notifications: the in-app message, written in the recipient's language (STYLE: i18n), and its
delivery through the channels the station configured (e-mail, DingTalk, WeCom, Feishu).

Callers pass the English msgid as a lazy string (`gettext_lazy`) and the values to put into it
as `params`; the text is translated and formatted here, under the recipient's language, so an
approver reading Chinese gets Chinese even when the applicant's browser is in English.

    notify(
        approver,
        event="leave.step.pending",
        title=gettext_lazy("{name} asks for {kind}"),
        params={"name": person.name, "kind": request.get_kind_display()},
        url=request_url,
        unit=request.person.unit,
    )

`unit` says which station's delivery rules apply (that unit's and those of every unit above
it); without it, the recipient's own unit. Each matching channel gets one `Delivery`, sent by the
worker once the caller's transaction commits and retried with exponential backoff on failure.
"""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from notifications import channels, rules
from notifications.models import Channel, Delivery, DeliveryRule, Notification
from people.models import OrgUnit

logger = logging.getLogger(__name__)
RETRY = rules.RetryPolicy()


def _render(text: Any, params: dict[str, Any]) -> str:
    """`text` and lazy values in `params` become strings in the active language."""
    rendered = str(text)
    if not params:
        return rendered
    return rendered.format(**{key: str(value) for key, value in params.items()})


def notify(
    recipient: Any,
    *,
    event: str,
    title: Any,
    body: Any = "",
    url: str = "",
    params: dict[str, Any] | None = None,
    unit: OrgUnit | None = None,
) -> Notification | None:
    """Create a notification for `recipient` (a Person) and its deliveries. Inactive people get
    none."""
    if recipient is None or not getattr(recipient, "active", True):
        return None
    params = params or {}
    with translation.override(recipient.language or None):
        title_text = _render(title, params)
        body_text = _render(body, params) if body else ""
    notification = Notification.objects.create(
        recipient=recipient,
        event=event,
        title=title_text[:200],
        body=body_text,
        url=url[:300],
        unit_id=unit.pk if unit is not None else recipient.unit_id,
        created_at=clock.now(),
    )
    deliveries = plan_deliveries(notification)
    if deliveries:
        ids = [d.pk for d in deliveries]
        # robust: a queue that is down must not undo the caller's committed work; the
        # once-a-minute sweep sends what was not queued.
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return notification


# --- delivery ------------------------------------------------------------------------------------


def _units_above(unit_id: int | None) -> list[int]:
    """The unit and every unit above it (its materialised path)."""
    if unit_id is None:
        return []
    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""
    return [int(p) for p in path.strip("/").split("/") if p]


def plan_deliveries(notification: Notification) -> list[Delivery]:
    """One pending delivery per channel whose rule covers the notification's unit and event,
    plus one to the recipient's own mailbox when a rule asks for it and he has an address."""
    units = _units_above(notification.unit_id)
    if not units:
        return []
    matching = [
        rule
        for rule in DeliveryRule.objects.filter(active=True, unit_id__in=units).select_related(
            "channel"
        )
        if rules.event_matches(rule.event_prefix, notification.event)
    ]
    now = notification.created_at
    channels_used = {
        rule.channel.pk: rule.channel
        for rule in matching
        if rule.channel is not None and rule.channel.active
    }
    deliveries = [
        Delivery(notification=notification, channel=channel, created_at=now, next_try_at=now)
        for channel in channels_used.values()
    ]
    email = notification.recipient.user.email if notification.recipient.user_id else ""
    if email and any(rule.to_recipient_email for rule in matching):
        deliveries.append(
            Delivery(notification=notification, to_email=email, created_at=now, next_try_at=now)
        )
    return Delivery.objects.bulk_create(deliveries)


def _enqueue(ids: list[int]) -> None:
    from notifications.tasks import send_delivery_task

    for pk in ids:
        send_delivery_task(pk)


def message_text(notification: Notification, *, for_group: bool) -> str:
    """The notice as plain text in the active language; a group or shared mailbox also reads
    whom it is for."""
    lines = [notification.title]
    if notification.body:
        lines.append(notification.body)
    if for_group:
        lines.append(_("For: {name}").format(name=notification.recipient.name))
    return "\n".join(lines)


def _transmit(delivery: Delivery, at: datetime) -> None:
    notification = delivery.notification
    person = notification.recipient
    channel = delivery.channel
    with translation.override(person.language or None):
        if channel is None:
            channels.send_email(
                [delivery.to_email],
                subject=notification.title,
                body=message_text(notification, for_group=False),
            )
        elif channel.kind == Channel.Kind.EMAIL:
            channels.send_email(
                channel.addresses,
                subject=notification.title,
                body=message_text(notification, for_group=True),
            )
        else:
            url, body = channels.webhook_request(
                channel.kind,
                channel.url,
                channel.secret,
                message_text(notification, for_group=True),
                mobiles=[person.phone] if person.phone else [],
                at=at,
            )
            channels.post_json(url, body)


def send_delivery(delivery_id: int) -> Delivery | None:
    """Make one attempt at a pending delivery that is due, and log it.

    The attempt is claimed with a conditional UPDATE on `attempts`: of two workers only one
    sends. On failure the next try is scheduled with exponential backoff (`rules.next_try`); after
    the last attempt the delivery is marked failed. Returns the delivery when an attempt was made.
    """
    now = clock.now()
    delivery = (
        Delivery.objects.select_related("notification__recipient__user", "channel")
        .filter(pk=delivery_id)
        .first()
    )
    if (
        delivery is None
        or delivery.status != Delivery.Status.PENDING
        or (delivery.next_try_at is not None and delivery.next_try_at > now)
    ):
        return None
    attempt = delivery.attempts + 1
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=attempt, next_try_at=now + RETRY.attempt_timeout)
    if not claimed:
        return None
    error = ""
    # A channel switched off since (a robot removed from its group) is not tried again.
    give_up = delivery.channel is not None and not delivery.channel.active
    try:
        if give_up:
            raise channels.DeliveryError("the channel has been deactivated")
        _transmit(delivery, now)
    except channels.DeliveryError as exc:
        error = str(exc)
    except Exception as exc:  # a bug must not leave the delivery claimed for ever
        logger.exception("delivery %s failed", delivery.pk)
        error = f"{type(exc).__name__}: {exc}"
    done = clock.now()
    delivery.attempts = attempt
    delivery.history = [*delivery.history, {"at": now.isoformat(), "error": error[:300]}][-20:]
    if not error:
        delivery.status, delivery.sent_at, delivery.next_try_at = Delivery.Status.SENT, done, None
        delivery.last_error = ""
    else:
        delivery.last_error = error[:2000]
        delivery.next_try_at = None if give_up else rules.next_try(done, attempt, RETRY)
        if delivery.next_try_at is None:
            delivery.status = Delivery.Status.FAILED
    Delivery.objects.filter(pk=delivery.pk, attempts=attempt).update(
        status=delivery.status,
        sent_at=delivery.sent_at,
        next_try_at=delivery.next_try_at,
        last_error=delivery.last_error,
        history=delivery.history,
    )
    if delivery.status == Delivery.Status.PENDING:
        from notifications.tasks import schedule_delivery

        schedule_delivery(delivery.pk, delivery.next_try_at)
    return delivery


def due_deliveries(at: datetime) -> list[int]:
    """Pending deliveries whose (next) attempt is due: new ones whose task was lost, retries,
    and attempts whose worker died while sending."""
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_try_at__lte=at)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:1000]
    )


def mark_read(notification: Notification, *, by: Any) -> Notification:
    """Mark one notification read (idempotent; only its recipient calls this, see views)."""
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(recipient: Any, *, by: Any) -> int:
    """Mark every unread notification of `recipient` read; returns how many changed.

    Reading is not a business change, so it is not audited.
    """
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=clock.now()
    )
