"""The published HTML book, read in a real browser with no internet access.

Builds the book from the notebooks as this test run executed them: nbval's executions, kept by
tools/executed_notebooks.py (no notebook runs a second time), or, for a notebook nbval does not run
in this session (e.g. `pytest tests/test_browser.py` alone), an execution of its own. The build
(`jupyter-book build --builder html -W --keep-going`, execution off) is of a copy of the book in
_build/browser-book/ (links to the repository's files, the executed notebooks in book/ and
_config.yml with execution off). It then serves the HTML on 127.0.0.1 and opens every page of
`_toc.yml` in headless Chromium (Debian's `chromium`, driven by Playwright; `make test` installs it;
CHROMIUM overrides the path). Every request that would leave 127.0.0.1 is blocked and counted as a
failure, as for a reader offline. Per page: no JavaScript errors, math rendered by MathJax, widgets
rendered by the HTML manager served with the book, controls that need Python marked as such with
working launch links, Colab and Binder links to the page's own notebook, no broken internal link. Every
kernel-free explorer's controls, moved like a reader would, change what it draws: to the values the
chapter's Python computes (chapters 1, 2, 4) or to the stored runs of the chosen setting (chapters
5, 6 and 8); chapters 3 and 7's Plotly slider and menu show other curves. A full-page screenshot
of every page goes to test-artifacts/screenshots/.
"""
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import numpy as np
import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import executed_notebooks
from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # one book build

BUILD_TREE = ROOT / "_build" / "browser-book"  # the book's sources, notebooks executed
HTML = BUILD_TREE / "_build" / "html"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [c["file"] for part in TOC.get("parts", []) for c in part["chapters"]]
# Plotly explorers of the stored studies: page -> the id of the figure's element, the study's
# files in sweeps/results/ and its knobs.
EXPLORERS = {"book/07_measuring_agents": ("study-explorer", "dqn_sweep",
                                          ["epsilon_final", "gamma", "fc_layer_params", "n_step"])}
INTERACTIVE_WIDGETS = re.compile(r"^(Button|ToggleButton|ToggleButtons|Checkbox|Dropdown|Select|"
                                 r"SelectMultiple|RadioButtons|Text|Textarea|Combobox|Play|"
                                 r".*Slider|.*RangeSlider|.*Text|ColorPicker|DatePicker)Model$")
BUILD_TIMEOUT = 20 * 60
# How long to wait for nbval (on other pytest-xdist workers) to execute the notebooks: it starts
# them first, so they are normally done before this test starts.
EXECUTION_TIMEOUT = 60 * 60


def source_of(page):
    return next(ROOT / f"{page}{s}" for s in (".ipynb", ".md") if (ROOT / f"{page}{s}").exists())


