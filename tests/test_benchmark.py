"""The benchmark's stored results back what the chapters say about seeds 0-19.

Chapters 5 and 6 state ranges over seeds that no single page can measure: every seed of 0-19
solves CartPole, and the policy each run keeps scores a mean of at least 475 (chapter 5) or 495
(chapter 6) over 100 fresh episodes. benchmarks/dqn_cartpole.py --save measured them and stored
its results with a digest of the code it ran. These tests fail when the stored results no longer
back those claims, or when a chapter's code has changed since (re-run the benchmark with --save).
"""
import ast
import csv
import json
import math
import statistics
import sys

import pytest


import dqn_cartpole
import dqnbook
import notebooks
from conftest import ROOT, load_notebook

STORED = json.loads(dqn_cartpole.RESULTS.with_suffix(".json").read_text())
with open(dqn_cartpole.RESULTS, newline="") as f:
    ROWS = list(csv.DictReader(f))
CLAIMS = {5: 475.0, 6: 495.0}  # smallest 100-episode mean of the kept policy, any seed 0-19


@pytest.mark.parametrize("chapter", sorted(CLAIMS) + ["speed"])
def test_stored_results_come_from_the_chapters_current_code(chapter):
    current = dqnbook.code_digest(dqn_cartpole.CHAPTERS[chapter], dqn_cartpole.USES[chapter])
    assert STORED["code_digests"][str(chapter)] == current, (
        f"chapter {chapter}'s code changed since the benchmark ran: "
        "run `python benchmarks/dqn_cartpole.py --save` and commit its results")


@pytest.mark.parametrize("chapter", sorted(CLAIMS))
def test_every_seed_keeps_a_policy_that_solves_cartpole(chapter):
    rows = {int(r["seed"]): r for r in ROWS if int(r["chapter"]) == chapter}
    assert sorted(rows) == list(range(20)), f"chapter {chapter}: seeds {sorted(rows)}"
    assert STORED["fresh_episodes"] == 100
    weak = {s: float(r["kept_mean"]) for s, r in rows.items()
            if float(r["kept_mean"]) < CLAIMS[chapter] or r["solved"] != "True"}
    assert not weak, f"chapter {chapter}: kept policies below {CLAIMS[chapter]}: {weak}"
    assert all(r["iterations_to_475"] for r in rows.values())


def test_variant_option_knows_chapter_8s_variants():
    import dqnbook.ch08_rainbow as chapter8
    assert dqn_cartpole.variant_names() == list(chapter8.VARIANTS)
    for name, (build, _) in chapter8.VARIANTS.items():
        assert callable(build), name


def test_unknown_variants_are_refused(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["dqn_cartpole.py", "--variant", "noisy_nets"])
    with pytest.raises(SystemExit):
        dqn_cartpole.main()
    assert "unknown ['noisy_nets']" in capsys.readouterr().err


# The appendix's whole loop in one graph (benchmarks/dqn_cartpole.py --whole-graph --save).
WHOLE_GRAPH = json.loads(dqn_cartpole.WHOLE_GRAPH_RESULTS.with_suffix(".json").read_text())


def test_whole_graph_results_come_from_the_current_code():
    for key, stored in WHOLE_GRAPH["code_digests"].items():
        module = dqn_cartpole.CHAPTERS[6 if key == "6" else "speed"]
        current = dqnbook.code_digest(module, dqn_cartpole.USES[6 if key == "6" else key])
        assert stored == current, (
            f"{key}'s code changed since the benchmark ran: run `python "
            "benchmarks/dqn_cartpole.py --whole-graph --save` and commit its results")


def test_every_whole_graph_seed_is_solved_and_confirmed():
    """The appendix says so: every seed's kept policy was confirmed on Gymnasium's
    CartPole-v1 and solves it (100 fresh episodes, mean >= 475)."""
    with open(dqn_cartpole.WHOLE_GRAPH_RESULTS, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["loop"].startswith("whole-graph")]
    assert WHOLE_GRAPH["seeds"] == list(range(20))
    for loop in dqn_cartpole.WHOLE_GRAPH:
        mine = {int(r["seed"]): r for r in rows if r["loop"] == loop}
        assert sorted(mine) == WHOLE_GRAPH["seeds"], loop
        weak = {s: r["kept_mean"] for s, r in mine.items()
                if r["solved"] != "True" or r["confirmed"] != "True"
                or float(r["kept_mean"]) < dqn_cartpole.SOLVED}
        assert not weak, f"{loop}: not solved or not confirmed: {weak}"
    line = WHOLE_GRAPH["line"]
    assert line["solved"] == line["n"] == 20 and line["kept"] in dqn_cartpole.WHOLE_GRAPH


