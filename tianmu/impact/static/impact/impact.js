// Charts of the impact app: each element with data-echarts="<id of a json_script>" gets an
// ECharts chart with the option the server wrote there (no inline script: the CSP forbids it).
(function () {
  "use strict";
  function draw() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-echarts]").forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var option = JSON.parse(document.getElementById(el.dataset.echarts).textContent);
      var chart = echarts.init(el);
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