def executed_notebooks_of(session):
    """{notebook: its executed copy} for the book's notebooks, executed in this test run."""
    notebooks = [source_of(p) for p in PAGES if source_of(p).suffix == ".ipynb"]
    run = executed_notebooks.run_id(session.config)
    by_nbval = {Path(str(item.fspath)).resolve() for item in session.items
                if Path(str(item.fspath)).suffix == ".ipynb"}
    for notebook in notebooks:  # not executed by nbval in this run: execute it here
        if notebook.resolve() not in by_nbval:
            started = time.monotonic()
            problem = executed_notebooks.execute(notebook, run)
            assert problem is None, f"{notebook.name} failed:\n{problem}"
            print(f"executed {notebook.name}: {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    done = executed_notebooks.wait_for(notebooks, run, timeout=EXECUTION_TIMEOUT)
    print(f"waited {time.monotonic() - started:.0f} s for nbval's executions")
    return done


def assemble_book(executed):
    """_build/browser-book/: the repository's book with executed notebooks, execution off."""
    if BUILD_TREE.exists():
        shutil.rmtree(BUILD_TREE)
    BUILD_TREE.mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    (BUILD_TREE / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    # The table of contents as this test run read it (PAGES): all of its notebooks are executed.
    (BUILD_TREE / "_toc.yml").write_text(yaml.safe_dump(TOC, sort_keys=False))
    # Everything else as in the repository (links), so a page may refer to any file of it;
    # _ext/offline_book.py finds the offline assets next to its own (resolved) folder.
    for entry in ROOT.iterdir():
        if entry.name not in ("book", "_config.yml", "_toc.yml", "_build") and \
                not entry.name.startswith("."):
            (BUILD_TREE / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    for path in (ROOT / "book").rglob("*"):
        if path.is_file() and path.suffix != ".ipynb":
            target = BUILD_TREE / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    for source, copy in executed.items():
        shutil.copy(copy, BUILD_TREE / source.relative_to(ROOT))


@pytest.fixture(scope="session")
def built_book(request):
    assemble_book(executed_notebooks_of(request.session))
    started = time.monotonic()
    # Without pytest's variables, as `make book` runs.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(BUILD_TREE),
         "--builder", "html", "-W", "--keep-going"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=BUILD_TIMEOUT)
    print(f"book build: {time.monotonic() - started:.0f} s")
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if re.search(r":\d*: (WARNING|ERROR|CRITICAL)|Traceback|Error:", line)]
    assert result.returncode == 0, "\n".join(problems[-30:]) or result.stderr[-4000:]
    return HTML


@pytest.fixture(scope="session")
def base_url(built_book):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_book)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def open_page(browser, url, width=1280):
    """A page loaded like a reader offline would, with everything that went wrong recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = {"console": [], "pageerror": [], "external": [], "failed": [], "local": []}
    page.on("console", lambda m: m.type == "error" and problems["console"].append(m.text))
    page.on("pageerror", lambda e: problems["pageerror"].append(str(e)))
    page.on("requestfailed", lambda r: problems["failed"].append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and problems["failed"].append(
        f"{r.url} HTTP {r.status}"))

    def route(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            problems["local"].append(route.request.url)
            route.continue_()
        else:
            problems["external"].append(route.request.url)
            route.abort()

    page.route("**/*", route)
    response = page.goto(url, wait_until="load")
    assert response and response.ok, f"{url}: {response and response.status}"
    # MathJax typesets asynchronously; the widget manager renders after the page's load event
    page.wait_for_function(
        "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
    page.evaluate("() => window.MathJax ? window.MathJax.startup.promise : null")
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_function(f"() => document.querySelectorAll('.jupyter-widgets').length "
                               f">= {views}", timeout=30_000)
    page.wait_for_timeout(300)
    try:  # Plotly figures resize to their column asynchronously after the page's load
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                               ".every(e => e.scrollWidth <= e.clientWidth + 1)", timeout=5_000)
    except PlaywrightTimeout:
        pass  # test_code_and_outputs_fit_the_column reports the figure that stays too wide
    return context, page, problems


# Code blocks and outputs wider than the page's column, at the 1280-pixel window of open_page:
# a reader would see them cut off (or need a scroll bar) there.
OVERFLOWING = """() => {
  const column = document.querySelector('.bd-article-container, main').getBoundingClientRect();
  const selector = 'div.highlight pre, div.cell_output pre, div.cell_output table, '
                 + 'div.cell_output img, .js-plotly-plot';
  return [...document.querySelectorAll(selector)].filter(e => e.offsetParent !== null)
    .filter(e => e.scrollWidth > e.clientWidth + 1
                 || e.getBoundingClientRect().right > column.right + 1)
    .map(e => e.tagName + ': ' + (e.textContent || e.src || '').trim().slice(0, 80));
}"""


@pytest.fixture(scope="session")
def visits(browser, base_url):
    """Each page visited once: what the tests below check, and a screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cache = {}

    def visit(name):
        if name not in cache:
            context, page, problems = open_page(browser, base_url + name + ".html")
            page.screenshot(path=str(SCREENSHOTS / f"{Path(name).name}.png"), full_page=True)
            cache[name] = {
                "problems": problems,
                "math_spans": page.locator(".math").count(),
                "math_unrendered": page.evaluate(
                    "() => [...document.querySelectorAll('.math')]"
                    ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent)"),
                "math_errors": page.locator("mjx-merror").count(),
                "widget_views": page.locator(
                    'script[type="application/vnd.jupyter.widget-view+json"]').count(),
                "widgets_rendered": page.locator(".jupyter-widgets").count(),
                "widget_state": page.evaluate(
                    "() => { const s = document.querySelector("
                    "'script[type=\"application/vnd.jupyter.widget-state+json\"]');"
                    " return s ? JSON.parse(s.textContent).state : {}; }"),
                "notes": page.evaluate(
                    "() => [...document.querySelectorAll('.kernel-widget-note')].map(n => ({"
                    "text: n.textContent, links: [...n.querySelectorAll('a')].map(a => a.href)}))"),
                "enabled_kernel_controls": page.locator(
                    ".kernel-widget input:enabled, .kernel-widget button:enabled, "
                    ".kernel-widget select:enabled, .kernel-widget textarea:enabled").count(),
                "launch": page.evaluate(
                    "() => [...document.querySelectorAll('.dropdown-launch-buttons a')]"
                    ".map(a => [a.textContent.trim(), a.href])"),
                "links": page.evaluate("() => [...document.querySelectorAll('a[href]')]"
                                       ".map(a => a.href)"),
                "url": page.url,
                "overflowing": page.evaluate(OVERFLOWING),
            }
            context.close()
        return cache[name]

    return visit


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(visits, name):
    problems = visits(name)["problems"]
    assert not problems["external"], f"{name} requests outside the book: {problems['external']}"
    assert not problems["failed"], f"{name}: failed requests {problems['failed']}"
    assert not problems["pageerror"], f"{name}: JavaScript errors {problems['pageerror']}"
    assert not problems["console"], f"{name}: console errors {problems['console']}"


