"""The import page: upload, preview with row errors, confirm as a job, the job page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from huey.contrib.djhuey import HUEY

from attendance import views_import
from attendance.models import Punch
from core.models import Job

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def huey_immediate():
    HUEY.immediate = True
    yield
    HUEY.immediate = False


def csv_file(text: str, name: str = "clock.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def login(client, persona):
    client.force_login(persona.user)
    client.cookies["django_language"] = "en"  # the language switch; messages are the msgids
    return client


def test_only_importers_see_the_page(client, org):
    assert login(client, org.engineer_a).get("/attendance/import/").status_code == 404
    page = login(client, org.hr).get("/attendance/import/")
    assert page.status_code == 200 and b'type="file"' in page.content
    assert b"style=" not in page.content and b"<script>" not in page.content  # CSP


def test_a_small_file_is_checked_at_once_and_its_errors_shown(
    client, org, huey_immediate, django_capture_on_commit_callbacks
):
    no = org.engineer_a.staff_no
    text = f"工号,日期,时间\n{no},2026-11-03,08:29\n{no},2026-11-31,17:00\n"
    page = login(client, org.hr).post("/attendance/import/", {"file": csv_file(text)})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="import-errors"' in html
    assert "<td>3</td><td>日期</td>" in html and "is not a date" in html
    assert "Import the 1 valid row" in html and Punch.objects.count() == 0
    check = Job.objects.get(kind="attendance.import.check")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/attendance/import/{check.pk}/import/", {"import_valid_rows": "1"})
    job = Job.objects.get(kind="attendance.import")
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.result["imported"] == 1 and Punch.objects.count() == 1
    result = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="imported">1<' in result


def test_a_clean_file_offers_import_and_a_bad_file_upload_says_why(client, org):
    text = f"staff number,date,time\n{org.engineer_a.staff_no},2026-11-03,08:29\n"
    html = login(client, org.hr).post("/attendance/import/", {"file": csv_file(text)}).content
    assert b'data-testid="import-all"' in html and b"import-valid" not in html
    wrong = client.post("/attendance/import/", {"file": csv_file("x", name="notes.pdf")})
    assert wrong.status_code == 200 and b'data-field="file"' in wrong.content
    assert not Job.objects.filter(params__filename="notes.pdf").exists()


def test_a_big_file_is_checked_by_the_worker(client, org, monkeypatch):
    monkeypatch.setattr(views_import, "CHECK_INLINE_BYTES", 10)
    text = f"工号,日期,时间\n{org.engineer_a.staff_no},2026-11-03,08:29\n"
    answer = login(client, org.hr).post("/attendance/import/", {"file": csv_file(text)})
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "queued"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page


def test_someone_elses_check_cannot_be_imported(client, org):
    text = f"工号,日期,时间\n{org.engineer_a.staff_no},2026-11-03,08:29\n"
    login(client, org.hr).post("/attendance/import/", {"file": csv_file(text)})
    check = Job.objects.get()
    login(client, org.ops)
    assert client.post(f"/attendance/import/{check.pk}/import/").status_code == 404
