/* Chapter 2's explorer without a kernel: FrozenLake's MDP built from the map's text and a slip
 * probability exactly as the chapter's make_frozen_lake and mdp_from_env build it (Gymnasium's
 * FrozenLake-v1 model), value iteration with the chapter's stopping rule, and the map of V* with
 * the greedy policy's arrows, redrawn as the discount, the slip probability or the map change. */
(function () {
  "use strict";
  var ns = window.DQNBookExplorers = window.DQNBookExplorers || {};
  var LEFT = 0, DOWN = 1, RIGHT = 2, UP = 3;

  function checkFraction(name, value) {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      throw new RangeError(name + " must be a number in [0, 1], got " + value);
    }
    return value;
  }

  // {P[s][a][s'], R[s][a], terminal[s]} of FrozenLake-v1 on `rows` (e.g. ["SFFF", ...]) whose
  // moves slip to each perpendicular direction with probability slip / 2 (Gymnasium's
  // success_rate = 1 - slip); terminal states absorbing with reward 0, as mdp_from_env.
  ns.frozenLakeMDP = function (rows, slipProbability) {
    var slip = checkFraction("slip_probability", slipProbability);
    var isSlippery = slip > 0, successRate = 1.0 - slip, failRate = (1.0 - successRate) / 2.0;
    var nRow = rows.length, nCol = rows[0].length, nS = nRow * nCol, s, a, i;
    function outcome(row, col, action) {  // Gymnasium's update_probability_matrix
      if (action === LEFT) col = Math.max(col - 1, 0);
      else if (action === DOWN) row = Math.min(row + 1, nRow - 1);
      else if (action === RIGHT) col = Math.min(col + 1, nCol - 1);
      else if (action === UP) row = Math.max(row - 1, 0);
      var letter = rows[row][col];
      return { next: row * nCol + col, reward: letter === "G" ? 1 : 0,
               done: letter === "G" || letter === "H" };
    }
    var model = [];  // model[s][a]: [prob, next, reward, done] in Gymnasium's order
    for (var row = 0; row < nRow; row++) {
      for (var col = 0; col < nCol; col++) {
        s = row * nCol + col;
        model[s] = [];
        for (a = 0; a < 4; a++) {
          var list = model[s][a] = [], letter = rows[row][col];
          if (letter === "G" || letter === "H") {
            list.push([1.0, s, 0, true]);
          } else if (isSlippery) {
            [(a + 3) % 4, a, (a + 1) % 4].forEach(function (b) {
              var o = outcome(row, col, b);
              list.push([b === a ? successRate : failRate, o.next, o.reward, o.done]);
            });
          } else {
            var o = outcome(row, col, a);
            list.push([1.0, o.next, o.reward, o.done]);
          }
        }
      }
    }
    var P = [], R = [], terminal = new Array(nS).fill(false);
    for (s = 0; s < nS; s++) {
      for (a = 0; a < 4; a++) {
        model[s][a].forEach(function (t) { terminal[t[1]] = terminal[t[1]] || t[3]; });
      }
    }
    for (s = 0; s < nS; s++) {
      P[s] = []; R[s] = [];
      for (a = 0; a < 4; a++) {
        P[s][a] = new Array(nS).fill(0); R[s][a] = 0;
        if (terminal[s]) { P[s][a][s] = 1.0; continue; }
        for (i = 0; i < model[s][a].length; i++) {
          var t = model[s][a][i];
          P[s][a][t[1]] += t[0];
          R[s][a] += t[0] * t[2];
        }
      }
    }
    return { P: P, R: R, terminal: terminal };
  };

  function qFromV(P, R, v, gamma) {  // q(s, a) = R(s, a) + gamma * sum_s' P(s' | s, a) v(s')
    return R.map(function (row, s) {
      return row.map(function (r, a) {
        var p = P[s][a], total = 0;
        for (var t = 0; t < p.length; t++) if (p[t] !== 0) total += p[t] * v[t];
        return r + gamma * total;
      });
    });
  }

  // V*, Q* and the number of sweeps: sweep V <- max_a q(V) from V = 0 until no value moves by
  // tol or more (the chapter's value_iteration, gamma = 1 included); an error after maxSweeps.
  ns.valueIteration = function (P, R, gamma, tol, maxSweeps) {
    gamma = checkFraction("gamma", gamma);
    tol = tol === undefined ? 1e-12 : tol;
    maxSweeps = maxSweeps === undefined ? 100000 : maxSweeps;
    var v = new Array(R.length).fill(0);
    for (var sweep = 1; sweep <= maxSweeps; sweep++) {
      var vNew = qFromV(P, R, v, gamma).map(function (q) { return Math.max.apply(null, q); });
      var change = 0;
      for (var s = 0; s < v.length; s++) change = Math.max(change, Math.abs(vNew[s] - v[s]));
      if (change < tol) return { v: vNew, q: qFromV(P, R, vNew, gamma), sweeps: sweep };
      v = vNew;
    }
    throw new Error("value iteration did not converge in " + maxSweeps + " sweeps");
  };

  ns.greedyPolicy = function (q) {  // the first action with the largest value
    return q.map(function (row) { return row.indexOf(Math.max.apply(null, row)); });
  };

  var ARROWS = [[-1, 0], [0, 1], [1, 0], [0, -1]];  // left, down, right, up as (dx, dy)

  function drawMap(svg, rows, v, policy, title) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var n = rows.length, size = 360, top = 28, cell = size / n, small = n > 4;
    ns.text(svg, size / 2, 18, title, { "text-anchor": "middle", "font-size": 13 });
    for (var row = 0; row < n; row++) {
      for (var col = 0; col < rows[row].length; col++) {
        var s = row * n + col, letter = rows[row][col], x = col * cell, y = top + row * cell;
        var fill = letter === "H" ? "#262626" : letter === "G" ? "gold" : ns.viridis(v[s]);
        var dark = letter === "H" || (letter !== "G" && v[s] <= 0.6);
        var ink = dark ? "white" : "black";
        ns.svg("rect", { x: x, y: y, width: cell, height: cell, fill: fill, stroke: "white",
                         "stroke-width": 1 }, svg);
        ns.text(svg, x + 0.08 * cell, y + (small ? 0.3 : 0.22) * cell, letter,
                { fill: ink, "font-size": small ? 10 : 15, "font-weight": "bold" });
        if (letter === "H" || letter === "G") continue;
        if (!small) {
          ns.text(svg, x + cell / 2, y + 0.86 * cell, v[s].toFixed(3),
                  { fill: ink, "font-size": 13, "text-anchor": "middle" });
        }
        var d = ARROWS[policy[s]], half = (small ? 0.25 : 0.17) * cell, cx = x + cell / 2;
        var cy = y + (small ? 0.55 : 0.45) * cell;
        var x2 = cx + d[0] * half, y2 = cy + d[1] * half;
        ns.svg("line", { x1: cx - d[0] * half, y1: cy - d[1] * half, x2: x2, y2: y2,
                         stroke: ink, "stroke-width": 2 }, svg);
        var head = 0.12 * cell, px = -d[1], py = d[0];  // arrowhead: a small triangle
        ns.svg("polygon", { fill: ink, points: [
          [x2 + d[0] * head * 0.6, y2 + d[1] * head * 0.6],
          [x2 - d[0] * head * 0.6 + px * head * 0.6, y2 - d[1] * head * 0.6 + py * head * 0.6],
          [x2 - d[0] * head * 0.6 - px * head * 0.6, y2 - d[1] * head * 0.6 - py * head * 0.6]
        ].map(function (p) { return p.join(","); }).join(" ") }, svg);
      }
    }
  }

  function render(box, config) {
    ns.html("p", "dqnbook-explorer-hint", box, "Computed in your browser: move γ from " +
            "0.99 down to 0.5 and watch the start tile's arrow stop pushing into the wall (the " +
            "patient, safe move) and turn towards the goal (the short, risky route); then try " +
            "slip probabilities 0.1 and 1, and the 8x8 map.");
    var controls = ns.html("div", "dqnbook-controls", box);
    var status = ns.html("div", "dqnbook-status", box);
    var svg = ns.svg("svg", { viewBox: "0 0 360 390", role: "img",
                              "aria-label": "V* and the greedy policy on the map",
                              style: "max-width: 420px" }, box);
    var state = { gamma: config.gamma, slip: config.slip, map: config.map };
    function update() {
      var rows = config.maps[state.map];
      var mdp = ns.frozenLakeMDP(rows, state.slip);
      var result;
      try {
        result = ns.valueIteration(mdp.P, mdp.R, state.gamma, config.tol, config.max_sweeps);
      } catch (error) {
        status.textContent = "Not recomputed: " + error.message;
        return;
      }
      var policy = ns.greedyPolicy(result.q);
      drawMap(svg, rows, result.v, policy, "V* and π*: " + state.map + ", γ = " +
              state.gamma.toFixed(2) + ", slip " + state.slip.toFixed(2));
      box.setAttribute("data-v-start", String(result.v[0]));
      box.setAttribute("data-sweeps", String(result.sweeps));
      box.setAttribute("data-start-action", String(policy[0]));
      status.textContent = "V*(start) = " + result.v[0].toFixed(4) + " (" + result.sweeps +
        " sweeps of value iteration)";
    }
    ns.slider(controls, "γ", { min: 0, max: 1, step: 0.01, value: config.gamma },
              function (value) { state.gamma = value; update(); });
    ns.slider(controls, "slip", { min: 0, max: 1, step: 0.01, value: config.slip },
              function (value) { state.slip = value; update(); });
    ns.menu(controls, "map", Object.keys(config.maps), config.map,
            function (value) { state.map = value; update(); });
    update();
  }

  if (ns.register) ns.register("value-iteration", render);
})();