@pytest.mark.parametrize("name", PAGES)
def test_math_renders(visits, name):
    seen = visits(name)
    has_math = re.search(r"\$[^$\s][^$]*\$", source_of(name).read_text())
    if has_math:
        assert seen["math_spans"] > 0, f"{name}: the source has $…$ math but the page has none"
    assert not seen["math_unrendered"], f"{name}: math MathJax did not render: " \
                                        f"{seen['math_unrendered'][:5]}"
    assert seen["math_errors"] == 0, f"{name}: MathJax reported errors"
    if seen["math_spans"]:
        mathjax = [u for u in seen["problems"]["local"] if "/_static/offline/mathjax/" in u]
        assert mathjax, f"{name}: MathJax was not loaded from the book's own _static"


@pytest.mark.parametrize("name", [p for p in PAGES if source_of(p).suffix == ".ipynb"])
def test_launch_links_open_this_notebook(visits, name):
    repo = CONFIG["repository"]
    owner, project = urlparse(repo["url"]).path.strip("/").split("/")[:2]
    notebook = source_of(name).relative_to(ROOT).as_posix()
    launch = CONFIG["launch_buttons"]
    expected = {
        "Colab": f"{launch['colab_url'].rstrip('/')}/github/{owner}/{project}/blob/"
                 f"{repo['branch']}/{notebook}",
        "Binder": f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner}/{project}/"
                  f"{repo['branch']}?urlpath=tree/{notebook}",
    }
    assert dict(visits(name)["launch"]) == expected


@pytest.mark.parametrize("name", PAGES)
def test_internal_links_resolve(visits, name):
    seen = visits(name)
    site = urlparse(seen["url"])
    broken = []
    for href in seen["links"]:
        url = urlparse(href)
        if url.scheme not in ("http", "https") or url.netloc != site.netloc:
            continue
        target, fragment = urldefrag(href)
        path = HTML / urlparse(target).path.lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            broken.append(href)
        elif fragment and path.suffix == ".html" and not re.search(
                rf'id="{re.escape(fragment)}"', path.read_text(errors="ignore")):
            broken.append(href)
    assert not broken, f"{name}: broken internal links {broken}"


@pytest.mark.parametrize("name", PAGES)
def test_code_and_outputs_fit_the_column(visits, name):
    overflowing = visits(name)["overflowing"]
    assert not overflowing, f"{name}: wider than the page's column: {overflowing[:5]}"


def needs_kernel(state):
    linked = {ref for m in state.values() if m["model_name"] in ("LinkModel", "DirectionalLinkModel")
              for ref in re.findall(r"IPY_MODEL_(\w+)", json.dumps(m["state"]))}
    return [i for i, m in state.items() if INTERACTIVE_WIDGETS.match(m["model_name"])
            and i not in linked]


