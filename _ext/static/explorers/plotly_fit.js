/* Fits each Plotly figure of the page (the chapters' Plotly explorers, drawn by the notebooks
 * with plotly.js inlined) to its column whenever the column's width changes: a figure may be
 * drawn before the page's layout has settled, even after the page loads. */
(function () {
  "use strict";
  function fitAll() {
    if (!window.Plotly || !window.ResizeObserver) return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (figure) {
      if (figure.getAttribute("data-fitted")) return;
      figure.setAttribute("data-fitted", "true");
      window.Plotly.Plots.resize(figure);
      new ResizeObserver(function () { window.Plotly.Plots.resize(figure); })
        .observe(figure.parentElement);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitAll);
  } else {
    fitAll();
  }
  window.addEventListener("load", fitAll);
})();
