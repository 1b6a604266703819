// Tianmu's small page behaviours (no inline scripts, so a strict CSP stays possible).
(function () {
  "use strict";

  // Organisation form: show only the fields of the chosen kind (fields carry data-kinds).
  function applyKinds(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var select = form.querySelector("select[name=kind]");
      if (!select) return;
      var update = function () {
        form.querySelectorAll("[data-kinds]").forEach(function (el) {
          el.hidden = el.dataset.kinds.split(" ").indexOf(select.value) < 0;
        });
      };
      if (!select.dataset.kindsBound) {
        select.addEventListener("change", update);
        select.dataset.kindsBound = "1";
      }
      update();
    });
  }

  // A bar chart from a <script type="application/json"> block (villages per town).
  function drawCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: 40, right: 10, top: 10, bottom: 80 },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 40 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { type: "bar", name: s.name, data: s.values };
        }),
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // The cockpit's charts: bars (a breakdown), lines (a trend beside the year before) and a
  // map of villages (a scatter on longitude and latitude: no tiles, nothing online). A click
  // opens what the bar, month or village counts.
  function drawCockpit(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-cockpit-chart]").forEach(function (el) {
      var data = JSON.parse(document.getElementById(el.dataset.cockpitChart).textContent);
      var chart = echarts.init(el);
      var kind = el.dataset.kind;
      var open = function (url) { if (url) window.location.href = url; };
      if (kind === "bar") {
        chart.setOption({
          grid: { left: 60, right: 10, top: 10, bottom: 70 },
          tooltip: { trigger: "axis" },
          xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 40, interval: 0 } },
          yAxis: { type: "value" },
          series: [{ type: "bar", name: data.name, data: data.values }],
        });
        chart.on("click", function (p) { open(data.urls[p.dataIndex]); });
      } else if (kind === "line") {
        chart.setOption({
          grid: { left: 60, right: 10, top: 30, bottom: 40 },
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          xAxis: { type: "category", data: data.labels },
          yAxis: { type: "value" },
          series: data.series.map(function (s, i) {
            return { type: "line", name: s.name, data: s.values, lineStyle: i ? { type: "dashed" } : {} };
          }),
        });
        chart.on("click", function (p) { if (p.seriesIndex === 0) open(data.urls[p.dataIndex]); });
      } else if (kind === "map") {
        var paired = data.mode === "paired";
        var values = data.points.map(function (p) { return p.value; });
        var max = Math.max.apply(null, values.concat([1]));
        var option = {
          grid: { left: 50, right: 10, top: 10, bottom: paired ? 40 : 60 },
          tooltip: { formatter: function (p) { return p.data.name + (paired ? "" : ": " + p.data.value[2]); } },
          xAxis: { type: "value", scale: true, name: "E", axisLabel: { formatter: "{value}°" } },
          yAxis: { type: "value", scale: true, name: "N", axisLabel: { formatter: "{value}°" } },
          series: [{
            type: "scatter",
            symbolSize: 12,
            data: data.points.map(function (p) {
              var status = { alert: 0, normal: 1, excellent: 2 }[p.status];
              return { name: p.name, url: p.url, value: [p.lon, p.lat, p.value, status === undefined ? 1 : status] };
            }),
          }],
        };
        if (data.by_status) {  // coloured by the programme's thresholds for the figure
          option.visualMap = { type: "piecewise", dimension: 3, orient: "horizontal", bottom: 0, left: "center",
            pieces: [{ value: 0, label: data.labels.alert, color: "#dc3545" },
                     { value: 1, label: data.labels.normal, color: "#adb5bd" },
                     { value: 2, label: data.labels.excellent, color: "#198754" }] };
        } else if (paired) {
          option.visualMap = { type: "piecewise", dimension: 2, orient: "horizontal", bottom: 0, left: "center",
            pieces: [{ value: 1, label: data.labels.paired, color: "#198754" },
                     { value: 0, label: data.labels.unpaired, color: "#adb5bd" }] };
        } else {
          option.visualMap = { type: "continuous", dimension: 2, min: 0, max: max, orient: "horizontal",
            bottom: 0, left: "center", text: [data.name, ""], inRange: { color: ["#e9ecef", "#0d6efd"] } };
        }
        chart.setOption(option);
        chart.on("click", function (p) { open(p.data.url); });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // A select that shows what it selects at once (a year picker): <select data-autosubmit>.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.requestSubmit();
  });

  // Forms that end, write off or delete something ask first: <form data-confirm="…">.
  // Cancelling sends nothing, so nothing changes. (htmx forms use hx-confirm instead.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // The button pressed may ask its own question (one form, several actions).
    var button = event.submitter;
    var message = (button && button.dataset && button.dataset.confirm) ||
      (form && form.dataset ? form.dataset.confirm : "");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    applyKinds(document);
    drawCharts(document);
    drawCockpit(document);
    if (window.htmx) {
      htmx.onLoad(function (el) { applyKinds(el.parentElement || el); });
    }
  });
})();
