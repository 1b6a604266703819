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
    if (window.htmx) {
      htmx.onLoad(function (el) { applyKinds(el.parentElement || el); });
    }
  });
})();
