"""core.idempotency.once: the first answer is stored and replayed, a failed write keeps no key,
a key reused for another request is a 409, keys belong to their user and expire after a week."""

import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from ninja.errors import HttpError

from core import clock
from core.errors import DomainError
from core.idempotency import forget_old_keys, once
from core.models import ApiIdempotency

pytestmark = pytest.mark.django_db


def post(user, body: dict, path: str = "/api/things"):
    request = RequestFactory().post(path, json.dumps(body), content_type="application/json")
    request.auth = user
    return request


def test_the_first_answer_is_replayed_and_the_write_runs_once(org):
    runs = []

    def run():
        runs.append(1)
        return 201, {"id": len(runs)}

    body = {"a": 1, "b": 2, "idempotency_key": "k"}
    first = once(post(org.cs.user, body), "k", run)
    again = once(post(org.cs.user, {"b": 2, "idempotency_key": "k", "a": 1}), "k", run)
    assert (first.status, first.body, first.replayed) == (201, {"id": 1}, False)
    assert (again.status, again.body, again.replayed) == (201, {"id": 1}, True)
    assert len(runs) == 1


def test_without_a_key_every_request_runs(org):
    runs = []
    for _ in range(2):
        once(post(org.cs.user, {}), None, lambda: (runs.append(1), (200, {}))[1])
    assert len(runs) == 2 and not ApiIdempotency.objects.exists()


def test_a_failed_write_keeps_no_key(org):
    def fail():
        raise DomainError("no", field="state")

    with pytest.raises(DomainError):
        once(post(org.cs.user, {}), "k", fail)
    assert not ApiIdempotency.objects.exists()
    assert once(post(org.cs.user, {}), "k", lambda: (200, {"ok": True})).body == {"ok": True}


def test_a_key_reused_for_another_request_is_a_conflict(org):
    once(post(org.cs.user, {"a": 1}), "k", lambda: (200, {}))
    for request in [post(org.cs.user, {"a": 2}), post(org.cs.user, {"a": 1}, path="/api/other")]:
        with pytest.raises(HttpError) as err:
            once(request, "k", lambda: (200, {}))
        assert err.value.status_code == 409


def test_keys_belong_to_their_user(org):
    once(post(org.cs.user, {}), "k", lambda: (200, {"who": "cs"}))
    answer = once(post(org.ops.user, {}), "k", lambda: (200, {"who": "ops"}))
    assert answer.body == {"who": "ops"} and not answer.replayed


def test_keys_are_forgotten_after_a_week(org, time_machine):
    once(post(org.cs.user, {}), "old", lambda: (200, {}))
    time_machine.move_to(clock.now() + timedelta(days=8))
    once(post(org.cs.user, {}), "new", lambda: (200, {}))
    assert forget_old_keys() == 1
    assert list(ApiIdempotency.objects.values_list("key", flat=True)) == ["new"]
