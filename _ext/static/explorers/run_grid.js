/* The DQN chapters' explorer without a kernel: a training run is too slow for a page, so the
 * chapter's own code trained every setting of a grid beforehand (sweeps/explorer_grid.py for
 * chapter 5, sweeps/dqn_sweep.py for chapter 6) and the page holds the stored learning curves.
 * A menu per knob chooses the setting; the plot shows that setting's seeds, one curve each,
 * over the default setting's seeds in gray. With `one_at_a_time` (a study that changes one
 * knob at a time from the defaults), choosing a value puts the other menus back at their
 * defaults. The config, written by the notebook:
 *   knobs: [{name, label, values: [text, ...]}], defaults: {name: text},
 *   runs: {"v1|v2|...": {seeds: [...], x: [[...] per seed], y: [[...] per seed],
 *                        notes: [text per seed]}},
 *   one_at_a_time, x_label, y_label, y_max, hint, dot_note (what a curve's end means);
 *   a knob may carry `texts`, what its menu shows for each of its values. */
(function () {
  "use strict";
  var ns = window.DQNBookExplorers = window.DQNBookExplorers || {};
  // Okabe and Ito's colours, told apart by colour-blind readers too; later seeds are drawn
  // thinner, so that a line under another (all at 500, say) still shows at its edges.
  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
  var WIDTHS = [3.4, 2.8, 2.2, 1.7, 1.3];

  ns.gridKey = function (config, state) {
    return config.knobs.map(function (knob) { return state[knob.name]; }).join("|");
  };

  function niceStep(max) {  // a round tick step giving about 5 to 7 ticks up to max
    var raw = max / 6, power = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].map(function (m) { return m * power; })
      .find(function (s) { return s >= raw; });
  }

  function draw(svg, config, run, reference) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    // Drawn at the width it is shown at (between 300 and 560 px), so that its text keeps
    // its size on a phone instead of shrinking with the picture.
    var shown = svg.parentNode ? svg.parentNode.clientWidth : 0;
    var width = Math.round(Math.min(560, Math.max(300, shown || 520)));
    var height = width < 420 ? 260 : 300, left = 50, right = 16, top = 14, bottom = 44;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    var plotW = width - left - right, plotH = height - top - bottom;
    var all = run.x.concat(reference ? reference.x : []);
    var xMax = Math.max.apply(null, all.map(function (xs) { return xs[xs.length - 1]; }));
    var x = function (v) { return left + plotW * v / xMax; };
    var y = function (v) { return top + plotH * (1 - v / config.y_max); };
    var yStep = niceStep(config.y_max), xStep = niceStep(xMax);
    for (var t = 0; t <= config.y_max + 1e-9; t += yStep) {
      ns.svg("line", { x1: left, x2: left + plotW, y1: y(t), y2: y(t),
                       stroke: t ? "#e3e3e3" : "#333" }, svg);
      ns.text(svg, left - 5, y(t) + 4, String(t), { "text-anchor": "end", "font-size": 12 });
    }
    if ((xMax / xStep) * 52 > plotW) xStep *= 2;  // labels need about 52 px each
    for (var s = 0; s <= xMax + 1e-9; s += xStep) {
      ns.text(svg, x(s), top + plotH + 15, s.toLocaleString("en-US"),
              { "text-anchor": "middle", "font-size": 12 });
    }
    ns.text(svg, left + plotW / 2, height - 6, config.x_label,
            { "text-anchor": "middle", "font-size": 13 });
    ns.text(svg, 12, top + plotH / 2, config.y_label, { "text-anchor": "middle",
            "font-size": 13, transform: "rotate(-90 12 " + (top + plotH / 2) + ")" });
    function curve(xs, ys, attributes) {
      var points = xs.map(function (v, i) { return x(v) + "," + y(ys[i]); }).join(" ");
      return ns.svg("polyline", Object.assign({ points: points, fill: "none" }, attributes),
                    svg);
    }
    if (reference) {
      reference.x.forEach(function (xs, i) {
        curve(xs, reference.y[i], { stroke: "#9a9a9a", "stroke-width": 1.5,
                                    "stroke-dasharray": "4 3", "class": "reference" });
      });
    }
    run.x.forEach(function (xs, i) {
      var colour = COLOURS[i % COLOURS.length];
      curve(xs, run.y[i], { stroke: colour, "stroke-width": WIDTHS[i % WIDTHS.length],
                            "class": "seed" });
      var last = xs.length - 1;
      ns.svg("circle", { cx: x(xs[last]), cy: y(run.y[i][last]), r: 3.5, fill: colour }, svg);
    });
  }

  function render(box, config) {
    ns.html("p", "dqnbook-explorer-hint", box, config.hint);
    var controls = ns.html("div", "dqnbook-controls", box);
    var svg = ns.svg("svg", { viewBox: "0 0 520 300", role: "img",
                              "aria-label": "the chosen setting's learning curves" }, box);
    var legend = ns.html("div", "dqnbook-legend", box);
    var status = ns.html("div", "dqnbook-status", box);
    var state = Object.assign({}, config.defaults), menus = {};
    var defaultKey = ns.gridKey(config, config.defaults);

    function text(knob, value) {  // what the menu shows for a knob's value
      var i = knob.values.indexOf(value);
      return knob.texts && i >= 0 ? knob.texts[i] : value;
    }
    function describe(setting) {  // e.g. "final ε 0.02, γ 0.99, hidden layers 128-128"
      return config.knobs.map(function (knob) {
        return config.knobs.length > 1 ? knob.label + " " + text(knob, setting[knob.name])
          : text(knob, setting[knob.name]);
      }).join(", ");
    }

    function update() {
      var key = ns.gridKey(config, state), run = config.runs[key];
      if (!run) {
        while (svg.firstChild) svg.removeChild(svg.firstChild);
        legend.textContent = "";
        status.textContent = "No stored runs for " + key.replace(/\|/g, ", ") + ".";
        return;
      }
      var reference = key === defaultKey ? null : config.runs[defaultKey];
      draw(svg, config, run, reference);
      legend.textContent = "";
      run.notes.forEach(function (note, i) {
        var item = ns.html("span", "dqnbook-legend-item", legend);
        var swatch = ns.html("span", "dqnbook-swatch", item);
        swatch.style.background = COLOURS[i % COLOURS.length];
        swatch.style.height = Math.round(WIDTHS[i % WIDTHS.length]) + "px";
        ns.html("span", null, item, note);
      });
      if (reference) {
        var item = ns.html("span", "dqnbook-legend-item", legend);
        ns.html("span", "dqnbook-swatch dqnbook-swatch-reference", item);
        ns.html("span", null, item, "gray, dashed: " + describe(config.defaults) +
                ", one line per seed");
      }
      status.textContent = "Shown: " + describe(state) + ". " + run.seeds.length +
        " seeds, one curve each (a seed fixes a run's random numbers: same settings, other " +
        "luck); " + config.dot_note + ".";
      box.setAttribute("data-key", key);
      box.setAttribute("data-plotted", JSON.stringify(run.y));
      box.setAttribute("data-reference", reference ? JSON.stringify(reference.y) : "");
    }

    config.knobs.forEach(function (knob) {
      menus[knob.name] = ns.menu(controls, knob.label, knob.values, state[knob.name],
        function (value) {
          if (config.one_at_a_time) {
            config.knobs.forEach(function (other) {
              if (other.name !== knob.name) {
                state[other.name] = config.defaults[other.name];
                menus[other.name].value = state[other.name];
              }
            });
          }
          state[knob.name] = value;
          update();
        });
    });
    config.knobs.forEach(function (knob) {  // the menus show the values' texts, if given
      Array.prototype.forEach.call(menus[knob.name].options, function (option, i) {
        option.textContent = text(knob, knob.values[i]);
      });
    });
    var resized = null;  // redrawn at the new width when the window's size changes
    window.addEventListener("resize", function () {
      clearTimeout(resized);
      resized = setTimeout(update, 150);
    });
    update();
  }

  if (ns.register) ns.register("run-grid", render);
})();
