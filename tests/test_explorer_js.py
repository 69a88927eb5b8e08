"""The kernel-free explorers of chapters 1, 2 and 4 compute what the chapters' Python computes.

The published HTML page has no kernel, so chapters 1, 2 and 4 add a copy of their Explore section's
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
- chapter 4: the lakes the JavaScript Q-learning trains on are chapter 2's MDPs (solid ice
  exactly; slippery ice within 1e-15, Gymnasium building 1/3 and 1 - 2/3 in another order).
  Where nothing is random (epsilon = 0 on solid ice) the JavaScript table, returns and lengths
  equal those of the chapter's own q_learning exactly. The JavaScript draws its random numbers
  from mulberry32, not NumPy, so the rest is checked for every one of many seeds or on average:
  with the chapter's defaults every seed's table is within 1e-3 of Q* (value_iteration's), and
  with gamma = 0.5 max Q(start) is within 1e-3 of 0.5**5; with epsilon = 0 the zero table stays
  zero; on slippery ice the mean over seeds of the greedy policy's success probability
  (success_probability) and of the training episodes' success rate agree with q_learning's
  runs within four standard errors of the difference;
- the page: moving a container's range input redraws it with Python's value for the new setting,
  and the container fits a 390 px wide phone screen.
"""
import functools
import html
import json
import re

import gymnasium as gym
import numpy as np
import pytest

from _ext.offline_book import EXPLORERS as MODULES  # as every page loads them, in order
from conftest import ROOT
from dqnbook.ch01_rl_loop import run_episode
from dqnbook.ch02_mdps import (bellman_optimality_backup, greedy_policy,
                               make_frozen_lake, mdp_from_env, success_probability,
                               value_iteration)

pytestmark = pytest.mark.slow  # about a minute: Gymnasium plays tens of thousands of episodes

EXPLORERS = ROOT / "_ext" / "static" / "explorers"
SEED = 2_000  # chapter 1's LeanRuleExplorer: episodes seeded 2000, 2001, ...
NUM_EPISODES = 50


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
                                           ("02_mdps", "value-iteration"),
                                           ("04_tabular_control", "q-learning")])
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


# Chapter 4 -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def q_learning():
    """Chapter 4's q_learning, from the book's package."""
    from dqnbook.ch04_tabular_control import q_learning
    return q_learning


def lake(slippery):
    return gym.make("FrozenLake-v1", is_slippery=slippery)  # chapter 4's lakes


LAKE_ROWS = map_rows("4x4")
# As chapter 4's Explore cell computes it: a move on slippery ice goes as meant 1/3 of the time.
SLIP = float(1 - mdp_from_env(lake(True))[0][0, 1, 4])


def js_run(page, slippery, seeds, **settings):
    """The explorer's runs (qLearningRun) for these seeds: tables and summaries."""
    return page.evaluate(
        """([rows, slip, settings, seeds]) => {
             const E = window.DQNBookExplorers, env = E.frozenLakeEnv(rows, slip, 100);
             const qStar = E.valueIteration(env.P, env.R, settings.gamma).q;
             return seeds.map((seed) => {
               const r = E.qLearningRun(env, settings, qStar, seed);
               return {q: r.q, maxError: r.maxError, greedySuccess: r.greedySuccess,
                       policy: r.policy, successes: r.returns.filter((x) => x > 0).length};
             });
           }""", [LAKE_ROWS, SLIP if slippery else 0.0, settings, list(seeds)])


@functools.cache
def q_star_of(slippery, gamma):
    P, R, terminal = mdp_from_env(lake(slippery))
    return value_iteration(P, R, gamma)[1], terminal


def non_terminal_error(q, slippery, gamma):
    q_star, terminal = q_star_of(slippery, gamma)
    return np.max(np.abs(np.array(q) - q_star)[~terminal])


@pytest.mark.parametrize("slip", [0.0, SLIP, 2 / 3])
def test_q_learning_lakes_are_chapter_2s(page, slip):
    slippery = slip > 0
    P, R, terminal = mdp_from_env(lake(slippery))
    env = page.evaluate("([rows, slip]) => window.DQNBookExplorers.frozenLakeEnv(rows, slip)",
                        [LAKE_ROWS, slip])
    if slippery:
        assert np.max(np.abs(np.array(env["P"]) - P)) < 1e-15
    else:
        assert np.array_equal(np.array(env["P"]), P)
    assert np.allclose(np.array(env["R"]), R, atol=1e-15)
    assert np.array_equal(np.array(env["terminal"]), terminal)
    assert env["start"] == 0 and env["maxSteps"] == lake(slippery).spec.max_episode_steps
    for s, row in enumerate(env["outcomes"]):  # what an episode samples from
        for a, outcomes in enumerate(row):
            assert abs(sum(o[0] for o in outcomes) - 1) < 1e-12
            assert all(o[2] == (o[1] == 15) and o[3] == terminal[o[1]] for o in outcomes)
            assert all(P[s, a, o[1]] > 0 for o in outcomes)