def test_whole_graph_summary_picks_the_faster_compilation(capsys):
    def row(seconds, first_call, rate):
        return dict(kept_mean=500.0, confirmed=True, seconds_to_475=seconds,
                    first_call=first_call, env_steps_to_475=12_000,
                    iterations_per_second=rate)
    rows = {6: {0: dict(row(12.0, 0, 250), confirmed=None), 1: dict(row(18.0, 0, 250))},
            "whole-graph": {0: row(4.0, 1.0, 900), 1: row(6.0, 1.0, 900)},
            "whole-graph-xla": {0: row(8.0, 5.0, 1_200), 1: row(9.0, 5.0, 1_200)}}
    line = dqn_cartpole.whole_graph_summary(rows, article=5.0)
    assert line["kept"] == "whole-graph" and line["jit_compile"] is False
    assert line["median_s"] == 5.0 and line["vs_agents"] == 3.0
    assert line["vs_article"] == 180.0 and line["solved"] == 2
    assert line["figures"]["whole-graph"]["median_s_without_first"] == 4.0
    assert "whole-graph-xla: solved 2/2" in capsys.readouterr().out


def test_whole_graph_runs_alone(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["dqn_cartpole.py", "--whole-graph", "--variant", "dqn"])
    with pytest.raises(SystemExit):
        dqn_cartpole.main()
    assert "--whole-graph runs alone" in capsys.readouterr().err


def colab_fallback(notebook, names):
    """The values a notebook's cell uses when the stored results are not next to it (as in
    Colab): the first assignment to each of `names`, evaluated with only list and range."""
    found = {}
    for cell in load_notebook(ROOT / "book" / notebook)["cells"]:
        if cell["cell_type"] != "code" or "the values they held" not in notebooks.source(cell):
            continue
        for node in ast.parse(notebooks.source(cell)).body:
            if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in names and node.targets[0].id not in found):
                found[node.targets[0].id] = eval(  # a literal table, or list(range(20))
                    ast.unparse(node.value), {"__builtins__": {}, "list": list, "range": range})
    assert set(found) == set(names), f"{notebook}: no fallback for {set(names) - set(found)}"
    return found


def close(fallback, stored):
    return math.isclose(fallback, stored, rel_tol=0.01, abs_tol=0.01)


def test_colab_fallbacks_equal_the_stored_results():
    """Chapter 6 and Appendix A state the benchmark's numbers in Colab too, from copies in
    their cells: the copies must be the stored results (within 1%)."""
    ch6 = colab_fallback("06_dqn_tf_agents.ipynb", {"benchmark"})["benchmark"]
    assert ch6["seeds"] == STORED["seeds"]
    assert close(ch6["summaries"]["6"]["kept_min"], STORED["summaries"]["6"]["kept_min"])
    whole_graph = json.loads(dqn_cartpole.RESULTS.with_name(
        "dqn_cartpole_whole_graph.json").read_text())
    app = colab_fallback("appendix_speed.ipynb", {"whole_graph_bench", "ch6_rows"})
    fallback = app["whole_graph_bench"]
    assert fallback["seeds"] == whole_graph["seeds"]
    assert fallback["cores"] == whole_graph["cores"]
    assert close(fallback["article_iterations_per_second"],
                 whole_graph["article_iterations_per_second"])
    assert close(fallback["line"]["agents_median_s"], whole_graph["line"]["agents_median_s"])
    for loop, row in fallback["line"]["figures"].items():
        for name, value in row.items():
            assert close(value, whole_graph["line"]["figures"][loop][name]), (loop, name)
    with open(dqn_cartpole.RESULTS.with_name("dqn_cartpole_whole_graph.csv"),
              newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["loop"] == "ch6"]
    stored_ch6 = {"solved": sum(r["solved"] == "True" for r in rows), "n": len(rows),
                  "median_steps": statistics.median(
                      float(r["env_steps_to_475"]) for r in rows if r["env_steps_to_475"]),
                  "rate": statistics.median(float(r["iterations_per_second"]) for r in rows)}
    for name, value in app["ch6_rows"].items():
        assert close(value, stored_ch6[name]), name
