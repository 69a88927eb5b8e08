"""Sphinx extension for the HTML book (loaded by _config.yml `sphinx.local_extensions`).

1. Offline assets. The scripts the pages run in the reader's browser (MathJax 3, RequireJS and the
   ipywidgets HTML manager; _config.yml points `mathjax_path` and `nb_ipywidgets_js` at them) are
   served from the book's own `_static/offline/`, not from a CDN, so the book works offline. `make
   assets` fetches them from the npm registry into _build/offline-assets/; this extension adds that
   folder to the static path and stops the build with a clear message if it is missing.
2. Widgets that need Python. An executed notebook embeds its ipywidgets in the page, where their
   Python callbacks can never run. `static/kernel-widgets.js` marks such controls as inactive and
   puts a note with the page's own Colab and Binder launch links next to them. Controls linked
   purely in the browser (`widgets.jslink`) and non-ipywidget figures (the Plotly explorer of the
   hyper-parameter chapter) are left alone.
3. Each script once. sphinx-thebe adds its inline configuration (`const THEBE_JS_URL = ...`) once
   per read of the sources, so an incremental build can list it twice on a page, where the second
   copy is a JavaScript error ("Identifier 'THEBE_JS_URL' has already been declared").
   Each page's scripts are listed once.
4. MathJax 3 for the widget manager, which typesets widget labels with MathJax 2's API
   (static/mathjax2-compat.js).
5. Explorers without a kernel. `static/explorers/` holds small JavaScript modules (no external
   libraries) that compute in the reader's browser what a chapter's explorer computes in Python:
   `lean_rule.js` plays chapter 1's lean rule on CartPole, `value_iteration.js` runs chapter 2's
   value iteration on FrozenLake, `q_learning.js` trains chapter 4's Q-table on that lake,
   `run_grid.js` shows chapters 5, 6 and 8's DQN runs precomputed for a grid of settings
   (training is too slow for a page), `plot.js` has their shared SVG and control helpers, and
   `plotly_fit.js` keeps the Plotly explorers (chapters 3 and 7) as wide as their column. On
   every page they fill each
   `<div class="dqnbook-explorer" data-explorer=... data-config=...>` a notebook displays (in
   Jupyter the div only shows its one-line note); tests/test_explorer_js.py checks their numbers
   against the chapters' code.
"""
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript
from sphinx.errors import ConfigError

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "_build" / "offline-assets" / "static"
PREFIX = "offline/"  # the assets' folder under _static (see the Makefile's `assets` target)
REQUIRE_JS = PREFIX + "require.js"
MANAGER_DIR = PREFIX + "html-manager"
EXPLORERS = ["plot.js", "lean_rule.js", "value_iteration.js",  # in static/explorers/
             "q_learning.js",  # after value_iteration.js, whose lake model it uses
             "run_grid.js", "plotly_fit.js"]


def _local_paths(config):
    """The _static-relative paths of the offline assets the configuration asks for."""
    paths = [config.mathjax_path, *getattr(config, "nb_ipywidgets_js", {})]
    remote = [p for p in paths if "://" in p or p.startswith("//")]
    if remote:
        raise ConfigError(f"the book must be readable offline, but _config.yml loads {remote}; "
                          f"serve them from _static/{PREFIX} (see _ext/offline_book.py)")
    return paths


def _use_offline_assets(app, config):
    missing = [p for p in _local_paths(config)
               if not p.startswith(PREFIX) or not (ASSETS / p).is_file()]
    if missing:
        raise ConfigError(f"offline browser assets missing: {missing}. Run `make assets` (it fetches "
                          "MathJax, RequireJS and the ipywidgets HTML manager from the npm registry)")
    config.html_static_path = [*config.html_static_path, str(HERE / "static"), str(ASSETS)]
    # Without a default colour mode the theme logs "Got invalid theme mode" on a first visit.
    config.html_context.setdefault("default_mode", "auto")


def _page_scripts(app, pagename, templatename, context, doctree):
    """Each script once; and RequireJS told where the widget manager's files are."""
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        key = (str(getattr(script, "filename", script) or ""),  # inline: None or ""
               repr(sorted(getattr(script, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        scripts.append(script)
        if str(getattr(script, "filename", "")).endswith(REQUIRE_JS):
            # The HTML manager asks RequireJS for its own module's address to find its fonts;
            # by default that resolves next to the page, not in _static.
            manager = context["pathto"]("_static/" + MANAGER_DIR, 1)
            scripts.append(_JavaScript(None, priority=script.priority, body=(
                f'require.config({{paths: {{"@jupyter-widgets/html-manager/dist": "{manager}"}}}});')))
    context["script_files"][:] = scripts


def setup(app):
    app.connect("config-inited", _use_offline_assets)
    app.connect("html-page-context", _page_scripts, priority=900)
    app.add_css_file("kernel-widgets.css")
    app.add_css_file("book.css")
    app.add_js_file("kernel-widgets.js", loading_method="defer")
    app.add_js_file("mathjax2-compat.js", priority=510, loading_method="defer")  # after MathJax
    app.add_css_file("explorers/explorers.css")
    for module in EXPLORERS:  # in this order: plot.js first
        app.add_js_file(f"explorers/{module}", loading_method="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
