"""Delivery decisions: which rule covers which event, and when a failed delivery is tried again.
Pure: values in, decision out."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    max_attempts: int = 8  # 30 s, 1, 2, 4, 8, 16, 32 min: a robot or mail server down for an hour
    # An attempt that has not reported back after this long counts as lost (the worker died
    # while sending); the safety sweep then tries again.
    attempt_timeout: timedelta = timedelta(minutes=2)


def event_matches(prefix: str, event: str) -> bool:
    """A rule for "workorders.chain" covers "workorders.chain" and "workorders.chain.cs", not
    "workorders.chainsaw"; an empty prefix covers every event."""
    prefix = prefix.strip().rstrip(".*")
    return not prefix or event == prefix or event.startswith(prefix + ".")


def retry_delay(attempts: int, policy: RetryPolicy) -> timedelta:
    """Exponential backoff: the wait after the `attempts`-th failed attempt (1, 2, ...)."""
    delay = policy.first_delay
    for _ in range(max(attempts - 1, 0)):
        if delay >= policy.max_delay:
            break  # doubling on would only be capped (and could overflow timedelta)
        delay *= 2
    return min(delay, policy.max_delay)


def next_try(failed_at: datetime, attempts: int, policy: RetryPolicy) -> datetime | None:
    """When to try again after `attempts` failed attempts; None when the delivery gives up."""
    if attempts >= policy.max_attempts:
        return None
    return failed_at + retry_delay(attempts, policy)
