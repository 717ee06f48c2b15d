"""Statement pages (KPI-11, KPI-10, settlement guard): the person's month (page, printable page,
Excel), the station summary with close and reopen, the quarter and the year, wages; scoped (the
engineer sees only his own statement, 404 otherwise)."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from assessment import services as assessment
from core.models import Job
from statements import services
from statements.models import AssessmentClose, WageRecord
from statements.tests.conftest import IN_DEC, NOV, finding


def login(client, person):
    client.force_login(person.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def fined(org, in_nov):
    """engineer_a: two BEH-01 callback violations (2 × 50 CNY), one withdrawn on objection."""
    first, second = finding(org, "BEH-01"), finding(org, "BEH-01")
    objection = assessment.file_objection(second, by=org.engineer_a.user, text="not me")
    assessment.decide_objection(objection, by=org.manager_a.user, upheld=False, reason="agreed")
    return first


def person_url(person, month=NOV, name="statements:person"):
    return reverse(name, args=[person.pk, month])


def test_kpi_11_the_engineer_sees_his_statement_provisional_while_open(client, org, fined):
    login(client, org.engineer_a)
    response = client.get(person_url(org.engineer_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="statement-total">50.00<' in html
    assert 'data-testid="provisional"' in html
    assert "BEH-01" in html and "Withdrawn" in html  # the withdrawn entry is shown, not counted


def test_kpi_11_the_statement_of_a_closed_month_comes_from_the_snapshot(client, org, fined):
    with time_machine.travel(IN_DEC, tick=False):
        services.close_month(NOV, unit=org.station_a, by=org.ops.user)
        login(client, org.engineer_a)
        html = client.get(person_url(org.engineer_a)).content.decode()
    assert 'data-testid="closed"' in html and 'data-testid="provisional"' not in html
    assert 'data-testid="statement-total">50.00<' in html


@pytest.mark.parametrize("viewer", ["engineer_b", "vendor_engineer_a", "client_pic", "leader_a"])
def test_kpi_11_statements_are_scoped(client, org, fined, viewer):
    login(client, getattr(org, viewer))
    expected = 200 if viewer == "leader_a" else 404  # the group leader sees his team
    for name in ("statements:person", "statements:person-print", "statements:person-xlsx"):
        assert client.get(person_url(org.engineer_a, name=name)).status_code == expected
    year = reverse("statements:year", args=[org.engineer_a.pk, 2026])
    assert client.get(year).status_code == expected


def test_kpi_11_bad_months_are_not_found(client, org):
    login(client, org.engineer_a)
    for month in ("2026-13", "2026-00", "1999-01", "2026-1"):
        assert client.get(f"/statements/{org.engineer_a.pk}/{month}/").status_code == 404


def test_kpi_11_the_printable_page_has_no_navigation(client, org, fined):
    login(client, org.engineer_a)
    for url in (
        person_url(org.engineer_a, name="statements:person-print"),
        person_url(org.engineer_a) + "?print=1",
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="print-page"' in html and "print.css" in html
        assert "mainnav" not in html and "<script" not in html and "style=" not in html
        assert 'data-testid="statement-total">50.00<' in html


def test_kpi_11_the_statement_as_excel(client, org, fined):
    login(client, org.engineer_a)
    response = client.get(person_url(org.engineer_a, name="statements:person-xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, max_row=8, values_only=True)}
    assert values["Total (CNY)"] == Decimal("50") or values["Total (CNY)"] == 50


def test_the_settlement_guard_is_flagged_on_the_statement(client, org, fined):
    WageRecord.objects.create(
        person=org.engineer_a,
        monthly_wage=Decimal("200"),
        effective_from=date(2026, 1, 1),
        recorded_at=IN_DEC,
    )
    login(client, org.engineer_a)
    html = client.get(person_url(org.engineer_a)).content.decode()
    assert 'data-flagged="1"' in html and 'data-testid="over-cap"' in html
    assert 'data-testid="deductible">40.00 CNY<' in html  # 20 % of 200
    assert 'data-testid="statement-total">50.00<' in html  # never hidden


def test_kpi_11_the_station_summary_for_the_admin_department(client, org, fined):
    login(client, org.hr)
    url = reverse("statements:station", args=[org.station_a.pk, NOV])
    html = client.get(url).content.decode()
    assert f'data-testid="total-{org.engineer_a.pk}">50.00<' in html
    assert f'data-testid="row-{org.vendor_engineer_a.pk}"' in html
    assert f'data-testid="row-{org.engineer_b.pk}"' not in html
    response = client.get(reverse("statements:station-xlsx", args=[org.station_a.pk, NOV]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    names = [row[1] for row in rows]
    assert org.engineer_a.name in names and org.engineer_b.name not in names
    assert rows[-1][0] == "Total" and rows[-1][8] == f"=SUM(I3:I{len(rows) + 1})"
    assert 'data-testid="sum-total">50.00<' in html


@pytest.mark.parametrize("viewer", ["engineer_a", "leader_a", "client_pic", "engineer_b"])
def test_kpi_11_the_station_summary_is_not_for_everyone(client, org, viewer):
    login(client, getattr(org, viewer))
    url = reverse("statements:station", args=[org.station_a.pk, NOV])
    assert client.get(url).status_code == 404


def test_kpi_11_the_station_manager_sees_only_his_station(client, org):
    login(client, org.manager_a)
    assert (
        client.get(reverse("statements:station", args=[org.station_a.pk, NOV])).status_code == 200
    )
    assert (
        client.get(reverse("statements:station", args=[org.station_b.pk, NOV])).status_code == 404
    )


def test_kpi_11_the_ops_manager_closes_and_reopens_from_the_station_page(client, org, fined):
    with time_machine.travel(IN_DEC, tick=False):
        login(client, org.ops)
        response = client.post(reverse("statements:station-close", args=[org.station_a.pk, NOV]))
        job = Job.objects.get(kind="statements.close")
        assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
        services.close_job(job)  # what the worker does
        html = client.get(reverse("statements:station", args=[org.station_a.pk, NOV])).content
        assert b'data-testid="reopen-form"' in html
        reopen = reverse("statements:station-reopen", args=[org.station_a.pk, NOV])
        client.post(reopen, {"reason": ""})
        assert AssessmentClose.objects.get().reopened_at is None  # a reason is required
        client.post(reopen, {"reason": "wrong callback"})
        assert AssessmentClose.objects.get().reopen_reason == "wrong callback"


def test_kpi_11_a_station_manager_may_not_close(client, org):
    with time_machine.travel(IN_DEC, tick=False):
        login(client, org.manager_a)
        url = reverse("statements:station-close", args=[org.station_a.pk, NOV])
        response = client.post(url, follow=True)
    assert b"Only the operations manager closes assessment months." in response.content
    assert not Job.objects.exists()


def test_kpi_11_the_year_is_the_sum_of_the_months(client, org, fined):
    with time_machine.travel(IN_DEC, tick=False):
        finding(org, "KPI-05", month=date(2026, 12, 1))
    login(client, org.engineer_a)
    html = client.get(reverse("statements:year", args=[org.engineer_a.pk, 2026])).content.decode()
    assert 'data-testid="year-total">100.00<' in html
    assert 'data-testid="year-points">0.50<' in html


def test_kpi_10_the_quarter_page_shows_inputs_and_score(client, org, in_nov):
    from workorders.models import Breach
    from workorders.tests.factories import repair_order

    order = repair_order(org)
    order.engineer = org.engineer_a
    order.dispatched_at = order.resolved_at = IN_DEC.replace(month=11)
    order.save()
    Breach.objects.create(
        order=order,
        rule_id="WO-04",
        kind="missed",
        person=org.engineer_a,
        due_at=order.resolved_at,
        recorded_at=order.resolved_at,
    )
    login(client, org.manager_a)
    url = reverse("statements:quarter", args=[org.station_a.pk, "2026-Q4"])
    html = client.get(url).content.decode()
    # one repair, fixed late (faults 0) with one breach (stability 0): score 0 over weights 50
    assert f'data-testid="score-{org.engineer_a.pk}">0.0<' in html
    assert "1 fixed, 1 late" in html
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert (
        client.get(reverse("statements:quarter", args=[org.station_a.pk, "2026-Q9"])).status_code
        == 404
    )


def test_kpi_10_weights_that_do_not_add_up_show_an_error(client, org):
    from core.models import PolicyVersion

    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2020, 1, 1),
        values={"kpi.score_weight_inspections": 50},
        created_at=IN_DEC,
        created_by=org.ops.user,
    )
    login(client, org.ops)
    html = client.get(reverse("statements:quarter", args=[org.station_a.pk, "2026-Q4"])).content
    assert b'data-testid="score-error"' in html and b"120" in html


def test_kpi_10_the_engineer_does_not_see_the_quarter_scores(client, org):
    login(client, org.engineer_a)
    url = reverse("statements:quarter", args=[org.station_a.pk, "2026-Q4"])
    assert client.get(url).status_code == 404


def test_the_settlement_guard_wages_page_for_hr(client, org):
    login(client, org.hr)
    url = reverse("statements:wages")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "person": org.engineer_a.pk,
            "monthly_wage": "3000",
            "minimum_wage": "2300",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert WageRecord.objects.get().monthly_wage == Decimal("3000")
    bad = client.post(
        url,
        {"person": org.engineer_a.pk, "monthly_wage": "x", "effective_from": "2026-02-01"},
    )
    assert bad.status_code == 200 and b"Enter a number." in bad.content
    login(client, org.engineer_a)
    assert client.get(url).status_code == 404


def test_kpi_11_the_index_leads_to_my_statement(client, org, in_nov):
    login(client, org.engineer_a)
    response = client.get(reverse("statements:index"))
    assert response.url == reverse("statements:person", args=[org.engineer_a.pk, NOV])
    login(client, org.manager_a)
    response = client.get(reverse("statements:index"))
    assert response.url == reverse("statements:station", args=[org.station_a.pk, NOV])


def test_kpi_10_inspections_and_callbacks_come_from_their_apps(org, monkeypatch):
    from statements import scores

    calls = []

    def completion(ids, start, end):
        calls.append(("inspections", start, end))
        return {org.engineer_a.pk: (9, 10)}

    def satisfaction(ids, start, end):
        calls.append(("callbacks", start, end))
        return {org.engineer_a.pk: (Decimal("4.50"), 6)}

    sources = {
        "inspections.queries.completion_by_person": completion,
        "callbacks.queries.satisfaction_by_person": satisfaction,
    }
    monkeypatch.setattr(scores, "_optional", sources.get)
    rows = {r.person.pk: r for r in scores.quarter_rows(org.station_a, 2026, 4)}
    inputs = rows[org.engineer_a.pk].inputs
    assert (inputs.inspections_done, inputs.inspections_planned) == (9, 10)
    assert (inputs.satisfaction, inputs.callbacks) == (Decimal("4.50"), 6)
    # inspections 90 × 30 + callbacks 90 × 20, over the weights of the measured parts (50)
    assert rows[org.engineer_a.pk].score.score == Decimal("90.0")
    assert calls == [
        ("inspections", date(2026, 10, 1), date(2026, 12, 31)),
        ("callbacks", date(2026, 10, 1), date(2026, 12, 31)),
    ]


def test_kpi_10_a_missing_source_counts_as_absent(org, monkeypatch):
    from statements import scores

    monkeypatch.setattr(scores, "_optional", lambda path: None)
    row = scores.quarter_rows(org.station_a, 2026, 4)[0]
    assert row.inputs.inspections_planned is None and row.inputs.satisfaction is None
    assert row.score.score is None


def test_kpi_11_the_current_summaries_open_on_the_users_unit(client, org, in_nov):
    login(client, org.manager_a)
    response = client.get(reverse("statements:station-current"))
    assert response.url == reverse("statements:station", args=[org.station_a.pk, NOV])
    response = client.get(reverse("statements:quarter-current"))
    assert response.url == reverse("statements:quarter", args=[org.station_a.pk, "2026-Q4"])
    login(client, org.client_pic)
    response = client.get(reverse("statements:quarter-current"), follow=True)
    assert response.status_code == 200  # the client's first unit
