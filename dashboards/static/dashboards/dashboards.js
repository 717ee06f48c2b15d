/* crewdesk dashboards: draws each chart with the locally served ECharts from its JSON endpoint
 * (data-url), no inline script or style (CSP). A click on a bar or point opens the rows behind
 * it (data-rows-url + category and series keys). When drawn, the container gets data-ready="1"
 * (browser tests wait for it). */
(function () {
  "use strict";

  function option(spec) {
    var axes = spec.axes.map(function (a, index) {
      var axis = { type: "value", name: a.name, nameTextStyle: { align: index ? "right" : "left" } };
      if (a.min !== null) axis.min = a.min;
      if (a.max !== null) axis.max = a.max;
      if (a.integer) axis.minInterval = 1;
      if (index) axis.splitLine = { show: false };
      return axis;
    });
    return {
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText", confine: true },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } },
      yAxis: axes.length ? axes : [{ type: "value" }],
      series: spec.series.map(function (s) {
        return {
          id: s.key,
          name: s.name,
          type: s.kind,
          stack: s.stack || undefined,
          yAxisIndex: s.axis,
          data: s.data,
          connectNulls: true,
          emphasis: { focus: "series" }
        };
      })
    };
  }

  function isEmpty(spec) {
    return !spec.series.some(function (s) {
      return s.data.some(function (v) { return v; });
    });
  }

  function draw(el) {
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (spec) {
        var chart = echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(option(spec));
        if (spec.as_of_text) {
          var stamp = document.createElement("p");
          stamp.className = "muted dash-as-of";
          stamp.textContent = el.dataset.asOf + " " + spec.as_of_text;
          el.parentNode.insertBefore(stamp, el.nextSibling);
        }
        if (isEmpty(spec)) {
          el.setAttribute("data-empty-shown", "1");
          var note = document.createElement("p");
          note.className = "muted dash-empty";
          note.textContent = el.dataset.empty;
          el.parentNode.insertBefore(note, el.nextSibling);
        }
        chart.on("click", function (params) {
          var s = spec.series[params.seriesIndex];
          var key = spec.category_keys[params.dataIndex];
          var url = new URL(el.dataset.rowsUrl, window.location.href);
          if (key) url.searchParams.set("category", key);
          if (s && s.key) url.searchParams.set("series", s.key);
          window.location.href = url.toString();
        });
        window.addEventListener("resize", function () { chart.resize(); });
        el.setAttribute("data-ready", "1");
      })
      .catch(function () {
        el.textContent = el.dataset.error;
        el.setAttribute("data-ready", "error");
      });
  }

  function start() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart][data-url]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
