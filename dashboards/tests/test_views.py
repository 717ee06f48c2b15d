"""Dashboard pages, chart JSON, rows pages and Excel exports: who sees what (outsiders 404), the
records behind a chart, the export's contents, the fixed number of queries per request, and no
CDN or inline script anywhere (CSP)."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.charts import CHARTS
from dashboards.tests import data
from dashboards.tests.test_figures import more_data

pytestmark = pytest.mark.django_db
STATIC = Path(__file__).resolve().parents[1] / "static" / "dashboards"


@pytest.fixture
def made(org, time_machine):
    time_machine.move_to(data.NOW, tick=False)
    return data.everything(org)


def client_for(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def data_url(name: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('dashboards:chart-data', args=[name])}?{query}"


def rows_url(name: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('dashboards:chart-rows', args=[name])}?{query}"


def export_url(name: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('dashboards:chart-export', args=[name])}?{query}"


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ops", "hr", "cs"])
def test_company_wide_roles_see_the_company_dashboard_with_every_chart(org, made, who):
    response = client_for(getattr(org, who)).get(reverse("dashboards:company"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in CHARTS:
        assert f'data-chart="{name}"' in html
    assert org.station_a.name in html  # the station switch


def test_station_staff_land_on_their_station_and_see_no_other(org, made):
    manager = client_for(org.manager_a)
    response = manager.get(reverse("dashboards:company"))
    assert response.status_code == 302
    assert response.url == reverse("dashboards:station", args=[org.station_a.pk])
    assert manager.get(response.url).status_code == 200
    assert manager.get(reverse("dashboards:station", args=[org.station_b.pk])).status_code == 404
    assert manager.get(data_url("orders")).status_code == 404  # the company's figures
    assert manager.get(data_url("orders", unit=org.station_b.pk)).status_code == 404
    assert manager.get(rows_url("orders", unit=org.station_b.pk)).status_code == 404
    assert manager.get(export_url("orders", unit=org.station_b.pk)).status_code == 404
    answer = manager.get(data_url("orders", unit=org.station_a.pk)).json()
    assert sum(sum(s["data"]) for s in answer["series"]) == 2  # station A's two orders


@pytest.mark.parametrize(
    "who", ["engineer_a", "leader_a", "engineer_b", "client_pic", "vendor_contact"]
)
def test_engineers_and_outsiders_get_404_everywhere(org, made, who):
    client = client_for(getattr(org, who))
    unit = org.station_a.pk
    assert client.get(reverse("dashboards:company")).status_code == 404
    assert client.get(reverse("dashboards:station", args=[unit])).status_code == 404
    for name in CHARTS:
        assert client.get(data_url(name)).status_code == 404
        assert client.get(data_url(name, unit=unit)).status_code == 404
    assert client.get(rows_url("points", unit=unit)).status_code == 404
    assert client.get(export_url("points", unit=unit)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(org):
    response = Client().get(reverse("dashboards:company"))
    assert response.status_code == 302 and "login" in response.url


def test_an_unknown_chart_or_unit_is_404(org, made):
    ops = client_for(org.ops)
    assert ops.get(data_url("nothing")).status_code == 404
    assert ops.get(data_url("orders", unit=999999)).status_code == 404
    assert ops.get(data_url("orders", unit="x")).status_code == 404


def test_bad_months_are_a_400_naming_the_field(org, made):
    ops = client_for(org.ops)
    response = ops.get(data_url("orders", **{"from": "2026-13"}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "from"
    page = ops.get(reverse("dashboards:company") + "?from=2026-05&to=2026-01")
    assert page.status_code == 400
    assert "error" in page.content.decode()


# --- JSON, rows, Excel -------------------------------------------------------------------------


def test_chart_json_has_categories_series_and_a_rows_link(org, made):
    answer = client_for(org.ops).get(data_url("sla")).json()
    assert answer["category_keys"][-2:] == ["2026-10", "2026-11"]
    compliance = next(s for s in answer["series"] if s["key"] == "compliance")
    assert compliance["data"][-2:] == [50.0, 0.0]
    assert compliance["axis"] == 1
    assert (answer["axes"][1]["min"], answer["axes"][1]["max"]) == (0, 100)
    assert answer["axes"][0]["integer"] is True
    assert answer["rows_url"].startswith(reverse("dashboards:chart-rows", args=["sla"]))


def test_the_api_gives_the_same_figures_scoped(org, made):
    answer = client_for(org.ops).get("/api/dashboards/charts/fines/?from=2026-10&to=2026-11")
    assert answer.status_code == 200
    fines = {s["key"]: s["data"] for s in answer.json()["series"]}
    assert fines == {"ATT-04": [0, 20.0], "BEH-01": [50.0, 0], "KPI-02": [50.0, 0]}
    outsider = client_for(org.engineer_b)
    assert outsider.get("/api/dashboards/charts/fines/").status_code == 404
    assert client_for(org.ops).get("/api/dashboards/charts/fines/?from=13").status_code in (
        400,
        422,
    )


def test_rows_behind_a_bar_link_to_the_order(org, made):
    response = client_for(org.ops).get(rows_url("orders", category="repair", series="closed"))
    html = response.content.decode()
    assert response.status_code == 200
    assert made["o1"].number in html and made["o4"].number not in html  # o4: 2024
    assert reverse("workorders:detail", args=[made["o1"].pk]) in html
    assert made["o2"].number not in html  # an install


def test_wo_05_rows_behind_the_sla_chart_list_each_breach(org, made):
    """WO-05: the chain fine of two people is two breach rows behind one order."""
    response = client_for(org.ops).get(rows_url("sla", category="2026-10", series="WO-05"))
    html = response.content.decode()
    assert html.count(made["o1"].number) == 2
    assert org.manager_a.name in html


def test_kpi_11_points_rows_link_to_the_entries_and_leave_withdrawn_out(org, made):
    """A withdrawn entry (KPI-11 objection upheld) is not behind the points chart."""
    response = client_for(org.ops).get(rows_url("points"))
    html = response.content.decode()
    assert reverse("assessment:entry", args=[made["kpi"].pk]) in html
    assert reverse("assessment:entry", args=[made["withdrawn"].pk]) not in html


def test_att_04_attendance_rows_link_to_the_day(org, made):
    response = client_for(org.manager_a).get(
        rows_url("attendance", unit=org.station_a.pk, category="2026-11")
    )
    html = response.content.decode()
    assert reverse("attendance:day", args=[org.engineer_a.pk, data.at("2026-11-03").date()]) in html
    assert org.engineer_b.name not in html


def test_ins_01_inspection_rows_link_to_the_ticket_and_leave_approved_skips_out(org, made):
    """INS-01: a skip the area supervisor approved is no missed inspection."""
    html = client_for(org.ops).get(rows_url("inspections", category="2026-10")).content.decode()
    assert reverse("inspections:ticket", args=[made["t_open"].pk]) in html
    assert reverse("inspections:ticket", args=[made["t_skipped"].pk]) not in html
    done = client_for(org.ops).get(rows_url("inspections", series="done")).context["page"]
    assert done.paginator.count == 2


def test_cb_01_callback_rows_link_to_the_callback(org, made):
    response = client_for(org.ops).get(rows_url("callbacks", category="2026-10", series="5"))
    assert response.context["page"].paginator.count == 1
    callback = made["o1"].callbacks.get()
    assert reverse("callbacks:detail", args=[callback.pk]) in response.content.decode()


def test_rows_pages_are_paginated(org, made, settings):
    more_data(org, 60)
    response = client_for(org.ops).get(rows_url("orders"))
    assert response.context["page"].paginator.count == 4 + 60
    assert len(response.context["lines"]) == 50
    assert "page=2" in response.content.decode()


def test_the_excel_export_has_the_figures_and_the_rows(org, made):
    response = client_for(org.ops).get(export_url("fines", **{"from": "2026-10", "to": "2026-11"}))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    figures, rows = book.worksheets
    table = [list(r) for r in figures.iter_rows(min_row=4, values_only=True)]
    assert table[0][1:] == ["ATT-04", "BEH-01", "KPI-02"]
    assert table[1] == ["2026-10", 0, 50, 50]
    assert table[2] == ["2026-11", 20, 0, 0]
    lines = list(rows.iter_rows(values_only=True))
    assert len(lines) == 1 + 3  # header + KPI-02, BEH-01, ATT-04; the withdrawn entry is left out
    rules = sorted(line[2] for line in lines[1:])
    assert rules == ["ATT-04", "BEH-01", "KPI-02"]


def test_a_long_excel_export_says_where_it_stops(org, made, monkeypatch):
    monkeypatch.setattr("dashboards.exports.MAX_ROWS", 2)
    response = client_for(org.ops).get(export_url("orders"))
    lines = list(load_workbook(BytesIO(response.content)).worksheets[1].iter_rows(values_only=True))
    assert len(lines) == 1 + 2 + 1
    assert "2" in lines[-1][0] and lines[-1][1] is None


def test_the_excel_export_of_one_bar(org, made):
    response = client_for(org.ops).get(export_url("orders", category="repair", series="closed"))
    book = load_workbook(BytesIO(response.content))
    lines = list(book.worksheets[1].iter_rows(values_only=True))
    assert [line[0] for line in lines[1:]] == [made["o1"].number]


# --- queries per request -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CHARTS))
def test_a_chart_request_costs_the_same_queries_with_more_data(
    org, made, name, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ops = client_for(org.ops)
    ops.get(data_url(name))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert ops.get(data_url(name)).status_code == 200
    more_data(org, 20)
    with django_assert_num_queries(len(few)):
        assert ops.get(data_url(name)).status_code == 200
    manager = client_for(org.manager_a)
    manager.get(data_url(name, unit=org.station_a.pk))
    with CaptureQueriesContext(connection) as station:
        manager.get(data_url(name, unit=org.station_a.pk))
    assert len(station) <= len(few) + 2  # the unit's scope check


# --- CSP: no CDN, no inline script or style ------------------------------------------------------


def test_pages_load_scripts_only_from_our_own_static_files(org, made):
    html = client_for(org.ops).get(reverse("dashboards:company")).content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/' in attrs for attrs in scripts)
    assert re.findall(r"<script[^>]*>\s*[^<\s]", html) == []  # nothing inline
    assert "style=" not in html
    assert "dashboards/vendor/echarts.min.js" in html
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    rows = client_for(org.ops).get(rows_url("orders")).content.decode()
    assert "style=" not in rows and not re.search(r"<script[^>]*>\s*[^<\s]", rows)


def test_echarts_is_served_locally_with_its_licence():
    vendor = STATIC / "vendor"
    assert (vendor / "echarts.min.js").stat().st_size > 500_000
    assert "Apache License" in (vendor / "ECHARTS-LICENSE").read_text()
    own_js = (STATIC / "dashboards.js").read_text()
    assert "http" not in own_js and "innerHTML" not in own_js


def test_rolled_up_charts_say_as_of_when(org, made):
    from dashboards.rollup import refresh_months

    ops = client_for(org.ops)
    assert ops.get(data_url("orders")).json()["as_of_text"] == ""  # counted live
    refresh_months(data.at("2025-12-01").date(), data.NOW.date())
    answer = ops.get(data_url("orders")).json()
    assert answer["as_of_text"] == "2026-11-15 12:00"
    assert ops.get(data_url("inspections")).json()["as_of_text"] == ""  # always live
