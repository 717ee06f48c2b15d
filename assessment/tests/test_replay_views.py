"""The what-if replay page (issue 5 item 7): the operations manager and HR only, a job with
progress in the worker, the result per rule and person, Excel. Rules: KPI-02, KPI-07, KPI-08,
BEH-01, BEH-02."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import HUEY
from openpyxl import load_workbook

from assessment import services
from assessment.models import Entry
from conftest import PASSWORD
from core.models import Job
from workorders.models import Breach
from workorders.tests.factories import repair_order

SH = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)
URL = "/assessment/replay/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def huey_immediate():
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def october(org, time_machine):
    time_machine.move_to(datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False)
    for rule in ("WO-01", "WO-02", "WO-03"):
        due = datetime(2026, 10, 10, 9, 0, tzinfo=SH)
        Breach.objects.create(
            order=repair_order(org),
            rule_id=rule,
            kind="missed",
            person=org.engineer_a,
            due_at=due,
            recorded_at=due,
        )
    for _ in range(4):
        services.add_manual_entry(
            org.engineer_a, month=OCT, rule_id="BEH-01", by=org.ops, evidence_text="callback"
        )
    services.generate_entries(OCT)
    services.evaluate_thresholds(OCT)
    return org


def client_for(client, person):
    client.cookies["django_language"] = "en"  # the language switch; texts are the msgids
    client.login(username=person.user.username, password=PASSWORD)
    return client


def test_the_url_names():
    assert reverse("assessment:replay") == URL
    assert reverse("assessment:replay_result", args=[3]) == f"{URL}3/"
    assert reverse("assessment:replay_excel", args=[3]) == f"{URL}3/excel/"


@pytest.mark.parametrize(
    ("who", "status"),
    [("ops", 200), ("hr", 200), ("manager_a", 404), ("engineer_a", 404), ("outsider", 404)],
)
def test_only_the_operations_manager_and_HR_replay_KPI_08(client, october, who, status):
    response = client_for(client, getattr(october, who)).get(URL)

    assert response.status_code == status
    if status == 200:
        assert b"kpi.fine_per_point" in response.content and b"BEH-01" in response.content


def test_a_replay_runs_as_a_job_and_shows_the_difference_KPI_07_KPI_08_BEH_01_BEH_02(
    client, october, huey_immediate, django_capture_on_commit_callbacks
):
    ops = client_for(client, october.ops)
    entries_before = list(Entry.objects.values_list("pk", "state", "points", "fine"))

    with django_capture_on_commit_callbacks(execute=True):
        response = ops.post(
            URL,
            {
                "month": "2026-10",
                "p-kpi.fine_per_point": "120",
                "p-kpi.contact_late_points": "1",
                "disabled": ["BEH-01"],
            },
        )

    job = Job.objects.get(kind="assessment.replay")
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    assert job.status == "done", job.error
    assert job.progress == job.total > 0
    assert job.params["policy"] == {
        "params": {"kpi.contact_late_points": "1", "kpi.fine_per_point": "120"},
        "disabled_rules": ["BEH-01"],
    }
    # KPI-02 ×2 at 1 point → 2 points (KPI-08) + KPI-01 0.5 → 2.5 points × 120; BEH-01 left out.
    assert job.result["totals"]["ledger"]["fine"] == "350.00"
    assert job.result["totals"]["replay"]["fine"] == "300.00"
    assert job.result["threshold_counts"]["KPI-08"]["replay"] == 1
    assert job.result["threshold_counts"]["BEH-02"] == {"ledger": 1, "current": 1, "replay": 0}
    assert list(Entry.objects.values_list("pk", "state", "points", "fine")) == entries_before

    page = ops.get(reverse("job", args=[job.pk]))
    assert b'data-testid="replay-result"' in page.content
    details = ops.get(reverse("assessment:replay_result", args=[job.pk]))
    assert details.status_code == 200
    text = details.content.decode()
    assert (
        october.engineer_a.name in text
        and "would cross" in text
        and "would no longer cross" in text
    )

    excel = ops.get(reverse("assessment:replay_excel", args=[job.pk]))
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(excel.content))
    assert book.sheetnames == ["Rules", "People", "Thresholds"]
    people = list(book["People"].iter_rows(values_only=True))
    kpi02 = next(r for r in people if r[3] == "KPI-02")
    assert kpi02[0] == october.engineer_a.staff_no and kpi02[4:7] == (1, 100, 2)
    thresholds = {
        (r[2], r[3]): r[4:7] for r in book["Thresholds"].iter_rows(min_row=2, values_only=True)
    }
    assert thresholds[("2026-10", "KPI-08")] == ("no", "no", "yes")
    assert thresholds[("2026-10", "BEH-02")] == ("yes", "yes", "no")


def test_a_policy_file_can_be_uploaded_KPI_07(
    client, october, huey_immediate, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile(
        "p.toml", b'[params]\n"kpi.fine_per_point" = "200"\n', content_type="application/toml"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, october.hr).post(
            URL, {"month": "2026-10", "policy_file": upload}
        )

    assert response.status_code == 302
    job = Job.objects.get()
    assert job.result["rules"]["KPI-02"]["replay"]["fine"] == "200.00"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"month": "2026-10", "p-beh.violation_fine": "-50"}, "beh.violation_fine", "between 0"),
        ({"month": "2026-10", "p-kpi.fine_per_point": "x"}, "kpi.fine_per_point", "number"),
        ({"month": "2026-10", "disabled": ["KPI-99"]}, "disabled_rules.KPI-99", "Unknown rule ID"),
        ({"month": ""}, "month", "Choose the month"),
        ({"month": "2026-10", "to": "2026-08"}, "to", "before the first"),
        ({"month": "2026-10", "to": "2027-03"}, "to", "past months"),
        ({"month": "2025-01", "to": "2026-10"}, "to", "at most 12"),
    ],
)
def test_bad_input_starts_nothing_BEH_01(client, october, data, field, words):
    response = client_for(client, october.ops).post(URL, data)

    assert response.status_code == 400
    assert response.context["errors"][field].find(words) >= 0, response.context["errors"]
    assert not Job.objects.exists()


def test_a_policy_file_with_an_unknown_rule_is_refused_BEH_01(client, october):
    upload = SimpleUploadedFile(
        "p.json", b'{"disabled_rules": ["NOPE-1"], "params": {"kpi.fine_per_point": "-1"}}'
    )

    response = client_for(client, october.ops).post(
        URL, {"month": "2026-10", "policy_file": upload}
    )

    assert response.status_code == 400
    errors = response.context["errors"]
    assert "Unknown rule ID" in errors["disabled_rules.NOPE-1"]
    assert "between 0" in errors["kpi.fine_per_point"]
    assert not Job.objects.exists()


def test_another_users_replay_is_404_KPI_08(
    client, october, huey_immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(client, october.ops).post(URL, {"month": "2026-10"})
    job = Job.objects.get()
    client.logout()
    hr = client_for(client, october.hr)

    assert hr.get(reverse("assessment:replay_result", args=[job.pk])).status_code == 404
    assert hr.get(reverse("assessment:replay_excel", args=[job.pk])).status_code == 404
