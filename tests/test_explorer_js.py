"""The kernel-free explorers of chapters 1 and 2 compute what the chapters' Python computes.

The published HTML page has no kernel, so chapters 1 and 2 add a copy of their Explore section's
explorer that runs in the reader's browser: JavaScript modules in _ext/static/explorers/ (added
to every page by _ext/offline_book.py) that fill `<div class="dqnbook-explorer">` containers.
This test loads those modules into a blank page in headless Chromium (Debian's `chromium`,
driven by Playwright; CHROMIUM overrides the path) and checks them against the chapters' code:

- chapter 2: FrozenLake's P, R and terminal states built in JavaScript from the map's text equal
  (exactly) mdp_from_env(make_frozen_lake(map, slip)); V* and Q* of the JavaScript value
  iteration are within 1e-9 of value_iteration's, gamma = 1 and gamma = 0 included, with the
  same number of sweeps and the same greedy action wherever one action is best by more than
  1e-9 (in a tie, the JavaScript action is one of the best);
- chapter 1: the lean rule's returns from the 50 seeded starts of the chapter's explorer, played
  by the JavaScript CartPole, equal (exactly, episode by episode) those of Gymnasium's
  CartPole-v1 played by the chapter's run_episode;
- the page: moving a container's range input redraws it with Python's value for the new setting,
  and the container fits a 390 px wide phone screen.
"""
import html
import json
import os

import gymnasium as gym
import numpy as np
import pytest
from playwright.sync_api import sync_playwright

from _ext.offline_book import EXPLORERS as MODULES  # as every page loads them, in order
from conftest import ROOT
from dqnbook.ch01_rl_loop import run_episode
from dqnbook.ch02_mdps import (bellman_optimality_backup, greedy_policy, make_frozen_lake,
                               mdp_from_env, value_iteration)

pytestmark = pytest.mark.slow  # about half a minute: Gymnasium plays a few thousand episodes

EXPLORERS = ROOT / "_ext" / "static" / "explorers"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED = 2_000  # chapter 1's LeanRuleExplorer: episodes seeded 2000, 2001, ...
NUM_EPISODES = 50


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, body="", width=1000):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content(f"<!DOCTYPE html><html><head><meta name='viewport' "
                     f"content='width=device-width, initial-scale=1'><style>"
                     f"{(EXPLORERS / 'explorers.css').read_text()}</style></head>"
                     f"<body>{body}</body></html>")
    for module in MODULES:
        page.add_script_tag(content=(EXPLORERS / module).read_text())
    page.errors = errors
    return page


@pytest.fixture(scope="module")
def page(browser):
    page = open_page(browser)
    yield page
    assert not page.errors
    page.close()


def container(name, config):
    """The div the chapters' notebooks display (chapter 1's and chapter 2's Explore cells)."""
    return (f"<div class='dqnbook-explorer' data-explorer='{name}' "
            f"data-config='{html.escape(json.dumps(config))}'>This copy of the explorer runs "
            f"on the published page; here, use the widgets above.</div>")


@pytest.mark.parametrize("chapter, name", [("01_rl_loop", "lean-rule"),
                                           ("02_mdps", "value-iteration")])
def test_chapter_shows_the_container_without_its_code(chapter, name):
    cells = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())["cells"]
    shown = [c for c in cells if f"data-explorer='{name}'" in "".join(c["source"])]
    assert len(shown) == 1 and "remove-input" in shown[0]["metadata"].get("tags", [])
    assert (EXPLORERS / f"{name.replace('-', '_')}.js").name in MODULES


# Chapter 2 -------------------------------------------------------------------------------

def map_rows(map_name):
    return ["".join(row) for row in make_frozen_lake(map_name).unwrapped.desc.astype(str)]


def js_mdp(page, map_name, slip):
    return page.evaluate("([rows, slip]) => window.DQNBookExplorers.frozenLakeMDP(rows, slip)",
                         [map_rows(map_name), slip])


@pytest.mark.parametrize("map_name", ["4x4", "8x8"])
def test_frozen_lake_model_equals_chapter_2s(page, map_name):
    for slip in (0.0, 0.01, 0.1, 0.2, 1 / 3, 0.5, 2 / 3, 0.67, 0.99, 1.0):
        P, R, terminal = mdp_from_env(make_frozen_lake(map_name, slip))
        model = js_mdp(page, map_name, slip)
        assert np.array_equal(np.array(model["P"]), P), (map_name, slip)
        assert np.array_equal(np.array(model["R"]), R), (map_name, slip)
        assert np.array_equal(np.array(model["terminal"]), terminal), (map_name, slip)


