"""Chapter 5's stored explorer grid comes from the code the chapter shows.

sweeps/explorer_grid.py runs chapter 5's `explorer_run` (the function its Explore section's Train
button calls) on every combination of a few settings and stores tidy results in sweeps/results/
with a digest of that code; the published page's explorer (run_grid.js) draws them. These tests
check that the grid is complete and tidy, that it is of the chapter's current code (else re-run
the script), and that the script runs and stores a small grid.
"""
import csv
import itertools
import json
import subprocess
import sys

import pytest

import dqnbook
import explorer_grid as grid
from conftest import ROOT

METADATA = json.loads(grid.RESULTS.with_suffix(".json").read_text())


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def key(row):
    return tuple(row[k] for k in grid.KEY)


def test_grid_is_complete_and_tidy():
    runs, curves = rows(grid.RESULTS), rows(grid.STUDY.curves)
    assert list(runs[0]) == grid.RUN_COLUMNS and list(curves[0]) == grid.CURVE_COLUMNS
    assert METADATA["complete"] is True and METADATA["values"] == grid.VALUES
    combinations = list(itertools.product(*grid.VALUES.values(), grid.SEEDS))
    assert len(runs) == METADATA["runs"] == len(combinations) == len({key(r) for r in runs})
    by_run = {}
    for row in curves:
        by_run.setdefault(key(row), []).append(row)
    assert set(by_run) == {key(r) for r in runs}
    for run in runs:  # an evaluation every 20th of the budget, up to where the run stopped
        iterations = [int(r["iteration"]) for r in by_run[key(run)]]
        interval = max(500, METADATA["budget"]["num_iterations"] // 20)
        assert iterations == list(range(interval, int(run["last_iteration"]) + 1, interval))
    assert all(0 <= float(r["eval_return"]) <= 500 for r in curves)


def test_grid_is_of_chapter_5s_current_code():
    from dqnbook.ch05_dqn_by_hand import EXPLORER_ITERATIONS

    assert METADATA["budget"] == {"num_iterations": EXPLORER_ITERATIONS}
    current = dqnbook.code_digest(grid.CHAPTER, grid.USES)
    assert METADATA["code_digest"] == current, (
        "chapter 5's explorer_run (or code it uses) changed since the grid was stored: "
        "re-run `python sweeps/explorer_grid.py`")


@pytest.mark.slow
def test_script_stores_a_small_grid(tmp_path):
    out = tmp_path / "grid.csv"
    command = [sys.executable, str(ROOT / "sweeps" / "explorer_grid.py"), "--epsilons", "0.1",
               "--gammas", "0.9", "0.99", "--layers", "16", "--seeds", "3",
               "--num-iterations", "600", "--workers", "1", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    runs, curves = rows(out), rows(grid.curves_path(out))
    assert [(r["gamma"], r["seed"]) for r in runs] == [("0.9", "3"), ("0.99", "3")]
    assert len(curves) == 2 * 1  # one evaluation each, at iteration 500 of 600
    assert json.loads(out.with_suffix(".json").read_text())["complete"] is True
    bad = subprocess.run(command[:2] + ["--layers", "16-x"], capture_output=True, text=True)
    assert bad.returncode == 2 and "layer sizes look like 64-64" in bad.stderr
