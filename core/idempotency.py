"""Idempotency keys for API writes, one mechanism for every app.

A phone on a bad connection sends a step, the answer is lost, the app sends it again. With the
same `idempotency_key` the retry gets the first answer back and nothing is applied twice:

    @router.post("/orders/{order_id}/steps", response={200: OrderOut})
    def step(request, order_id: Id, payload: StepIn):
        answer = once(request, payload.idempotency_key, lambda: (200, as_json(take(...))))
        return JsonResponse(answer.body, status=answer.status)  # the same bytes when replayed

The key is claimed in the same transaction as the write, so two retries racing each other queue
on the unique (user, key) row and the second one reads the first one's answer. A write that
fails (a DomainError, a 404) rolls its key back with everything else: the corrected request may
use the same key again. Reusing a key for a different request (other path or body) is a 409.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from core import clock
from core.models import ApiIdempotency

KEEP_FOR = timedelta(days=7)  # long enough for any retry of a phone that was offline


class Answer(NamedTuple):
    status: int
    body: Any
    replayed: bool  # True: the stored first answer to an earlier request with this key


def _fingerprint(body: bytes) -> str:
    """The same JSON sent again with its keys in another order is the same request."""
    try:
        canonical = json.dumps(json.loads(body or b"{}"), sort_keys=True, ensure_ascii=False)
        data = canonical.encode()
    except ValueError:
        data = body or b""
    return hashlib.sha256(data).hexdigest()


def once(request, key: str | None, run: Callable[[], tuple[int, Any]]) -> Answer:
    """Run `run()` -> (status, JSON-ready body) once per user and key; without a key, just run.

    `request.auth` (Django Ninja) or `request.user` is the caller the key belongs to.
    """
    if not key:
        return Answer(*run(), replayed=False)
    user = getattr(request, "auth", None) or request.user
    fingerprint = _fingerprint(request.body)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ApiIdempotency.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path[:300],
                    fingerprint=fingerprint,
                    status=0,
                    created_at=clock.now(),
                )
        except IntegrityError:
            first = ApiIdempotency.objects.get(user=user, key=key)
            if (first.method, first.path, first.fingerprint) != (
                request.method,
                request.path[:300],
                fingerprint,
            ):
                raise HttpError(
                    409, _("This idempotency key was already used for another request.")
                ) from None
            return Answer(first.status, first.response, replayed=True)
        status, body = run()
        record.status, record.response = status, body
        record.save(update_fields=["status", "response"])
        return Answer(status, body, replayed=False)


def forget_old_keys(now=None) -> int:
    """Keys older than a week are no longer needed for retries."""
    now = now or clock.now()
    deleted, _rows = ApiIdempotency.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    return deleted
