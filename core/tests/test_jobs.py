"""Background jobs: queued on commit, run once by the worker, progress, failure, access."""

import pytest
from django.utils import translation
from huey.contrib.djhuey import HUEY

from core.errors import DomainError
from core.jobs import (
    access_job,
    execute_job,
    job_progress,
    register_job_kind,
    run_job_now,
    start_job,
)
from core.models import Job

pytestmark = pytest.mark.django_db
CALLS: list[int] = []


def counting_job(job):
    CALLS.append(job.pk)
    job_progress(job, 5, 10)
    return {"echo": job.params.get("value")}


def refusing_job(job):
    raise DomainError("Nothing to do.")


def crashing_job(job):
    raise RuntimeError("boom")


register_job_kind("test.count", f"{__name__}.counting_job", label="Counting")
register_job_kind("test.refuse", f"{__name__}.refusing_job", label="Refusing")
register_job_kind("test.crash", f"{__name__}.crashing_job", label="Crashing")


@pytest.fixture
def huey_immediate():
    """Run tasks in this process as they are enqueued (huey's immediate mode, in memory)."""
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True)
def _english():
    CALLS.clear()
    with translation.override("en"):
        yield


def test_a_job_runs_in_the_worker_after_the_commit(
    org, huey_immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = start_job("test.count", {"value": 7}, by=org.hr.user)
        assert CALLS == []  # nothing runs before the transaction commits
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.result, job.progress, job.total) == ("done", {"echo": 7}, 10, 10)
    assert job.created_by == org.hr.user and job.finished_at is not None
    assert job.percent == 100


def test_a_job_delivered_twice_runs_once(org):
    job = Job.objects.create(kind="test.count", params={}, created_at=org.hr.user.date_joined)
    execute_job(job.pk)
    execute_job(job.pk)
    assert [job.pk] == CALLS, CALLS


def test_a_refused_job_fails_with_the_reason_and_a_crash_with_a_plain_message(org):
    refused = run_job_now("test.refuse", {}, by=org.hr.user)
    crashed = run_job_now("test.crash", {}, by=org.hr.user)
    assert (refused.status, refused.error) == ("failed", "Nothing to do.")
    assert crashed.status == "failed" and "boom" not in crashed.error and crashed.error


def test_an_unknown_kind_is_refused(org):
    with pytest.raises(DomainError):
        start_job("test.nothing", {}, by=org.hr.user)


def test_progress_is_stored_and_bounded(org):
    job = Job.objects.create(kind="test.count", params={}, created_at=org.hr.user.date_joined)
    job_progress(job, 30, 20)
    job.refresh_from_db()
    assert (job.progress, job.total, job.percent) == (20, 20, 100)
    job_progress(None, 1, 2)  # no job (a synchronous call): nothing to do


def test_only_the_starter_sees_a_job(org):
    job = run_job_now("test.count", {}, by=org.hr.user)
    assert access_job(org.hr.user, job.pk) == job
    from django.http import Http404

    with pytest.raises(Http404):
        access_job(org.ops.user, job.pk)


def test_the_job_page_polls_while_running_and_stops_when_done(client, org):
    job = Job.objects.create(
        kind="test.count", params={}, created_at=org.hr.user.date_joined, created_by=org.hr.user
    )
    client.force_login(org.hr.user)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.content.decode() and b"<progress" in page.content
    execute_job(job.pk)
    partial = client.get(f"/jobs/{job.pk}/status/")
    assert partial.status_code == 200
    assert b"hx-trigger" not in partial.content and b'data-status="done"' in partial.content
    assert client.get("/jobs/").status_code == 200


def test_another_users_job_page_is_404(client, org):
    job = run_job_now("test.count", {}, by=org.hr.user)
    client.force_login(org.ops.user)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 404


def test_the_api_gives_the_starter_the_job_status(client, org):
    from core.services import create_api_token

    job = run_job_now("test.count", {"value": 1}, by=org.hr.user)
    _token, secret = create_api_token(org.hr.user, name="t")
    answer = client.get(f"/api/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["result"]) == ("done", {"echo": 1})
    _token, other = create_api_token(org.ops.user, name="t")
    assert (
        client.get(f"/api/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    )