def count_sweeps(P, R, gamma, tol=1e-12):
    """value_iteration's loop, counting its sweeps (as chapter 2 counts them)."""
    v, sweeps = np.zeros(len(R)), 0
    while True:
        v_new = bellman_optimality_backup(P, R, v, gamma)
        sweeps += 1
        if np.max(np.abs(v_new - v)) < tol:
            return sweeps
        v = v_new


CASES = [("4x4", 0.95, 2 / 3), ("4x4", 0.5, 2 / 3), ("4x4", 0.99, 0.1), ("4x4", 0.95, 0.0),
         ("4x4", 1.0, 2 / 3), ("4x4", 1.0, 1.0), ("4x4", 0.0, 0.5), ("4x4", 0.8, 1.0),
         ("8x8", 0.95, 2 / 3), ("8x8", 0.99, 0.3), ("8x8", 1.0, 0.0), ("8x8", 1.0, 2 / 3)]


@pytest.mark.parametrize("map_name, gamma, slip", CASES)
def test_value_iteration_equals_chapter_2s(page, map_name, gamma, slip):
    P, R, _ = mdp_from_env(make_frozen_lake(map_name, slip))
    v_star, q_star = value_iteration(P, R, gamma)
    result = page.evaluate(
        """([rows, slip, gamma]) => {
             const E = window.DQNBookExplorers, mdp = E.frozenLakeMDP(rows, slip);
             const r = E.valueIteration(mdp.P, mdp.R, gamma);
             return {v: r.v, q: r.q, sweeps: r.sweeps, policy: E.greedyPolicy(r.q)};
           }""", [map_rows(map_name), slip, gamma])
    v, q, policy = np.array(result["v"]), np.array(result["q"]), np.array(result["policy"])
    assert np.max(np.abs(v - v_star)) < 1e-9
    assert np.max(np.abs(q - q_star)) < 1e-9
    assert result["sweeps"] == count_sweeps(P, R, gamma)
    # The greedy action is Python's wherever one action is best by a margin; in a tie (the
    # terminal states, or symmetric moves) the JavaScript action is one of the best.
    ordered = np.sort(q_star, axis=1)
    clear = ordered[:, -1] - ordered[:, -2] > 1e-9
    assert np.array_equal(policy[clear], greedy_policy(q_star)[clear])
    assert np.all(q_star[np.arange(len(v)), policy] >= v_star - 1e-9)


def test_value_iteration_rejects_what_python_rejects(page):
    for gamma in (1.01, -0.1):
        with pytest.raises(ValueError, match="must be"):
            value_iteration(*mdp_from_env(make_frozen_lake("4x4"))[:2], gamma)
        message = page.evaluate("""(gamma) => {
            const E = window.DQNBookExplorers, mdp = E.frozenLakeMDP(["SF", "HG"], 0.5);
            try { E.valueIteration(mdp.P, mdp.R, gamma); } catch (e) { return e.message; }
            return null; }""", gamma)
        assert message and "must be" in message


# Chapter 1 -------------------------------------------------------------------------------

def initial_states():
    """The float64 start states of the explorer's seeded episodes (chapter 1's Explore cell)."""
    env = gym.make("CartPole-v1")
    starts = []
    for episode in range(NUM_EPISODES):
        env.reset(seed=SEED + episode)
        starts.append(env.unwrapped.state.tolist())
    return starts


def python_returns(weight):
    """policy_returns(lean rule with this weight, 50, seed=2_000), as chapter 1 plays it."""
    env = gym.make("CartPole-v1")

    def policy(observation):  # LeanRuleExplorer.play's policy
        return int(observation[2] + weight * observation[3] > 0)

    return [sum(run_episode(env, policy, seed=SEED + episode)[0])
            for episode in range(NUM_EPISODES)]


@pytest.fixture(scope="module")
def starts():
    return initial_states()


# Every position of the explorer's slider: 0.0, 0.1, ..., 2.0 (as the browser parses them).
@pytest.mark.parametrize("weight", [round(0.1 * k, 1) for k in range(21)])
def test_lean_rule_returns_equal_gymnasiums(page, starts, weight):
    """The same physics in the same order: on this machine every episode's return is equal.
    The browser's Math.sin and Math.cos need not round exactly as the C library Python uses,
    so on another machine a pole near a threshold could fall one step sooner or later: allow
    two episodes of the fifty to differ by a step, and nothing else."""
    returns = page.evaluate(
        "([starts, w]) => window.DQNBookExplorers.leanRuleReturns(starts, w)", [starts, weight])
    expected = python_returns(weight)
    differ = [(js, py) for js, py in zip(returns, expected) if js != py]
    assert len(returns) == len(expected) and len(differ) <= 2, differ
    assert all(abs(js - py) <= 1 for js, py in differ), differ


