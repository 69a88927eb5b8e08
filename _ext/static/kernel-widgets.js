/* Widgets that need Python, on the static HTML page (see _ext/offline_book.py).
 *
 * The executed notebook's ipywidgets are embedded in the page and rendered by the ipywidgets HTML
 * manager, but their Python callbacks (Train, Play, ...) cannot run without a kernel. So that no
 * control looks as if it worked, every embedded widget view that holds an interactive control not
 * linked purely in the browser (widgets.jslink / jsdlink) is marked: its controls are disabled and
 * dimmed, and a note with this page's own Colab and Binder launch links is put above it. Outputs
 * (the executed default run's plots) stay as they are. */
(function () {
  "use strict";
  var STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var LINKS = ["LinkModel", "DirectionalLinkModel"];
  var PASSIVE = /^(Box|HBox|VBox|GridBox|Accordion|Tab|Stack|Label|HTML|HTMLMath|Image|Output|Valid|IntProgress|FloatProgress|Layout|Style|.*StyleModel|.*LayoutModel)Model$/;
  var CONTROL_SELECTOR = "input, button, select, textarea";

  function widgetState() {
    var tag = document.querySelector(STATE);
    if (!tag) return null;
    try { return JSON.parse(tag.textContent).state || {}; } catch (e) { return {}; }
  }

  function references(value, out) {  // model ids referenced as "IPY_MODEL_<id>" anywhere in a state
    if (typeof value === "string") {
      if (value.indexOf("IPY_MODEL_") === 0) out.push(value.slice(10));
    } else if (value && typeof value === "object") {
      Object.keys(value).forEach(function (k) { references(value[k], out); });
    }
    return out;
  }

  function jsLinked(state) {  // models whose value is driven in the browser by a link
    var linked = {};
    Object.keys(state).forEach(function (id) {
      var model = state[id];
      if (LINKS.indexOf(model.model_name) >= 0) {
        references(model.state, []).forEach(function (ref) { linked[ref] = true; });
      }
    });
    return linked;
  }

  function needsKernel(modelId, state, linked) {
    var seen = {}, todo = [modelId];
    while (todo.length) {
      var id = todo.pop();
      if (seen[id] || !state[id]) continue;
      seen[id] = true;
      var model = state[id];
      if (!PASSIVE.test(model.model_name) && !linked[id]) return true;
      references(model.state, todo);
    }
    return false;
  }

  function launchLinks() {  // the page's own launch buttons (sphinx-book-theme's "Launch on ...")
    var found = {};
    document.querySelectorAll("a[href]").forEach(function (a) {
      var label = (a.getAttribute("title") || a.getAttribute("data-bs-original-title") ||
                   a.textContent || "").trim();
      if (/^(launch on )?colab$/i.test(label) && !found.colab) found.colab = a.href;
      if (/^(launch on )?binder$/i.test(label) && !found.binder) found.binder = a.href;
    });
    return found;
  }

  function note(links) {
    var div = document.createElement("div");
    div.className = "kernel-widget-note admonition note";
    var parts = [];
    if (links.colab) parts.push('<a class="kernel-launch-colab" href="' + links.colab + '">Colab</a>');
    if (links.binder) parts.push('<a class="kernel-launch-binder" href="' + links.binder + '">Binder</a>');
    var where = parts.length ? "open this chapter in " + parts.join(" or ") :
      "run this chapter's notebook in Jupyter";
    div.innerHTML = '<p class="admonition-title">These controls need a running Python kernel</p>' +
      "<p>On this page they do nothing: what you see below them is the output of the default run, " +
      "executed when the book was built. To change the settings and run it again, " + where + ".</p>";
    return div;
  }

  function deactivate(container) {
    container.querySelectorAll(CONTROL_SELECTOR).forEach(function (el) {
      if (el.closest(".widget-output, .jupyter-widgets-output-area")) return;
      el.disabled = true;
      el.setAttribute("aria-disabled", "true");
      el.setAttribute("tabindex", "-1");
      var control = el.closest(".jupyter-widgets") || el;
      control.classList.add("kernel-widget-inactive");
      control.setAttribute("title", "Needs a running Python kernel (see the note above)");
    });
  }

  function run() {
    var state = widgetState();
    if (!state) return;
    var linked = jsLinked(state), links = launchLinks();
    document.querySelectorAll(VIEW).forEach(function (tag) {
      var view;
      try { view = JSON.parse(tag.textContent); } catch (e) { return; }
      if (!view.model_id || !needsKernel(view.model_id, state, linked)) return;
      var container = tag.parentElement;
      if (container.classList.contains("kernel-widget")) return;
      container.classList.add("kernel-widget");
      container.parentElement.insertBefore(note(links), container);
      deactivate(container);  // the HTML manager renders asynchronously: watch for its elements
      new MutationObserver(function () { deactivate(container); })
        .observe(container, { childList: true, subtree: true });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