@pytest.mark.parametrize("name", PAGES)
def test_widgets_render_and_say_when_they_need_python(visits, name):
    seen = visits(name)
    if not seen["widget_views"]:
        return
    assert seen["widgets_rendered"] >= seen["widget_views"], f"{name}: widgets did not render"
    manager = [u for u in seen["problems"]["local"] if "/_static/offline/html-manager/" in u]
    assert manager, f"{name}: the widget manager was not loaded from the book's own _static"
    if needs_kernel(seen["widget_state"]):
        assert seen["notes"], f"{name}: controls that need Python carry no note"
        launch = sorted(href for _, href in seen["launch"])
        for note in seen["notes"]:
            assert "need a running Python kernel" in note["text"]
            assert sorted(note["links"]) == launch, f"{name}: the note's links {note['links']}"
        assert seen["enabled_kernel_controls"] == 0, f"{name}: a control that needs Python is live"


def plotted(page, div_id):
    """The data of an explorer's visible curves, as the browser holds them."""
    return page.evaluate(
        "id => document.getElementById(id).data"
        ".filter(t => t.visible !== false && t.visible !== 'legendonly')"
        ".map(t => [t.name, Array.from(t.y || [])])", div_id)


def menu_labels(figure):
    """The values the explorer's menus show (without the menus' ▼ arrows)."""
    return [h.text_content().replace("▼", "").strip()
            for h in figure.locator("g.updatemenu-header-group").all()]


def stored_seed_curves(study, knobs):
    """{setting (the knobs' values as text): each seed's eval_return curve} of a stored study."""
    import pandas as pd
    curves = pd.read_csv(ROOT / "sweeps" / "results" / f"{study}_curves.csv",
                         dtype={"fc_layer_params": str})
    curves = curves[curves["knob"].isin(["default", *knobs])]  # the settings of these knobs
    return {tuple(str(v) for v in setting): [group["eval_return"].tolist()
                                              for _, group in rows.groupby("seed")]
            for setting, rows in curves.groupby(knobs, sort=False)}


@pytest.mark.parametrize("page_name,explorer",
                         [p for p in EXPLORERS.items() if p[0] in PAGES])
def test_explorer_menu_shows_each_stored_setting(browser, base_url, page_name, explorer):
    """The menu, set to each option like a reader would, draws exactly one stored setting's
    seed curves (read here from sweeps/results/), a different one for each option, the one
    its label names. The figure stays inside the page's column."""
    div_id, study, knobs = explorer
    stored = stored_seed_curves(study, knobs)
    context, page, problems = open_page(browser, base_url + page_name + ".html")
    try:
        figure = page.locator(f"#{div_id}")
        assert figure.count() == 1, f"{page_name}: the explorer's figure did not render"
        assert page.locator(f".kernel-widget #{div_id}").count() == 0, "marked as needing Python"
        figure.scroll_into_view_if_needed()
        menus = figure.locator("g.updatemenu-header-group")
        assert menus.count() == 1, f"expected one menu, got {menus.count()}"
        menus.nth(0).click()
        count = figure.locator("g.updatemenu-dropdown-button").count()
        menus.nth(0).click()  # closed again
        assert count == len(stored), f"the menu has {count} options, the study {len(stored)}"
        shown = []
        for pick in range(count):
            if pick:
                menus.nth(0).click()
                option = figure.locator("g.updatemenu-dropdown-button").nth(pick)
                option.click()
                page.wait_for_timeout(200)
            label = menu_labels(figure)[0]
            drawn = [y for name, y in plotted(page, div_id) if name.startswith("seed ")]
            matches = [setting for setting, seeds in stored.items()
                       if len(seeds) == len(drawn)
                       and all(np.allclose(a, b) for a, b in zip(seeds, drawn))]
            assert len(matches) == 1, f"{label}: the drawn curves match {len(matches)} settings"
            shown.append(matches[0])
            changed = [v for v, d in zip(matches[0], shown[0]) if v != d]
            assert all(v in label for v in changed), (label, matches[0])
        assert len(set(shown)) == count, "two options show the same setting"
        name = Path(page_name).name
        page.screenshot(path=str(SCREENSHOTS / f"{name}-explorer-after-clicks.png"))
        box, column = page.evaluate(
            "id => { const r = document.getElementById(id).getBoundingClientRect();"
            " const c = document.querySelector('.bd-article-container, main')"
            ".getBoundingClientRect(); return [[r.left, r.right], [c.left, c.right]]; }", div_id)
        assert column[0] - 1 <= box[0] and box[1] <= column[1] + 1, (
            f"{page_name}: the explorer {box} sticks out of the page's column {column}")
        assert not problems["pageerror"] and not problems["external"], problems
    finally:
        context.close()


