// Draw every chart of the page: its Vega-Lite spec is the JSON in the script element that
// names the chart's element (data-chart). vegaEmbed comes from the bundle loaded before.
document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (source) {
  var target = document.getElementById(source.dataset.chart);
  vegaEmbed(target, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
    .catch(function (error) {
      target.textContent = "The chart could not be drawn: " + error;
      console.error(error);
    });
});
