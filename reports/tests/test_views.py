"""Report pages: the engineer's phone page, submitting, the manager's overview, scoping (REP-01)."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from reports import services
from reports.models import Kind, Report
from reports.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily(rep, time_machine):
    time_machine.move_to(local(2026, 11, 3, 9), tick=False)
    services.create_due_reports(local(2026, 11, 3).date())
    return Report.objects.get(person=rep.reporter, kind=Kind.DAILY)


def login(client, person):
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def test_engineer_sees_and_submits_his_daily_report_REP_01(client, rep, daily):
    login(client, rep.reporter)
    page = client.get(reverse("reports:mine"))
    assert page.status_code == 200 and reverse("reports:detail", args=[daily.pk]) in page.text
    form = client.get(reverse("reports:detail", args=[daily.pk]))
    assert "Work done and issues" in form.text or "textarea" in form.text
    done = client.post(
        reverse("reports:detail", args=[daily.pk]), {"action": "submit", "text": "今日完成"}
    )
    assert done.status_code == 302
    daily.refresh_from_db()
    assert daily.status == Report.Status.SUBMITTED


def test_empty_submission_shows_the_error_and_keeps_the_draft_REP_01(client, rep, daily):
    login(client, rep.reporter)
    page = client.post(reverse("reports:detail", args=[daily.pk]), {"action": "submit", "text": ""})
    assert page.status_code == 400 and 'data-testid="report-error"' in page.text
    daily.refresh_from_db()
    assert daily.status == Report.Status.DRAFT


def test_save_draft_keeps_the_text_REP_01(client, rep, daily):
    login(client, rep.reporter)
    client.post(reverse("reports:detail", args=[daily.pk]), {"action": "save", "text": "草稿"})
    daily.refresh_from_db()
    assert daily.text == "草稿" and daily.status == Report.Status.DRAFT


def test_outsider_gets_404_and_client_sees_only_submitted_REP_01(client, rep, daily):
    login(client, rep.outsider)
    assert client.get(reverse("reports:detail", args=[daily.pk])).status_code == 404
    client.logout()
    login(client, rep.client_pic)
    assert client.get(reverse("reports:detail", args=[daily.pk])).status_code == 404
    services.submit_report(daily, by=rep.reporter, text="给甲方")
    assert client.get(reverse("reports:detail", args=[daily.pk])).status_code == 200


def test_manager_cannot_submit_for_the_engineer_REP_01(client, rep, daily):
    login(client, rep.manager_a)
    assert client.get(reverse("reports:detail", args=[daily.pk])).status_code == 200
    answer = client.post(reverse("reports:detail", args=[daily.pk]), {"text": "x"})
    assert answer.status_code == 404


def test_overview_shows_late_reports_in_red_REP_01(client, rep, daily, time_machine):
    time_machine.move_to(local(2026, 11, 3, 20, 30), tick=False)
    services.run_clock(local(2026, 11, 3, 20, 30))
    login(client, rep.manager_a)
    page = client.get(reverse("reports:overview"), {"day": "2026-11-03", "kind": "daily"})
    assert page.status_code == 200
    assert 'class="report-late-row" data-standing="missing"' in page.text
    assert rep.reporter.name in page.text


def test_overview_is_for_managers_only_REP_01(client, rep, daily):
    login(client, rep.reporter)
    assert client.get(reverse("reports:overview")).status_code == 404
    client.logout()
    login(client, rep.outsider)
    assert client.get(reverse("reports:overview")).status_code == 404


def test_api_lists_gets_and_submits_REP_01(api, rep, daily):
    mine = api(rep.reporter, "get", "/api/reports", mine="true", kind="daily").json()
    assert mine["count"] == 1 and mine["items"][0]["rule"] == "REP-01"
    got = api(rep.reporter, "get", f"/api/reports/{daily.pk}").json()
    assert got["due_at"] == "2026-11-03T12:00:00Z"  # 20:00 in Shanghai
    body = {"text": "API 日报", "idempotency_key": "k1"}
    first = api(rep.reporter, "post", f"/api/reports/{daily.pk}/submit", json=body)
    again = api(rep.reporter, "post", f"/api/reports/{daily.pk}/submit", json=body)
    assert first.status_code == 200 and first.json()["status"] == "submitted"
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"


def test_api_bad_input_and_scope_REP_01(api, rep, daily):
    empty = api(rep.reporter, "post", f"/api/reports/{daily.pk}/submit", json={"text": " "})
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "text"
    extra = api(rep.reporter, "post", f"/api/reports/{daily.pk}/submit", json={"text": "a", "x": 1})
    assert extra.status_code == 422
    assert api(rep.outsider, "get", f"/api/reports/{daily.pk}").status_code == 404
    assert (
        api(rep.outsider, "post", f"/api/reports/{daily.pk}/submit", json={"text": "a"}).status_code
        == 404
    )
    assert api(rep.outsider, "get", "/api/reports").json()["count"] == 0


def test_overview_filters_by_station_and_team_REP_02(client, rep, daily):
    login(client, rep.ops)
    both = client.get(reverse("reports:overview"), {"day": "2026-11-03", "unit": rep.station_a.pk})
    assert rep.reporter.name in both.text
    other = client.get(reverse("reports:overview"), {"day": "2026-11-03", "unit": rep.station_b.pk})
    assert rep.reporter.name not in other.text
    team = client.get(
        reverse("reports:overview"), {"day": "2026-11-03", "team": rep.team_a.pk, "kind": "weekly"}
    )
    assert 'data-standing="open"' in team.text


def test_api_client_lists_only_submitted_reports_REP_01(api, rep, daily):
    assert api(rep.client_pic, "get", "/api/reports").json()["count"] == 0
    services.submit_report(daily, by=rep.reporter, text="日报")
    listed = api(rep.specialist, "get", "/api/reports").json()
    assert listed["count"] == 1 and listed["items"][0]["text"] == "日报"


def test_api_keeps_a_draft_for_its_author_only_REP_01(api, rep, daily):
    kept = api(rep.reporter, "post", f"/api/reports/{daily.pk}/draft", json={"text": "草稿"})
    assert kept.status_code == 200 and kept.json()["text"] == "草稿"
    other = api(rep.manager_a, "post", f"/api/reports/{daily.pk}/draft", json={"text": "改"})
    assert other.status_code == 400
    daily.refresh_from_db()
    assert daily.text == "草稿"


def test_station_manager_enters_a_project_REP_04(client, rep):
    from reports.models import Project

    login(client, rep.manager_a)
    url = reverse("reports:projects")
    form = {"name": "机房扩容", "client": rep.client.pk, "manager": rep.leader_a.pk}
    bad = client.post(url, form | {"start_date": "2026-11-10", "end_date": "2026-11-01"})
    assert bad.status_code == 400 and not Project.objects.exists()
    assert client.post(url, form | {"start_date": "2026-11-01"}).status_code == 302
    assert Project.objects.get().manager == rep.leader_a
    client.logout()
    login(client, rep.reporter)
    assert client.get(url).status_code == 404