# Explorers that compute in the reader's browser (chapters 1, 2, 4: _ext/static/explorers/),
# driven on the built pages, on a desktop and on a phone; tests/test_explorer_js.py checks their
# arithmetic against the chapters' Python in detail.
JS_EXPLORER_PAGES = ["book/01_rl_loop", "book/02_mdps", "book/04_tabular_control"]
# Explorers of stored DQN runs (run_grid.js): page -> its study's files in sweeps/results/, the
# curves' column on the horizontal axis, and whether its menus change one knob at a time.
GRID_PAGES = {"book/05_dqn_by_hand": ("explorer_grid", "iteration", False),
              "book/06_dqn_tf_agents": ("dqn_sweep", "env_steps", True),
              "book/08_rainbow": ("variant_study", "env_steps", False)}


def move(page, selector, value):
    page.fill(selector, str(value))  # sets the range input's value and fires `input`
    page.dispatch_event(selector, "input")


def fits_and_ran_cleanly(page, box, page_name, width, problems):
    """The explorer `box` fits the screen's width without scrolling sideways, and the page
    had no JavaScript error, console error or request leaving the machine. Screenshot."""
    right, scroll, client = page.evaluate(
        "s => { const b = document.querySelector(s); return "
        "[b.getBoundingClientRect().right, b.scrollWidth, b.clientWidth]; }", box)
    assert right <= width + 1 and scroll <= client + 1, (page_name, width, right, scroll)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(page_name).name}-explorer-{width}.png"))
    assert not problems["pageerror"] and not problems["console"], problems
    assert not problems["external"], problems


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("page_name", [p for p in JS_EXPLORER_PAGES if p in PAGES])
def test_browser_explorer_responds_on_the_page(browser, base_url, page_name, width):
    import test_explorer_js as js
    context, page, problems = open_page(browser, base_url + page_name + ".html", width)
    try:
        box = ".dqnbook-explorer"
        assert page.locator(box).count() == 1, f"{page_name}: no kernel-free explorer"
        page.wait_for_selector(f"{box}[data-filled=true]", timeout=10_000)
        page.locator(box).scroll_into_view_if_needed()
        if page_name.endswith("01_rl_loop"):
            for weight in (0.0, 2.0, 0.5):
                move(page, f"{box} input[type=range]", weight)
                shown = float(page.get_attribute(box, "data-mean-return"))
                expected = np.mean(js.python_returns(weight))
                assert abs(shown - expected) <= 2 / js.NUM_EPISODES, (weight, shown, expected)
        elif page_name.endswith("04_tabular_control"):
            gamma = f"{box} .dqnbook-controls > label:nth-child(2) input"
            for value in (0.5, 0.95):  # Q-learning converges to Q*: max Q(start) = gamma**5
                move(page, gamma, value)
                shown = float(page.get_attribute(box, "data-q-start"))
                assert abs(shown - value**5) < 1e-3, (value, shown)
                assert float(page.get_attribute(box, "data-max-error")) < 1e-3
        else:
            def v_start(map_name, gamma, slip):
                P, R, _ = js.mdp_from_env(js.make_frozen_lake(map_name, slip))
                return js.value_iteration(P, R, gamma)[0][0]
            move(page, f"{box} label:nth-child(1) input", 0.5)
            move(page, f"{box} label:nth-child(2) input", 0.1)
            page.select_option(f"{box} select", "8x8")
            shown = float(page.get_attribute(box, "data-v-start"))
            assert abs(shown - v_start("8x8", 0.5, 0.1)) < 1e-9, shown
        fits_and_ran_cleanly(page, box, page_name, width, problems)
    finally:
        context.close()


