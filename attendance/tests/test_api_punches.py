"""Punches over the API: for yourself only, idempotent retries, time window, scoped lists,
file imports as jobs."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from huey.contrib.djhuey import HUEY

from attendance.models import DayJudgement, Punch
from core.models import Job
from core.services import create_api_token

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 3, 8, 29, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen_and_english():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def huey_immediate():
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages below are the English msgids
    return client


@pytest.fixture
def api(client):
    secrets: dict = {}

    def call(persona, method, path, data=None, **extra):
        if persona.pk not in secrets:
            secrets[persona.pk] = create_api_token(persona.user, name="test")[1]
        headers = {
            "HTTP_AUTHORIZATION": f"Bearer {secrets[persona.pk]}",
            **extra,
        }
        if method == "post":
            return client.post(path, data or {}, content_type="application/json", **headers)
        return client.get(path, data or {}, **headers)

    return call


def test_a_person_punches_for_himself_now(api, org):
    answer = api(org.engineer_a, "post", "/api/attendance/punches", {"device": "clock-1"})
    assert answer.status_code == 201
    body = answer.json()
    assert body["person_id"] == org.engineer_a.pk and body["source"] == "api"
    punch = Punch.objects.get()
    assert (punch.person, punch.at, punch.device) == (org.engineer_a, NOW, "clock-1")
    assert DayJudgement.objects.filter(person=org.engineer_a, date=NOW.date()).exists()


def test_a_retry_with_the_same_key_returns_the_same_punch(api, org):
    body = {"idempotency_key": "dev1-000123", "at": "2026-11-03T08:28:00+08:00"}
    first = api(org.engineer_a, "post", "/api/attendance/punches", body)
    again = api(org.engineer_a, "post", "/api/attendance/punches", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Punch.objects.count() == 1
    # Without `at` the retry takes the first punch's time: still the same punch.
    assert (
        api(
            org.engineer_a, "post", "/api/attendance/punches", {"idempotency_key": "dev1-000123"}
        ).status_code
        == 200
    )


def test_the_same_key_for_another_time_is_a_conflict(api, org):
    api(
        org.engineer_a,
        "post",
        "/api/attendance/punches",
        {"idempotency_key": "k", "at": "2026-11-03T08:28:00+08:00"},
    )
    answer = api(
        org.engineer_a,
        "post",
        "/api/attendance/punches",
        {"idempotency_key": "k", "at": "2026-11-03T08:20:00+08:00"},
    )
    assert answer.status_code == 409 and Punch.objects.count() == 1


def test_keys_are_per_person(api, org):
    body = {"idempotency_key": "same"}
    assert api(org.engineer_a, "post", "/api/attendance/punches", body).status_code == 201
    assert api(org.vendor_engineer_a, "post", "/api/attendance/punches", body).status_code == 201
    assert Punch.objects.count() == 2


def test_a_punch_for_someone_else_is_refused(api, org):
    by_id = api(
        org.engineer_a, "post", "/api/attendance/punches", {"person_id": org.vendor_engineer_a.pk}
    )
    by_no = api(
        org.manager_a, "post", "/api/attendance/punches", {"staff_no": org.engineer_a.staff_no}
    )
    assert (by_id.status_code, by_no.status_code) == (403, 403)
    assert "yourself" in by_id.json()["detail"] and "ATT-02" in by_id.json()["detail"]
    assert Punch.objects.count() == 0
    own = api(org.engineer_a, "post", "/api/attendance/punches", {"person_id": org.engineer_a.pk})
    assert own.status_code == 201


def test_unknown_fields_are_refused(api, org):
    answer = api(org.engineer_a, "post", "/api/attendance/punches", {"person": org.engineer_b.pk})
    assert answer.status_code == 422 and Punch.objects.count() == 0


@pytest.mark.parametrize(
    ("at", "status"),
    [
        ("2026-11-03T08:33:00+08:00", 201),  # 4 minutes ahead: a device clock running fast
        ("2026-11-03T08:40:00+08:00", 400),
        ("2026-11-02T09:00:00+08:00", 201),
        ("2026-11-01T08:00:00+08:00", 400),  # needs a make-up punch request
        ("2026-11-03T08:00:00", 201),  # no offset: the company time zone
        ("0001-01-01T00:00:00+14:00", 400),
    ],
)
def test_the_time_must_be_near_now(api, org, at, status):
    answer = api(org.engineer_a, "post", "/api/attendance/punches", {"at": at})
    assert answer.status_code == status, answer.json()
    if status == 400:
        assert answer.json()["errors"][0]["field"] == "at"


def test_a_naive_time_is_read_in_the_company_time_zone(api, org):
    api(org.engineer_a, "post", "/api/attendance/punches", {"at": "2026-11-03T08:00:00"})
    assert Punch.objects.get().at == datetime(2026, 11, 3, 8, 0, tzinfo=TZ)


def test_the_list_shows_own_punches_and_to_a_manager_those_in_scope(api, org):
    api(org.engineer_a, "post", "/api/attendance/punches", {})
    api(org.engineer_b, "post", "/api/attendance/punches", {})
    own = api(org.engineer_a, "get", "/api/attendance/punches").json()
    assert [p["person_id"] for p in own["items"]] == [org.engineer_a.pk]
    managed = api(org.manager_a, "get", "/api/attendance/punches").json()
    assert [p["person_id"] for p in managed["items"]] == [org.engineer_a.pk]
    everyone = api(org.hr, "get", "/api/attendance/punches").json()
    assert everyone["count"] == 2


def test_an_outsider_gets_404_for_a_person_and_an_empty_list(api, org):
    api(org.engineer_a, "post", "/api/attendance/punches", {})
    answer = api(org.engineer_b, "get", "/api/attendance/punches", {"person_id": org.engineer_a.pk})
    assert answer.status_code == 404
    assert api(org.engineer_b, "get", "/api/attendance/punches").json()["count"] == 0


def test_the_list_filters_by_date(api, org):
    Punch.objects.create(
        person=org.engineer_a, at=NOW - timedelta(days=3), source="app", created_at=NOW
    )
    api(org.engineer_a, "post", "/api/attendance/punches", {})
    answer = api(
        org.engineer_a,
        "get",
        "/api/attendance/punches",
        {"date_from": "2026-11-03", "date_to": "2026-11-03"},
    )
    assert answer.json()["count"] == 1
    wide = api(
        org.engineer_a,
        "get",
        "/api/attendance/punches",
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    )
    assert wide.json()["count"] == 2


def upload(client, persona, text: str, **form):
    secret = create_api_token(persona.user, name="upload")[1]
    file = SimpleUploadedFile("clock.csv", text.encode("gbk"), content_type="text/csv")
    return client.post(
        "/api/attendance/imports",
        {"file": file, **form},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_a_file_imported_over_the_api_runs_as_a_job(
    client, org, settings, tmp_path, huey_immediate, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    text = (
        f"工号,姓名,日期,时间\n{org.engineer_a.staff_no},{org.engineer_a.name},2026-11-02,08:29\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(client, org.hr, text)
    assert answer.status_code == 202
    job_id = answer.json()["id"]
    assert answer.json()["url"] == f"/jobs/{job_id}/"
    secret = create_api_token(org.hr.user, name="poll")[1]
    status = client.get(f"/api/jobs/{job_id}", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert status["status"] == "done" and status["result"]["imported"] == 1
    assert Punch.objects.get().source == Punch.Source.IMPORT
    assert not list((tmp_path / "imports").iterdir())  # the stored upload is removed


def test_an_api_import_with_a_bad_row_stores_nothing_unless_asked(
    client, org, settings, tmp_path, huey_immediate, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    text = f"工号,日期,时间\n{org.engineer_a.staff_no},2026-11-02,08:29\nX9,2026-11-02,08:30\n"
    with django_capture_on_commit_callbacks(execute=True):
        refused = upload(client, org.hr, text)
    result = Job.objects.get(pk=refused.json()["id"]).result
    assert result["stored"] is False and result["errors"] == [
        {"row": 3, "column": "工号", "message": "Unknown staff number “X9”."}
    ]
    assert Punch.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        partial = upload(client, org.hr, text, import_valid_rows="true")
    assert Job.objects.get(pk=partial.json()["id"]).result["imported"] == 1


def test_an_engineer_may_not_import_over_the_api(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    answer = upload(client, org.engineer_a, "工号,日期,时间\n")
    assert answer.status_code == 403 and Job.objects.count() == 0


def test_a_file_of_another_kind_is_refused(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    secret = create_api_token(org.hr.user, name="upload")[1]
    file = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    answer = client.post(
        "/api/attendance/imports", {"file": file}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "file"