@pytest.mark.parametrize("alpha, gamma, start", [(0.5, 0.95, 1.0), (1.0, 0.5, 1.0),
                                                 (0.3, 0.99, 2.0), (0.5, 0.95, 0.0)])
def test_greedy_q_learning_equals_the_chapters_exactly(page, q_learning, alpha, gamma, start):
    """epsilon = 0 on solid ice: nothing is random, so the same table (the chapter's exercise 1:
    from a table of ones the greedy agent explores by itself; from zeros it is stuck)."""
    q_table, history = q_learning(lake(False), 100, alpha, gamma, 0.0, seed=SEED,
                                  q_table=np.full((16, 4), start))
    result = page.evaluate(
        """([rows, settings]) => {
             const E = window.DQNBookExplorers, env = E.frozenLakeEnv(rows, 0, 100);
             return E.qLearning(env, settings, E.mulberry32(0));
           }""", [LAKE_ROWS, dict(alpha=alpha, gamma=gamma, epsilon=0.0, episodes=100,
                                  q=np.full((16, 4), start).tolist())])
    assert np.array_equal(np.array(result["q"]), q_table)
    assert result["returns"] == history["returns"] and result["lengths"] == history["lengths"]
    assert np.array_equal(np.array(result["updates"]), history["updates"])
    if start == 0.0:  # the chapter's stuck agent: left into the wall, 100 steps, all zeros
        assert not q_table.any() and set(history["lengths"]) == {100}


def test_q_learning_converges_for_every_seed(page, q_learning):
    """The chapter's defaults (alpha 0.5, gamma 0.95, epsilon 0.8, 3,000 episodes): its own run
    is within 1e-3 of Q*, and so is every one of 50 JavaScript seeds' tables (all about 1e-14);
    with gamma = 0.5 also, and max Q(start) = 0.5**5 within 1e-3."""
    defaults = dict(alpha=0.5, epsilon=0.8, episodes=3000)
    q_table, _ = q_learning(lake(False), 3000, 0.5, 0.95, 0.8, seed=SEED)
    assert non_terminal_error(q_table, False, 0.95) < 1e-3
    for gamma in (0.95, 0.5):
        runs = js_run(page, False, range(50), gamma=gamma, **defaults)
        for run in runs:
            assert non_terminal_error(run["q"], False, gamma) < 1e-3
            assert abs(run["maxError"] - non_terminal_error(run["q"], False, gamma)) < 1e-12
            assert abs(max(run["q"][0]) - gamma**5) < 1e-3
            assert run["greedySuccess"] == 1.0
    runs = js_run(page, False, range(50), gamma=0.95, alpha=0.5, epsilon=0.0, episodes=100)
    assert all(not np.any(run["q"]) and run["successes"] == 0 for run in runs)


def test_slippery_q_learning_agrees_with_the_chapters_on_average(page, q_learning):
    """Slippery ice, alpha 0.1, gamma 0.99, epsilon 0.5, 3,000 episodes: 12 runs of the chapter's
    q_learning (seeds 0-11) against 200 JavaScript seeds. Per run the greedy policy's success
    probability varies by about 0.05 (mean about 0.71) and the training success rate by about
    0.007 (mean about 0.059); the means must agree within four standard errors of their
    difference (about 0.06 and 0.008)."""
    settings = dict(alpha=0.1, gamma=0.99, epsilon=0.5, episodes=3000)
    env = lake(True)
    P, R, _ = mdp_from_env(env)
    python_p, python_train = [], []
    for seed in range(12):
        q_table, history = q_learning(env, settings["episodes"], settings["alpha"],
                                      settings["gamma"], settings["epsilon"], seed=seed)
        python_p.append(success_probability(P, R, greedy_policy(q_table)))
        python_train.append(np.mean(history["returns"]))
    runs = js_run(page, True, range(200), **settings)
    for run in runs[:20]:  # the explorer's own numbers are Python's for its table
        policy = greedy_policy(np.array(run["q"]))
        assert np.array_equal(np.array(run["policy"]), policy)
        assert abs(run["greedySuccess"] - success_probability(P, R, policy)) < 1e-12
    js_p = [run["greedySuccess"] for run in runs]
    js_train = [run["successes"] / settings["episodes"] for run in runs]
    for js, py, largest in ((js_p, python_p, 0.08), (js_train, python_train, 0.012)):
        error = np.sqrt(np.var(js, ddof=1) / len(js) + np.var(py, ddof=1) / len(py))
        assert 4 * error < largest, error  # a test that could fail
        assert abs(np.mean(js) - np.mean(py)) <= 4 * error, (np.mean(js), np.mean(py), error)


