/* Chapter 4's explorer without a kernel: tabular epsilon-greedy Q-learning on FrozenLake, solid
 * or slippery, trained in the reader's browser as the chapter's q_learning trains it (the TD
 * target r + gamma max_a' Q(s', a'), just r when s' is terminal; a constant step size alpha; a
 * random action with probability epsilon, else the first best; episodes cut after the time
 * limit without being treated as terminal). The lake's model is chapter 2's, built by
 * value_iteration.js's frozenLakeMDP, which also grades the table against Q*. The random numbers
 * come from a small seeded generator (mulberry32), not NumPy's, so a run is not the notebook's
 * run: tests/test_explorer_js.py checks what holds for every seed and compares averages. */
(function () {
  "use strict";
  var ns = window.DQNBookExplorers = window.DQNBookExplorers || {};
  var N_ACTIONS = 4;

  // mulberry32: a uniform number in [0, 1) per call, the stream fixed by a 32-bit seed.
  ns.mulberry32 = function (seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };

  function check(name, value, low, high, lowOpen) {
    if (typeof value !== "number" || !(lowOpen ? value > low : value >= low) || !(value <= high)) {
      throw new RangeError(name + " must be a number in " + (lowOpen ? "(" : "[") + low + ", " +
                           high + "], got " + value);
    }
    return value;
  }

  function checkCount(name, value) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(name + " must be a positive integer, got " + value);
    }
    return value;
  }

  // The lake as an environment: chapter 2's model (P, R, terminal) and, for sampling, each
  // pair's possible outcomes [probability, next state, reward, terminated]; the reward is 1 on
  // entering the goal, as in Gymnasium's FrozenLake.
  ns.frozenLakeEnv = function (rows, slipProbability, maxSteps) {
    var mdp = ns.frozenLakeMDP(rows, slipProbability), nCol = rows[0].length;
    var letters = rows.join(""), outcomes = [];
    mdp.P.forEach(function (row, s) {
      outcomes[s] = row.map(function (p) {
        var list = [];
        p.forEach(function (prob, next) {
          if (prob > 0) list.push([prob, next, letters[next] === "G" ? 1 : 0, mdp.terminal[next]]);
        });
        return list;
      });
    });
    return { P: mdp.P, R: mdp.R, terminal: mdp.terminal, outcomes: outcomes,
             start: letters.indexOf("S"), nStates: letters.length, nCol: nCol,
             maxSteps: checkCount("max_steps", maxSteps === undefined ? 100 : maxSteps) };
  };

  function argmax(values) {  // the first best, as np.argmax
    var best = 0;
    for (var a = 1; a < values.length; a++) if (values[a] > values[best]) best = a;
    return best;
  }

  ns.greedyActions = function (q) { return q.map(argmax); };

  // P(reach the goal within `horizon` steps) following `policy` (chapter 2's
  // success_probability: v <- R_pi + P_pi v, `horizon` times, from v = 0).
  ns.successProbability = function (env, policy, horizon) {
    var v = new Array(env.nStates).fill(0);
    for (var k = 0; k < (horizon === undefined ? env.maxSteps : horizon); k++) {
      v = v.map(function (_, s) {
        var a = policy[s], p = env.P[s][a], total = env.R[s][a];
        for (var t = 0; t < p.length; t++) if (p[t] !== 0) total += p[t] * v[t];
        return total;
      });
    }
    return v[env.start];
  };

  // Train a table (zeros unless settings.q is given) for settings.episodes episodes. Returns the
  // table, each episode's return and length, and N(s, a); onEpisode(episode, q), if given, after
  // each episode.
  ns.qLearning = function (env, settings, random, onEpisode) {
    var alpha = check("alpha", settings.alpha, 0, 1, true);
    var gamma = check("gamma", settings.gamma, 0, 1);
    var epsilon = check("epsilon", settings.epsilon, 0, 1);
    var episodes = checkCount("num_episodes", settings.episodes);
    var q = [], updates = [], returns = [], lengths = [], s, a;
    for (s = 0; s < env.nStates; s++) {
      q[s] = settings.q ? settings.q[s].slice() : new Array(N_ACTIONS).fill(0);
      updates[s] = new Array(N_ACTIONS).fill(0);
    }
    for (var episode = 1; episode <= episodes; episode++) {
      var state = env.start, total = 0, steps = 0;
      while (true) {
        a = random() < epsilon ? Math.floor(random() * N_ACTIONS) : argmax(q[state]);
        var list = env.outcomes[state][a], u = random(), i = 0, cumulative = list[0][0];
        while (u >= cumulative && i < list.length - 1) cumulative += list[++i][0];
        var next = list[i][1], reward = list[i][2], terminated = list[i][3];
        var target = terminated ? reward : reward + gamma * Math.max.apply(null, q[next]);
        q[state][a] += alpha * (target - q[state][a]);
        updates[state][a] += 1;
        total += reward; steps += 1;
        if (terminated || steps >= env.maxSteps) break;  // a cut-off episode is not terminal
        state = next;
      }
      returns.push(total); lengths.push(steps);
      if (onEpisode) onEpisode(episode, q);
    }
    return { q: q, returns: returns, lengths: lengths, updates: updates };
  };

  // max |Q - Q*| over the non-terminal states (terminal rows are never updated).
  ns.maxError = function (q, qStar, terminal) {
    var worst = 0;
    q.forEach(function (row, s) {
      if (terminal[s]) return;
      row.forEach(function (value, a) { worst = Math.max(worst, Math.abs(value - qStar[s][a])); });
    });
    return worst;
  };

  // One run of the explorer: the table, and every `block` episodes the block's training
  // success rate, the greedy policy's success probability and the distance to Q*.
  ns.qLearningRun = function (env, settings, qStar, seed) {
    var block = Math.max(10, Math.ceil(settings.episodes / 50)), curve = [];
    var result = ns.qLearning(env, settings, ns.mulberry32(seed), function (episode, q) {
      if (episode % block === 0 || episode === settings.episodes) {
        curve.push({ episode: episode,
                     greedySuccess: ns.successProbability(env, ns.greedyActions(q)),
                     maxError: ns.maxError(q, qStar, env.terminal) });
      }
    });
    var first = 0;
    curve.forEach(function (point) {
      var wins = 0;
      for (var k = first; k < point.episode; k++) wins += result.returns[k] > 0 ? 1 : 0;
      point.trainingSuccess = wins / (point.episode - first);
      first = point.episode;
    });
    result.curve = curve;
    result.block = block;
    result.policy = ns.greedyActions(result.q);
    result.greedySuccess = curve[curve.length - 1].greedySuccess;
    result.maxError = curve[curve.length - 1].maxError;
    return result;
  };

  var ARROWS = [[-1, 0], [0, 1], [1, 0], [0, -1]];  // left, down, right, up as (dx, dy)

  function arrow(svg, cx, cy, d, half, ink, head) {
    var x2 = cx + d[0] * half, y2 = cy + d[1] * half, px = -d[1], py = d[0];
    ns.svg("line", { x1: cx - d[0] * half, y1: cy - d[1] * half, x2: x2, y2: y2, stroke: ink,
                     "stroke-width": 2 }, svg);
    ns.svg("polygon", { fill: ink, points: [
      [x2 + d[0] * head * 0.6, y2 + d[1] * head * 0.6],
      [x2 - d[0] * head * 0.6 + px * head * 0.6, y2 - d[1] * head * 0.6 + py * head * 0.6],
      [x2 - d[0] * head * 0.6 - px * head * 0.6, y2 - d[1] * head * 0.6 - py * head * 0.6]
    ].map(function (p) { return p.join(","); }).join(" ") }, svg);
  }

  // max_a Q(s, a) on the map, coloured on the scale of Q* (as the notebook's explorer), with
  // the greedy action's arrow.
  function drawTable(svg, rows, q, vmax, title) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var n = rows.length, size = 360, top = 28, cell = size / n;
    ns.text(svg, size / 2, 18, title, { "text-anchor": "middle", "font-size": 13 });
    for (var row = 0; row < n; row++) {
      for (var col = 0; col < rows[row].length; col++) {
        var s = row * rows[row].length + col, letter = rows[row][col];
        var x = col * cell, y = top + row * cell, value = Math.max.apply(null, q[s]);
        var fraction = value / vmax;
        var fill = letter === "H" ? "#262626" : letter === "G" ? "gold" : ns.viridis(fraction);
        var ink = letter === "H" || (letter !== "G" && fraction <= 0.6) ? "white" : "black";
        ns.svg("rect", { x: x, y: y, width: cell, height: cell, fill: fill, stroke: "white",
                         "stroke-width": 1 }, svg);
        ns.text(svg, x + 0.08 * cell, y + 0.22 * cell, letter,
                { fill: ink, "font-size": 15, "font-weight": "bold" });
        if (letter === "H" || letter === "G") continue;
        ns.text(svg, x + cell / 2, y + 0.86 * cell, value.toFixed(3),
                { fill: ink, "font-size": 14, "text-anchor": "middle" });
        arrow(svg, x + cell / 2, y + 0.45 * cell, ARROWS[argmax(q[s])], 0.17 * cell, ink,
              0.12 * cell);
      }
    }
  }

  var SERIES = [["trainingSuccess", "training success rate", "#1f77b4", ""],
                ["maxError", "max |Q − Q*|", "#555", "5,3"],
                ["greedySuccess", "greedy policy's P(goal)", "#ff7f0e", ""]];

  function drawCurves(svg, curve, episodes, block) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var width = 400, height = 270, left = 40, right = 16, top = 58, bottom = 36;
    var plotW = width - left - right, plotH = height - top - bottom;
    var x = function (e) { return left + plotW * e / episodes; };
    var y = function (v) { return top + plotH * (1 - v); };
    ns.text(svg, width / 2, 16, "Learning curve (blocks of " + block + " episodes)",
            { "text-anchor": "middle", "font-size": 14 });
    SERIES.forEach(function (series, i) {  // the legend, two rows
      var lx = i < 2 ? left + i * 200 : left, ly = i < 2 ? 32 : 48;
      ns.svg("line", { x1: lx, x2: lx + 18, y1: ly - 4, y2: ly - 4, stroke: series[2],
                       "stroke-width": 2, "stroke-dasharray": series[3] }, svg);
      ns.text(svg, lx + 22, ly, series[1], { "font-size": 13 });
    });
    for (var t = 0; t <= 4; t++) {
      ns.svg("line", { x1: left, x2: left + plotW, y1: y(t / 4), y2: y(t / 4),
                       stroke: t ? "#ddd" : "#333" }, svg);
      ns.text(svg, left - 5, y(t / 4) + 4, (t / 4).toFixed(2).replace(/0$/, ""),
              { "text-anchor": "end", "font-size": 12 });
    }
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      ns.text(svg, x(f * episodes), top + plotH + 14, String(Math.round(f * episodes)),
              { "text-anchor": "middle", "font-size": 12 });
    });
    ns.text(svg, left + plotW / 2, height - 4, "episode", { "text-anchor": "middle",
                                                            "font-size": 13 });
    SERIES.forEach(function (series) {
      var points = [[x(0), y(series[0] === "maxError" ? curve.start.maxError : 0)]];
      if (series[0] === "greedySuccess") points[0][1] = y(curve.start.greedySuccess);
      curve.forEach(function (point) { points.push([x(point.episode), y(point[series[0]])]); });
      if (series[0] === "trainingSuccess") points.shift();
      ns.svg("polyline", { points: points.map(function (p) { return p.join(","); }).join(" "),
                           fill: "none", stroke: series[2], "stroke-width": 2,
                           "stroke-dasharray": series[3] }, svg);
    });
  }

  function checkbox(parent, label, value, onChange) {
    var box = ns.html("label", "dqnbook-control", parent);
    var input = ns.html("input", null, box);
    input.type = "checkbox";
    input.checked = value;
    input.setAttribute("aria-label", label);
    ns.html("span", "dqnbook-control-label", box, label);
    input.addEventListener("change", function () { onChange(input.checked); });
    return input;
  }

  function render(box, config) {
    ns.html("p", "dqnbook-explorer-hint", box, "Trained in your browser on every change: " +
            "with the defaults the table converges to Q* (max |Q − Q*| below 0.001); set ε to " +
            "0 and watch the table stay at zero while the agent pushes left into the wall, " +
            "lower γ to 0.5 and watch Q(start) fall to 0.5⁵ ≈ 0.031, then try slippery ice " +
            "with α = 0.5 against 0.05 and more episodes.");
    var controls = ns.html("div", "dqnbook-controls", box);
    var status = ns.html("div", "dqnbook-status", box);
    var tableSvg = ns.svg("svg", { viewBox: "0 0 360 390", role: "img", style: "max-width: 360px",
                                   "aria-label": "max Q on the map and the greedy policy" }, box);
    var curveSvg = ns.svg("svg", { viewBox: "0 0 400 270", role: "img", style: "max-width: 480px",
                                   "aria-label": "success rates and distance to Q* by episode" },
                          box);
    var state = { alpha: config.alpha, gamma: config.gamma, epsilon: config.epsilon,
                  episodes: config.episodes, slippery: config.slippery, seed: config.seed };
    function update() {
      var env = ns.frozenLakeEnv(config.map, state.slippery ? config.slip : 0, config.max_steps);
      var run, qStar;
      try {
        qStar = ns.valueIteration(env.P, env.R, state.gamma, config.tol, config.max_sweeps).q;
        run = ns.qLearningRun(env, state, qStar, state.seed);
      } catch (error) {
        status.textContent = "Not trained: " + error.message;
        return;
      }
      var zero = env.P.map(function () { return new Array(N_ACTIONS).fill(0); });
      run.curve.start = { maxError: ns.maxError(zero, qStar, env.terminal),
                          greedySuccess: ns.successProbability(env, ns.greedyActions(zero)) };
      var vmax = Math.max(1e-9, Math.max.apply(null, qStar.map(function (row) {
        return Math.max.apply(null, row); })));
      var qStart = Math.max.apply(null, run.q[env.start]);
      drawTable(tableSvg, config.map, run.q, vmax, "max Q and greedy policy, " +
                (state.slippery ? "slippery" : "solid") + " ice, " + state.episodes + " episodes");
      drawCurves(curveSvg, run.curve, state.episodes, run.block);
      var attributes = { "data-seed": state.seed, "data-q-start": qStart,
                         "data-max-error": run.maxError, "data-greedy-success": run.greedySuccess,
                         "data-training-success": run.curve[run.curve.length - 1].trainingSuccess,
                         "data-policy": run.policy.join(","), "data-q-table": JSON.stringify(run.q),
                         "data-settings": JSON.stringify(state) };
      Object.keys(attributes).forEach(function (key) {
        box.setAttribute(key, String(attributes[key]));
      });
      status.textContent = "Seed " + state.seed + ": max Q(start) = " + qStart.toFixed(4) +
        ", max |Q − Q*| = " + run.maxError.toPrecision(2) + ", greedy policy reaches the goal " +
        "with probability " + run.greedySuccess.toFixed(3);
    }
    function setter(key) { return function (value) { state[key] = value; update(); }; }
    ns.slider(controls, "α", { min: config.ranges.alpha[0], max: config.ranges.alpha[1],
              step: config.ranges.alpha[2], value: config.alpha }, setter("alpha"));
    ns.slider(controls, "γ", { min: config.ranges.gamma[0], max: config.ranges.gamma[1],
              step: config.ranges.gamma[2], value: config.gamma }, setter("gamma"));
    ns.slider(controls, "ε", { min: config.ranges.epsilon[0], max: config.ranges.epsilon[1],
              step: config.ranges.epsilon[2], value: config.epsilon }, setter("epsilon"));
    ns.menu(controls, "episodes", config.episode_choices.map(String), String(config.episodes),
            function (value) { state.episodes = parseInt(value, 10); update(); });
    checkbox(controls, "slippery ice", config.slippery, setter("slippery"));
    var again = ns.html("button", "dqnbook-button", controls, "Train again (new seed)");
    again.type = "button";
    again.addEventListener("click", function () { state.seed += 1; update(); });
    update();
  }

  if (ns.register) ns.register("q-learning", render);
})();
