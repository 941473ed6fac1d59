/*
 * Draws every chart on the page. The page carries each figure as JSON through Django's
 * json_script (<script type="application/json" id="…">) and a <div class="zs-chart"
 * data-figure="…id…">; nothing inline is executed, so the strict CSP holds.
 */
(function () {
  "use strict";

  var GERMAN = {
    moduleType: "locale",
    name: "de",
    dictionary: {
      "Autoscale": "Automatische Skalierung",
      "Zoom": "Zoomen",
      "Pan": "Verschieben",
      "Reset axes": "Achsen zurücksetzen",
      "Download plot as a png": "Grafik als PNG herunterladen",
      "Double-click to zoom back out": "Doppelklick zum Herauszoomen"
    },
    format: {
      days: ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
      shortDays: ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
      months: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
        "September", "Oktober", "November", "Dezember"],
      shortMonths: ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt",
        "Nov", "Dez"],
      date: "%d.%m.%Y",
      decimal: ",",
      thousands: "."
    }
  };

  function draw(container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var layout = figure.layout || {};
    layout.separators = ",.";
    var config = {
      locale: "de",
      responsive: true,
      displaylogo: false,
      displayModeBar: false
    };
    window.Plotly.newPlot(container, figure.data || [], layout, config);
  }

  function drawAll() {
    if (!window.Plotly) {
      return;
    }
    window.Plotly.register(GERMAN);
    document.querySelectorAll(".zs-chart[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