# The pages -------------------------------------------------------------------------------

def move(page, selector, value):
    page.fill(selector, str(value))  # sets the range input's value and fires `input`
    page.dispatch_event(selector, "input")


def test_lean_rule_explorer_responds(browser, starts):
    config = dict(initial_states=starts, weight=0.5, min=0.0, max=2.0, step=0.1)
    page = open_page(browser, container("lean-rule", config))
    box = ".dqnbook-explorer"
    assert abs(float(page.get_attribute(box, "data-mean-return"))
               - np.mean(python_returns(0.5))) <= 2 / NUM_EPISODES
    # What the explorer's hint says to look for: weight 0.5 keeps every episode up for 500
    # steps; weight 0 (too late) and weight 2 (overreacting) do worse.
    assert min(python_returns(0.5)) == 500
    assert max(np.mean(python_returns(0.0)), np.mean(python_returns(2.0))) < 500
    assert page.locator(f"{box} svg rect").count() > 0
    for weight in (0.0, 2.0):
        move(page, f"{box} input[type=range]", weight)
        mean = float(page.get_attribute(box, "data-mean-return"))
        assert abs(mean - np.mean(python_returns(weight))) <= 2 / NUM_EPISODES  # see above
        assert f"mean return {mean:.1f}" in page.inner_text(box)
    assert not page.errors
    page.close()


def test_value_iteration_explorer_responds(browser):
    maps = {name: map_rows(name) for name in ("4x4", "8x8")}
    config = dict(maps=maps, map="4x4", gamma=0.95, slip=2 / 3, tol=1e-12, max_sweeps=100_000)
    page = open_page(browser, container("value-iteration", config))
    box = ".dqnbook-explorer"

    def v_start(map_name, gamma, slip):
        P, R, _ = mdp_from_env(make_frozen_lake(map_name, slip))
        return value_iteration(P, R, gamma)[0][0]

    def shown():
        return float(page.get_attribute(box, "data-v-start"))

    assert abs(shown() - v_start("4x4", 0.95, 2 / 3)) < 1e-9  # the chapter's own lake
    sliders = page.locator(f"{box} input[type=range]")
    # The hint: with gamma 0.99 the start tile's arrow pushes into the wall (left, action 0);
    # with 0.5 it turns towards the goal.
    move(page, f"{box} label:nth-child(1) input", 0.99)
    assert abs(shown() - v_start("4x4", 0.99, 2 / 3)) < 1e-9
    assert page.get_attribute(box, "data-start-action") == "0"
    move(page, f"{box} label:nth-child(1) input", 0.5)
    assert abs(shown() - v_start("4x4", 0.5, 2 / 3)) < 1e-9
    assert page.get_attribute(box, "data-start-action") in ("1", "2")  # down or right
    assert f"V*(start) = {shown():.4f}" in page.inner_text(box)
    move(page, f"{box} label:nth-child(2) input", 0.1)
    assert abs(shown() - v_start("4x4", 0.5, 0.1)) < 1e-9
    page.select_option(f"{box} select", "8x8")
    assert abs(shown() - v_start("8x8", 0.5, 0.1)) < 1e-9
    assert page.locator(f"{box} svg rect").count() == 64
    assert sliders.count() == 2 and not page.errors
    page.close()


@pytest.mark.parametrize("name", ["lean-rule", "value-iteration"])
def test_explorer_fits_a_phone(browser, starts, name):
    config = (dict(initial_states=starts, weight=0.5, min=0.0, max=2.0, step=0.1)
              if name == "lean-rule" else
              dict(maps={"4x4": map_rows("4x4"), "8x8": map_rows("8x8")}, map="4x4",
                   gamma=0.95, slip=2 / 3, tol=1e-12, max_sweeps=100_000))
    page = open_page(browser, container(name, config), width=390)
    assert page.get_attribute(".dqnbook-explorer", "data-filled") == "true"
    overflow = page.evaluate("""() => {
        const box = document.querySelector('.dqnbook-explorer');
        return [document.documentElement.scrollWidth, box.scrollWidth, box.clientWidth,
                box.getBoundingClientRect().right]; }""")
    page_width, box_scroll, box_client, right = overflow
    assert page_width <= 390 and box_scroll <= box_client and right <= 390, overflow
    assert not page.errors
    page.close()
