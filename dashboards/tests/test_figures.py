"""Each chart's figures against the small known data set of data.py (worked out by hand there),
for the company and for station A, and the number of queries each chart costs: fixed, whatever
the amount of data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from dashboards.figures import chart_for
from dashboards.queries import Scope
from dashboards.rollup import refresh_months
from dashboards.rules import period_for
from dashboards.tests import data

pytestmark = pytest.mark.django_db

# The queries of each chart counted live (figures.py): one aggregate query (two for SLA), and
# for the rolled-up charts one more asking whether the months are rolled up (rollup.py).
QUERIES = {
    "orders": 2,
    "sla": 3,
    "escalations": 2,
    "attendance": 2,
    "points": 1,
    "fines": 1,
    "inspections": 1,
    "callbacks": 2,
}


@pytest.fixture
def period():
    return period_for(None, None, today=data.NOW.date())


@pytest.fixture
def made(org, time_machine):
    time_machine.move_to(data.NOW, tick=False)
    return data.everything(org)


def company(name, period):
    return chart_for(name, Scope(None), period)


def test_orders_by_state_and_type(org, made, period):
    chart = company("orders", period)
    assert chart.value("repair", "closed") == 1  # o4 (2024) is outside the period
    assert chart.value("repair", "new") == 1
    assert chart.value("repair", "resolved") == 1
    assert chart.value("install", "dispatched") == 1
    assert chart.value("install", "closed") == 0
    assert {s.key for s in chart.series} == {"new", "dispatched", "resolved", "closed"}
    station_a = chart_for("orders", Scope(org.station_a), period)
    assert station_a.value("repair", "closed") == 1
    assert {s.key for s in station_a.series} == {"dispatched", "closed"}


def test_wo_01_wo_02_wo_05_sla_compliance_and_breaches_by_rule(org, made, period):
    """SLA breaches (WO-01 contact, WO-02 on site, WO-05 chain) per month of dispatch; the
    chain fine of two people counts one order."""
    chart = company("sla", period)
    assert chart.value("2026-10", "WO-01") == 1
    assert chart.value("2026-10", "WO-02") == 1
    assert chart.value("2026-10", "WO-05") == 1
    assert chart.value("2026-11", "WO-02") == 1
    assert chart.value("2026-10", "compliance") == Decimal("50.0")
    assert chart.value("2026-11", "compliance") == Decimal("0.0")
    assert chart.value("2026-09", "compliance") is None  # nothing dispatched
    assert (chart.axes[1].min, chart.axes[1].max) == (0, 100)
    station_a = chart_for("sla", Scope(org.station_a), period)
    assert station_a.value("2026-11", "compliance") is None
    assert [s.key for s in station_a.series] == ["WO-01", "WO-02", "WO-05", "compliance"]


def test_wo_05_escalation_stages_reached(org, made, period):
    """WO-05: o1's chain started (customer service alerted), reached the operations manager and
    ended in the chain fine; the station was never notified."""
    chart = company("escalations", period)
    assert [chart.value("2026-10", k) for k in ("alerted", "ops", "station", "fined")] == [
        1,
        1,
        0,
        1,
    ]
    assert chart.value("2026-11", "alerted") == 0
    assert chart_for("escalations", Scope(org.station_b), period).value("2026-10", "fined") == 0


def test_att_04_att_06_attendance_trends(org, made, period):
    """Late arrivals (ATT-04), early leaves (ATT-06) and absent days per month."""
    chart = company("attendance", period)
    assert [chart.value("2026-10", k) for k in ("late", "early", "absent")] == [1, 0, 1]
    assert [chart.value("2026-11", k) for k in ("late", "early", "absent")] == [2, 1, 0]
    station_a = chart_for("attendance", Scope(org.station_a), period)
    assert [station_a.value("2026-11", k) for k in ("late", "early", "absent")] == [0, 1, 0]


def test_kpi_07_points_and_fines_by_rule_without_withdrawn_entries(org, made, period):
    """Points and fines (KPI-07: money per point) per rule and month; a withdrawn entry costs
    nothing (KPI-11)."""
    points = company("points", period)
    assert points.value("2026-10", "KPI-02") == Decimal("0.5")
    assert [s.key for s in points.series] == ["KPI-02"]  # BEH-01 and ATT-04 have no points
    fines = company("fines", period)
    assert fines.value("2026-10", "KPI-02") == Decimal("50")
    assert fines.value("2026-10", "BEH-01") == Decimal("50")
    assert fines.value("2026-11", "ATT-04") == Decimal("20")
    station_a = chart_for("fines", Scope(org.station_a), period)
    assert [s.key for s in station_a.series] == ["BEH-01", "KPI-02"]


def test_cb_01_callback_satisfaction(org, made, period):
    """CB-01/CB-02: answered callbacks by score and their average per month."""
    chart = company("callbacks", period)
    assert chart.value("2026-10", "5") == 1
    assert chart.value("2026-10", "3") == 1
    assert chart.value("2026-10", "average") == Decimal("4.00")
    assert chart.value("2026-11", "1") == 1
    assert chart.value("2026-11", "average") == Decimal("1.00")
    assert chart.value("2026-09", "average") is None
    assert chart_for("callbacks", Scope(org.station_a), period).value("2026-11", "1") == 0


def test_kpi_10_inspection_completion(org, made, period):
    """KPI-10 / INS: tickets due per month, done, and the completion rate; an approved skip
    (INS-01) is not due any more."""
    chart = company("inspections", period)
    assert [chart.value("2026-10", k) for k in ("due", "done", "rate")] == [2, 1, Decimal("50.0")]
    assert [chart.value("2026-11", k) for k in ("due", "done", "rate")] == [1, 1, Decimal("100.0")]
    assert chart.value("2026-09", "rate") is None
    station_b = chart_for("inspections", Scope(org.station_b), period)
    assert station_b.value("2026-10", "due") == 0


def test_a_narrower_period_leaves_the_rest_out(org, made):
    period = period_for("2026-11", "2026-11", today=data.NOW.date())
    chart = company("orders", period)
    assert chart.value("repair", "closed") is None  # no series: nothing closed in November
    assert chart.value("repair", "new") == 1
    assert chart.categories and chart_for("sla", Scope(None), period).category_keys == ["2026-11"]


def more_data(org, times: int) -> None:
    """`times` more of everything, to show the queries do not grow with the data."""
    for i in range(times):
        o = data.order(
            org.community_a, "repair", "closed", data.at("2026-09-10"), engineer=org.engineer_a
        )
        data.breach(o, "WO-01", "contact_late", org.engineer_a)
        data.breach(o, "WO-05", "chain_fine", org.manager_a, 200)
        data.judgement(
            org.engineer_a, (date(2026, 3, 1) + timedelta(days=i)).isoformat(), "late", late_count=1
        )
        data.entry(org.engineer_a, "2026-09", "KPI-01", f"more{i}", points="0.5", fine="50")
        data.callback(org.engineer_a, "2026-09-12", 4, o)
        data.ticket(made_asset(org), org.engineer_a, "2026-09-14", "done")


def made_asset(org):
    from inspections.models import Asset

    return Asset.objects.get_or_create(name="more", kind="epon_line", unit=org.community_a)[0]


@pytest.mark.parametrize("name", list(QUERIES))
def test_each_chart_costs_a_fixed_number_of_queries(
    org, made, period, name, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES[name]):
        company(name, period)
    more_data(org, 15)
    with django_assert_max_num_queries(QUERIES[name]):
        company(name, period)
    with django_assert_max_num_queries(QUERIES[name]):
        chart_for(name, Scope(org.station_a), period)


ROLLED = ["orders", "sla", "escalations", "attendance", "callbacks"]


def figures_of(chart) -> dict:
    return {s.key: s.data for s in chart.series}


def test_rolled_up_months_give_the_live_figures_in_two_queries(
    org, made, period, django_assert_num_queries
):
    """The monthly rollup (WO-01..05, ATT-04..06, CB-01 charts) holds the same figures as the
    live count, for the company and a station; a chart reads it in two queries."""
    live = {
        (name, unit): figures_of(chart_for(name, Scope(unit), period))
        for name in ROLLED
        for unit in (None, org.station_a, org.station_b)
    }
    refresh_months(period.first, period.last)
    for (name, unit), figures in live.items():
        with django_assert_num_queries(2):
            chart = chart_for(name, Scope(unit), period)
        assert figures_of(chart) == figures, (name, unit)
        assert chart.as_of is not None


def test_rolled_up_figures_wait_for_the_next_refresh(org, made, period):
    """Cache data: a new order shows once its month is computed again (the worker does it
    every ten minutes for this and last month); a month not rolled up is counted live."""
    refresh_months(period.first, period.last)
    data.order(org.community_a, "renewal", "closed", data.at("2026-11-05"), engineer=org.engineer_a)
    assert company("orders", period).value("renewal", "closed") == 0
    refresh_months(date(2026, 10, 1), date(2026, 11, 1))
    assert company("orders", period).value("renewal", "closed") == 1
    longer = period_for("2024-01", "2026-11", today=data.NOW.date())
    chart = company("orders", longer)
    assert chart.as_of is None and chart.value("repair", "closed") == 2  # o4 of 2024 is in


def test_the_worker_rolls_up_the_missing_year_first_then_two_months(org, made, time_machine):
    from dashboards.models import RolledMonth
    from dashboards.tasks import refresh_recent_figures

    refresh_recent_figures.call_local()
    assert RolledMonth.objects.filter(chart="orders").count() == 13
    time_machine.move_to(data.at("2026-11-15", 13), tick=False)
    refresh_recent_figures.call_local()
    latest = RolledMonth.objects.filter(chart="orders").order_by("-refreshed_at", "-month")
    assert [r.month for r in latest[:2]] == [date(2026, 11, 1), date(2026, 10, 1)]
    assert latest[2].refreshed_at < latest[0].refreshed_at
