"""In-app notifications, written in the recipient's language (STYLE: i18n).

Callers pass the English msgid as a lazy string (`gettext_lazy`) and the values to put into it
as `params`; the text is translated and formatted here, under the recipient's language, so an
approver reading Chinese gets Chinese even when the applicant's browser is in English.

    notify(
        approver,
        event="leave.step.pending",
        title=gettext_lazy("{name} asks for {kind}"),
        params={"name": person.name, "kind": request.get_kind_display()},
        url=request_url,
    )
"""

from typing import Any

from django.utils import translation

from core import clock
from notifications.models import Notification


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
) -> Notification | None:
    """Create a notification for `recipient` (a Person). Inactive people get none."""
    if recipient is None or not getattr(recipient, "active", True):
        return None
    params = params or {}
    with translation.override(recipient.language or None):
        title_text = _render(title, params)
        body_text = _render(body, params) if body else ""
    return Notification.objects.create(
        recipient=recipient,
        event=event,
        title=title_text[:200],
        body=body_text,
        url=url[:300],
        created_at=clock.now(),
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