def test_q_learning_rejects_what_python_rejects(page, q_learning):
    cases = [dict(alpha=0.0), dict(alpha=1.5), dict(gamma=1.1), dict(epsilon=-0.1),
             dict(episodes=0)]
    for case in cases:
        settings = dict(dict(alpha=0.5, gamma=0.95, epsilon=0.8, episodes=10), **case)
        with pytest.raises(ValueError, match="must be"):
            q_learning(lake(False), settings["episodes"], settings["alpha"], settings["gamma"],
                       settings["epsilon"], seed=SEED)
        message = page.evaluate("""(settings) => {
            const E = window.DQNBookExplorers, env = E.frozenLakeEnv(["SF", "HG"], 0, 100);
            try { E.qLearning(env, settings, E.mulberry32(0)); } catch (e) { return e.message; }
            return null; }""", settings)
        assert message and "must be" in message, case


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


def q_learning_config():
    """What chapter 4's Explore cell displays: the lake's map, FrozenLake-v1's slip and time
    limit, the chapter's settings and its widgets' ranges."""
    return dict(map=LAKE_ROWS, slip=SLIP, max_steps=100, alpha=0.5, gamma=0.95, epsilon=0.8,
                episodes=3000, episode_choices=[100, 300, 1000, 3000, 10_000, 20_000],
                slippery=False, seed=0, tol=1e-12, max_sweeps=100_000,
                ranges=dict(alpha=[0.01, 1.0, 0.01], gamma=[0.0, 1.0, 0.01],
                            epsilon=[0.0, 1.0, 0.01]))


def test_q_learning_explorer_responds(browser):
    page = open_page(browser, container("q-learning", q_learning_config()))
    box = ".dqnbook-explorer"

    def shown(slippery, gamma):
        """The drawn numbers, checked against chapter 2's code for the drawn table."""
        number = {key: float(page.get_attribute(box, f"data-{key}"))
                  for key in ("q-start", "max-error", "greedy-success")}
        q = np.array(json.loads(page.get_attribute(box, "data-q-table")))
        policy = np.array([int(a) for a in page.get_attribute(box, "data-policy").split(",")])
        P, R, _ = mdp_from_env(lake(slippery))
        assert number["q-start"] == q[0].max()
        assert abs(number["max-error"] - non_terminal_error(q, slippery, gamma)) < 1e-12
        assert np.array_equal(policy, greedy_policy(q))
        assert abs(number["greedy-success"] - success_probability(P, R, policy)) < 1e-12
        status = page.inner_text(f"{box} .dqnbook-status")
        assert abs(float(re.search(r"max Q\(start\) = ([0-9.]+),", status)[1])
                   - number["q-start"]) < 6e-5  # shown to 4 decimals
        return number, q

    def control(n):
        return f"{box} .dqnbook-controls > label:nth-child({n})"

    number, q = shown(False, 0.95)  # the chapter's defaults: Q* and gamma**5 at the start
    assert number["max-error"] < 1e-3 and abs(number["q-start"] - 0.95**5) < 1e-3
    assert number["greedy-success"] == 1.0
    assert page.locator(f"{box} svg").count() == 2 and page.locator(f"{box} polyline").count() == 3
    move(page, control(2) + " input", 0.5)  # gamma
    number, q = shown(False, 0.5)
    assert number["max-error"] < 1e-3 and abs(number["q-start"] - 0.5**5) < 1e-3
    move(page, control(3) + " input", 0.0)  # epsilon 0, 100 episodes: stuck at zero
    page.select_option(control(4) + " select", "100")
    number, q = shown(False, 0.5)
    assert not q.any() and number["greedy-success"] == 0.0
    move(page, control(3) + " input", 0.5)
    move(page, control(2) + " input", 0.99)
    page.select_option(control(4) + " select", "3000")
    page.check(control(5) + " input")  # slippery ice
    number, q = shown(True, 0.99)
    assert json.loads(page.get_attribute(box, "data-settings"))["slippery"] is True
    assert 0 < q.max() <= 1 and number["max-error"] > 1e-3  # alpha 0.5 never settles
    page.click(f"{box} button")  # a new seed: another run of the same settings
    assert page.get_attribute(box, "data-seed") == "1"
    number_again, q_again = shown(True, 0.99)
    assert not np.array_equal(q, q_again)
    assert not page.errors
    page.close()


@pytest.mark.parametrize("name", ["lean-rule", "value-iteration", "q-learning"])
def test_explorer_fits_a_phone(browser, starts, name):
    config = {"lean-rule": lambda: dict(initial_states=starts, weight=0.5, min=0.0, max=2.0,
                                        step=0.1),
              "value-iteration": lambda: dict(maps={"4x4": map_rows("4x4"),
                                                    "8x8": map_rows("8x8")}, map="4x4",
                                              gamma=0.95, slip=2 / 3, tol=1e-12,
                                              max_sweeps=100_000),
              "q-learning": q_learning_config}[name]()
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
