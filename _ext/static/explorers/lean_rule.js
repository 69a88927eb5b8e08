/* Chapter 1's explorer without a kernel: the lean rule "push right if angle + w * angular
 * velocity > 0" played on CartPole-v1 from the same 50 seeded starts as the notebook's
 * LeanRuleExplorer (the starts come from the page, computed by the notebook), with Gymnasium's
 * CartPole physics, and the histogram of the 50 returns, redrawn as the weight w moves. */
(function () {
  "use strict";
  var ns = window.DQNBookExplorers = window.DQNBookExplorers || {};

  // Gymnasium's CartPole-v1 (gymnasium/envs/classic_control/cartpole.py), Euler integration.
  var GRAVITY = 9.8, MASS_CART = 1.0, MASS_POLE = 0.1, TOTAL_MASS = MASS_POLE + MASS_CART;
  var LENGTH = 0.5, POLEMASS_LENGTH = MASS_POLE * LENGTH, FORCE_MAG = 10.0, TAU = 0.02;
  var THETA_THRESHOLD = 12 * 2 * Math.PI / 360, X_THRESHOLD = 2.4, MAX_STEPS = 500;
  var f32 = Math.fround;  // the agent sees float32 observations, as Gymnasium returns them

  // One step of the physics from state [x, x_dot, theta, theta_dot] (float64, as Gymnasium).
  function cartpoleStep(state, action) {
    var x = state[0], xDot = state[1], theta = state[2], thetaDot = state[3];
    var force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    var cosTheta = Math.cos(theta), sinTheta = Math.sin(theta);
    var temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
    var thetaAcc = (GRAVITY * sinTheta - cosTheta * temp) /
      (LENGTH * (4.0 / 3.0 - MASS_POLE * (cosTheta * cosTheta) / TOTAL_MASS));
    var xAcc = temp - POLEMASS_LENGTH * thetaAcc * cosTheta / TOTAL_MASS;
    return [x + TAU * xDot, xDot + TAU * xAcc, theta + TAU * thetaDot, thetaDot + TAU * thetaAcc];
  }

  // The lean rule on the float32 observation, computed in float32 as NumPy does.
  function leanAction(state, weight) {
    return f32(f32(state[2]) + f32(f32(weight) * f32(state[3]))) > 0 ? 1 : 0;
  }

  // The return (steps until |x| > 2.4 or |theta| > 12 degrees, at most 500) from `state`.
  ns.leanRuleEpisode = function (initialState, weight) {
    var state = initialState.slice(), steps = 0;
    while (steps < MAX_STEPS) {
      state = cartpoleStep(state, leanAction(state, weight));
      steps += 1;
      if (state[0] < -X_THRESHOLD || state[0] > X_THRESHOLD ||
          state[2] < -THETA_THRESHOLD || state[2] > THETA_THRESHOLD) break;
    }
    return steps;
  };

  ns.leanRuleReturns = function (initialStates, weight) {
    return initialStates.map(function (state) { return ns.leanRuleEpisode(state, weight); });
  };
  ns.cartpoleStep = cartpoleStep;

  function drawHistogram(svg, returns, weight) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var width = 480, height = 260, left = 44, right = 18, top = 26, bottom = 38;
    var plotW = width - left - right, plotH = height - top - bottom;
    var counts = new Array(50).fill(0);
    returns.forEach(function (r) { counts[Math.min(49, Math.floor(r / 10))] += 1; });
    var maxCount = Math.max(5, Math.max.apply(null, counts));
    var yMax = Math.ceil(maxCount / 5) * 5;
    var x = function (r) { return left + plotW * r / 500; };
    var y = function (c) { return top + plotH * (1 - c / yMax); };
    var mean = returns.reduce(function (a, b) { return a + b; }, 0) / returns.length;
    for (var t = 0; t <= yMax; t += yMax / 5) {
      ns.svg("line", { x1: left, x2: left + plotW, y1: y(t), y2: y(t), stroke: "#ddd" }, svg);
      ns.text(svg, left - 6, y(t) + 4, String(t), { "text-anchor": "end", "font-size": 12 });
    }
    for (var r = 0; r <= 500; r += 100) {
      ns.text(svg, x(r), top + plotH + 15, String(r), { "text-anchor": "middle", "font-size": 12 });
    }
    counts.forEach(function (c, i) {
      if (!c) return;
      ns.svg("rect", { x: x(10 * i) + 0.5, y: y(c), width: plotW / 50 - 1, height: y(0) - y(c),
                       fill: "#1f77b4", opacity: 0.8 }, svg);
    });
    ns.svg("line", { x1: x(475), x2: x(475), y1: top, y2: top + plotH, stroke: "black",
                     "stroke-dasharray": "5,3" }, svg);
    ns.text(svg, x(475) - 4, top + 12, "the 475 mark", { "text-anchor": "end", "font-size": 12 });
    ns.svg("line", { x1: left, x2: left + plotW, y1: y(0), y2: y(0), stroke: "#333" }, svg);
    ns.text(svg, left + plotW / 2, height - 4, "episode return",
            { "text-anchor": "middle", "font-size": 13 });
    ns.text(svg, 12, top + plotH / 2, "episodes", { "text-anchor": "middle", "font-size": 12,
            transform: "rotate(-90 12 " + (top + plotH / 2) + ")" });
    ns.text(svg, left + plotW / 2, 16, "Lean rule, velocity weight " + weight.toFixed(1) +
            " (mean " + mean.toFixed(0) + ")", { "text-anchor": "middle", "font-size": 13 });
    return mean;
  }

  function render(box, config) {
    ns.html("p", "dqnbook-explorer-hint", box, "Move the velocity weight: the same " +
            config.initial_states.length + " CartPole episodes are replayed at once in your " +
            "browser; find the weights that keep every episode up for 500 steps, and see how " +
            "weight 0 reacts too late and weight 2 overreacts.");
    var controls = ns.html("div", "dqnbook-controls", box);
    var status = ns.html("div", "dqnbook-status", box);
    var svg = ns.svg("svg", { viewBox: "0 0 480 260", role: "img",
                              "aria-label": "histogram of the episodes' returns" }, box);
    function update(weight) {
      var returns = ns.leanRuleReturns(config.initial_states, weight);
      var mean = drawHistogram(svg, returns, weight);
      box.setAttribute("data-weight", String(weight));
      box.setAttribute("data-mean-return", String(mean));
      status.textContent = "velocity weight " + weight.toFixed(1) + ": mean return " +
        mean.toFixed(1) + ", worst " + Math.min.apply(null, returns) + ", best " +
        Math.max.apply(null, returns);
    }
    ns.slider(controls, "velocity weight", { min: config.min, max: config.max,
              step: config.step, value: config.weight, digits: 1 }, update);
    update(config.weight);
  }

  if (ns.register) ns.register("lean-rule", render);
})();
