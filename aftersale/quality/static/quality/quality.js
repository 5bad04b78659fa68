// Quality dashboard charts (Apache ECharts, vendored). Data comes from the page's json_script.
(function () {
  "use strict";
  function start() {
    var holder = document.getElementById("q-chart-data");
    if (!holder || !window.echarts) { return; }
    var data = JSON.parse(holder.textContent);
    var charts = [];
    var trendEl = document.getElementById("chart-trend");
    if (trendEl) {
      var trend = echarts.init(trendEl);
      trend.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 45, right: 50, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.labels },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } }],
        series: [
          { name: data.names.cases, type: "bar", data: data.series.cases, itemStyle: { color: "#0b6bcb" } },
          { name: data.names.csat, type: "line", yAxisIndex: 1, connectNulls: true, data: data.series.csat, itemStyle: { color: "#1a7f37" } },
          { name: data.names.sla_attainment, type: "line", yAxisIndex: 1, connectNulls: true, data: data.series.sla_attainment, itemStyle: { color: "#9a6700" } }
        ]
      });
      trend.on("click", function (params) {
        var url = data.drill[params.dataIndex];
        if (url) { window.location.href = url; }
      });
      charts.push(trend);
    }
    var catEl = document.getElementById("chart-categories");
    if (catEl) {
      var cats = echarts.init(catEl);
      cats.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories, label: { formatter: "{b}\n{c}" } }]
      });
      charts.push(cats);
    }
    var costEl = document.getElementById("chart-cost");
    if (costEl && data.cost) {
      var cost = echarts.init(costEl);
      cost.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        grid: { left: 60, right: 20, top: 20, bottom: 30 },
        xAxis: { type: "category", data: data.labels },
        yAxis: { type: "value" },
        series: [{ name: data.names.total_cost, type: "line", areaStyle: {}, data: data.cost, itemStyle: { color: "#c62828" } }]
      });
      charts.push(cost);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    document.documentElement.dataset.chartsReady = "1";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