def test_plotly_sliders_change_chapter_3s_curves(browser, base_url):
    """Chapter 3's explorer: each of its two sliders, clicked at both ends of its rail like a
    reader would, shows other curves."""
    if "book/03_monte_carlo_td" not in PAGES:
        pytest.skip("chapter 3 is not in the table of contents")
    context, page, problems = open_page(browser, base_url + "book/03_monte_carlo_td.html")
    try:
        figure = page.locator("#nstep-explorer")
        assert figure.count() == 1, "chapter 3's explorer did not render"
        figure.scroll_into_view_if_needed()
        rails = figure.locator("rect.slider-rail-rect")
        assert rails.count() == 2, rails.count()
        for k in range(2):
            seen = [plotted(page, "nstep-explorer")]
            for end in (0.02, 0.98):
                rail = rails.nth(k).bounding_box()
                page.mouse.click(rail["x"] + end * rail["width"], rail["y"] + rail["height"] / 2)
                page.wait_for_timeout(300)
                seen.append(plotted(page, "nstep-explorer"))
            assert seen[1] != seen[0] or seen[2] != seen[0], f"slider {k} changed nothing"
            assert seen[1] != seen[2], f"slider {k}: both ends show the same curves"
        assert not problems["pageerror"] and not problems["external"], problems
    finally:
        context.close()


def stored_curves(study, setting, x):
    """Each seed's (x, eval_return) of a stored setting, read from the study's files."""
    import pandas as pd
    curves = pd.read_csv(ROOT / "sweeps" / "results" / f"{study}_curves.csv",
                         dtype={"fc_layer_params": str})
    rows = curves
    for knob, value in setting.items():
        rows = rows[rows[knob].astype(str) == value]
    assert len(rows), f"no stored runs of {setting}"
    return [(group[x].astype(int).tolist(), group["eval_return"].astype(float).tolist())
            for _, group in rows.groupby("seed")]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("page_name", [p for p in GRID_PAGES if p in PAGES])
def test_stored_runs_explorer_shows_the_chosen_settings_runs(browser, base_url, page_name, width):
    """Chapters 5, 6 and 8: every menu, set to each of its values, draws exactly the stored curves
    of that setting (read here from sweeps/results/), over the defaults' in gray; where the
    study changes one knob at a time, the other menus go back to their defaults."""
    study, x, one_at_a_time = GRID_PAGES[page_name]
    context, page, problems = open_page(browser, base_url + page_name + ".html", width)
    try:
        box = ".dqnbook-explorer[data-explorer=run-grid]"
        assert page.locator(box).count() == 1, f"{page_name}: no stored-runs explorer"
        page.wait_for_selector(f"{box}[data-filled=true]", timeout=10_000)
        page.locator(box).scroll_into_view_if_needed()
        selects = page.locator(f"{box} select")
        knobs = json.loads(page.get_attribute(box, "data-config"))["knobs"]
        assert selects.count() == len(knobs) >= 1, selects.count()
        defaults = [selects.nth(i).input_value() for i in range(len(knobs))]
        for i, knob in enumerate(knobs):
            for value in knob["values"]:
                selects.nth(i).select_option(value)
                shown = [selects.nth(k).input_value() for k in range(len(knobs))]
                if one_at_a_time:
                    assert shown == defaults[:i] + [value] + defaults[i + 1:], shown
                setting = {k["name"]: v for k, v in zip(knobs, shown)}
                expected = [ys for _, ys in stored_curves(study, setting, x)]
                drawn = json.loads(page.get_attribute(box, "data-plotted"))
                assert np.allclose(np.concatenate(drawn), np.concatenate(expected)) and \
                    [len(d) for d in drawn] == [len(e) for e in expected], (setting, drawn)
                lines = page.locator(f"{box} polyline.seed").count()
                assert lines == len(expected), (setting, lines)
                gray = page.locator(f"{box} polyline.reference").count()
                assert (gray == 0) == (shown == defaults), (setting, gray)
            selects.nth(i).select_option(defaults[i])
        fits_and_ran_cleanly(page, box, page_name, width, problems)
    finally:
        context.close()
