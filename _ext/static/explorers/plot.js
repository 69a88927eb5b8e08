/* Shared helpers of the book's kernel-free explorers (see _ext/offline_book.py): SVG elements,
 * labelled range inputs and menus, the viridis colour map, and a loader that fills every
 * `<div class="dqnbook-explorer" data-explorer="NAME" data-config='{...}'>` on the page with
 * the explorer registered under NAME. No external libraries. */
(function () {
  "use strict";
  var ns = window.DQNBookExplorers = window.DQNBookExplorers || {};
  var SVG_NS = "http://www.w3.org/2000/svg";
  ns.renderers = ns.renderers || {};

  ns.svg = function (tag, attributes, parent) {
    var element = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    if (parent) parent.appendChild(element);
    return element;
  };

  ns.text = function (parent, x, y, content, attributes) {
    var element = ns.svg("text", Object.assign({ x: x, y: y, fill: "#222" }, attributes || {}),
                         parent);
    element.textContent = content;
    return element;
  };

  ns.html = function (tag, className, parent, content) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (content !== undefined) element.textContent = content;
    if (parent) parent.appendChild(element);
    return element;
  };

  // A labelled <input type="range"> with a readout; onInput(value) on every move.
  ns.slider = function (parent, label, options, onInput) {
    var box = ns.html("label", "dqnbook-control", parent);
    ns.html("span", "dqnbook-control-label", box, label);
    var input = ns.html("input", null, box);
    input.type = "range";
    input.min = options.min; input.max = options.max; input.step = options.step;
    input.value = options.value;
    input.setAttribute("aria-label", label);
    var readout = ns.html("output", "dqnbook-readout", box);
    var digits = options.digits === undefined ? 2 : options.digits;
    function update() {
      var value = parseFloat(input.value);
      readout.textContent = value.toFixed(digits);
      onInput(value);
    }
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    readout.textContent = parseFloat(input.value).toFixed(digits);
    return input;
  };

  ns.menu = function (parent, label, choices, value, onChange) {
    var box = ns.html("label", "dqnbook-control", parent);
    ns.html("span", "dqnbook-control-label", box, label);
    var select = ns.html("select", null, box);
    choices.forEach(function (choice) {
      var option = ns.html("option", null, select, choice);
      option.value = choice;
    });
    select.value = value;
    select.setAttribute("aria-label", label);
    select.addEventListener("change", function () { onChange(select.value); });
    return select;
  };

  var VIRIDIS = ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
                 "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"];

  function rgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  }

  ns.viridis = function (fraction) {  // fraction in [0, 1] -> "rgb(r, g, b)"
    var x = Math.min(1, Math.max(0, fraction)) * (VIRIDIS.length - 1);
    var i = Math.min(VIRIDIS.length - 2, Math.floor(x)), t = x - i;
    var a = rgb(VIRIDIS[i]), b = rgb(VIRIDIS[i + 1]);
    return "rgb(" + a.map(function (c, k) { return Math.round(c + t * (b[k] - c)); }).join(",") + ")";
  };

  // Fill every explorer container whose renderer is registered; each container once.
  ns.fillAll = function () {
    document.querySelectorAll(".dqnbook-explorer[data-explorer]").forEach(function (box) {
      var render = ns.renderers[box.getAttribute("data-explorer")];
      if (!render || box.getAttribute("data-filled")) return;
      var config = JSON.parse(box.getAttribute("data-config") || "{}");
      box.textContent = "";
      render(box, config);
      box.setAttribute("data-filled", "true");
    });
  };

  ns.register = function (name, render) {
    ns.renderers[name] = render;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", ns.fillAll);
    } else {
      ns.fillAll();
    }
  };
})();
