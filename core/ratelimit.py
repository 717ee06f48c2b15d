"""Login rate limiting: too many failures per username or per address within a window blocks."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from core import clock
from core.models import LoginAttempt


def _window_start():
    return clock.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_blocked(username: str, ip: str | None) -> bool:
    """True when the username or the address has used up its failed attempts in the window."""
    recent = LoginAttempt.objects.filter(at__gte=_window_start())
    limit = settings.LOGIN_MAX_FAILURES
    by_name = recent.filter(username=(username or "").strip().lower()).count()
    by_ip = recent.filter(ip=ip).count() if ip else 0
    # An address may try a few usernames, but not walk through a whole list.
    return by_name >= limit or by_ip >= limit * 4


def record_failed_login(username: str, ip: str | None) -> None:
    LoginAttempt.objects.create(
        at=clock.now(), username=(username or "").strip().lower()[:150], ip=ip
    )
    LoginAttempt.objects.filter(at__lt=clock.now() - timedelta(days=7)).delete()


def clear_failed_logins(username: str, ip: str | None) -> None:
    LoginAttempt.objects.filter(Q(username=(username or "").strip().lower())).delete()


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
