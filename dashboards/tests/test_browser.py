"""The company dashboard in a real browser (Debian's Chromium, desktop size): every chart is
drawn by the locally served ECharts (a canvas in each), with no console error under the CSP
(no inline script or style), hovering shows a tooltip without breaking the CSP, and a click on
a bar opens the rows behind it. Then an engineer completes an inspection ticket through the
inspections service and, on reload, the dashboard's inspection completion (INS-04, KPI-10)
changes. Screenshots go to $CREWDESK_SCREENSHOTS or a temporary folder."""

import pytest

from core.tests.test_browser import DESKTOP, browser, log_in, open_page, shots  # noqa: F401
from dashboards.charts import CHARTS
from dashboards.tests import data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURE = """name => {
  const el = document.querySelector(`[data-chart=${name}]`);
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const at = option.xAxis[0].data.indexOf("2026-11");
  return Object.fromEntries(option.series.map(s => [s.id, s.data[at]]));
}"""


def watch(page, errors: list[str]) -> None:
    """Console errors, except the browser's own request for /favicon.ico (there is none)."""

    def on_console(message) -> None:
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))


def wait_for_charts(page) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart][data-ready=\"1\"]').length === n",
        arg=len(CHARTS),
    )


def test_ins_04_the_company_dashboard_draws_every_chart_and_shows_an_inspection_done(
    org,
    open_page,  # noqa: F811
    time_machine,
    shots,  # noqa: F811
):
    from inspections.services.tickets import submit_answers

    time_machine.move_to(data.NOW, tick=True)
    made = data.everything(org)
    errors: list[str] = []

    ops = open_page(DESKTOP)
    watch(ops, errors)
    log_in(ops, "ops")
    response = ops.goto("/dashboards/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    wait_for_charts(ops)
    for name in CHARTS:
        assert ops.locator(f"[data-chart={name}] canvas").count() >= 1, name
    assert ops.evaluate(FIGURE, "inspections") == {"due": 1, "done": 1, "rate": 100}
    ops.screenshot(path=shots / "dashboard-company.png", full_page=True)

    # Hovering shows the tooltip (rich text, no HTML with inline styles) without a CSP error.
    sla = ops.locator("[data-chart=sla]")
    sla.scroll_into_view_if_needed()
    sla.hover()
    ops.mouse.move(
        *(lambda b: (b["x"] + b["width"] * 0.8, b["y"] + b["height"] * 0.7))(sla.bounding_box())
    )
    ops.wait_for_timeout(300)
    assert errors == []

    # engineer_a's EPON ticket due 2026-11-20 is still open: November is 1 done of 2.
    asset = made["t_done"].asset
    ticket = data.ticket(asset, org.engineer_a, "2026-11-20")
    ops.reload()
    wait_for_charts(ops)
    assert ops.evaluate(FIGURE, "inspections") == {"due": 2, "done": 1, "rate": 50}

    # The engineer completes it through the inspections service; the dashboard follows.
    submit_answers(ticket, by=org.engineer_a, answers={})
    ops.reload()
    wait_for_charts(ops)
    assert ops.evaluate(FIGURE, "inspections") == {"due": 2, "done": 2, "rate": 100}
    ops.locator("[data-chart=inspections]").screenshot(path=shots / "dashboard-inspections.png")

    # A click on November's "done" bar lists the tickets behind it.
    ops.locator("[data-chart=inspections]").scroll_into_view_if_needed()
    point = ops.evaluate(
        """() => {
          const el = document.querySelector('[data-chart=inspections]');
          const chart = echarts.getInstanceByDom(el);
          const series = chart.getModel().getSeries().find(s => s.id === 'done');
          const at = chart.getOption().xAxis[0].data.indexOf('2026-11');
          const bar = series.getData().getItemLayout(at);
          const box = el.getBoundingClientRect();
          return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2];
        }"""
    )
    with ops.expect_navigation():
        ops.mouse.click(*point)
    assert "/dashboards/charts/inspections/rows/" in ops.url
    assert "category=2026-11" in ops.url and "series=done" in ops.url
    rows = ops.get_by_test_id("rows")
    assert rows.locator("tbody tr").count() == 2
    assert f"/inspections/{ticket.pk}/" in rows.inner_html()
    assert errors == []
