"""The hyper-parameter study's stored results come from the code that the book shows.

sweeps/dqn_sweep.py runs chapter 7's `measure_run` (`dqnbook.ch07_measuring_agents`, which trains
chapter 6's agent with chapter 6's code) and stores tidy results in sweeps/results/ with a digest of
that code. These tests check that the tables are complete and tidy, that the study is of chapter 6's
configuration, and that the code has not changed since (then re-run the sweep). Chapter 7 itself
re-trains one stored run under nbval and compares it with the data. The last test kills a tiny
sweep after its first run and resumes it (tests/test_study.py tests the same in detail).
"""
import csv
import dataclasses
import json
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

import dqn_sweep
import dqnbook
import study

RUNS = dqn_sweep.RESULTS
METADATA = json.loads(RUNS.with_suffix(".json").read_text())


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def setting(row):
    return tuple(row[k] for k in dqn_sweep.SETTING_COLUMNS)


def test_results_are_tidy_and_complete():
    runs, curves = rows(RUNS), rows(dqn_sweep.curves_path(RUNS))
    assert list(runs[0]) == dqn_sweep.RUN_COLUMNS
    assert list(curves[0]) == dqn_sweep.CURVE_COLUMNS
    assert len(runs) == METADATA["runs"] and len(curves) == METADATA["curve_rows"]
    assert len({setting(r) for r in runs}) == len(runs), "one row per run"
    assert METADATA["seeds"] == dqn_sweep.SEEDS and len(dqn_sweep.SEEDS) >= 5
    per_run = METADATA["budget"]["num_iterations"] // METADATA["config"]["eval_interval"]
    by_run = {}
    for r in curves:
        by_run.setdefault(setting(r), []).append(r)
    assert set(by_run) == {setting(r) for r in runs}
    assert all(len(evaluations) == per_run for evaluations in by_run.values())
    assert all(0 <= float(r["eval_return"]) <= 500 for r in curves)


def test_the_study_is_one_knob_at_a_time_around_chapter_6s_defaults():
    from dqnbook.ch06_dqn_tf_agents import DQNConfig

    config = dataclasses.asdict(DQNConfig(**METADATA["budget"]))
    stored = {k: tuple(v) if isinstance(v, list) else v for k, v in METADATA["config"].items()}
    assert stored == config, "the study ran another configuration than chapter 6's defaults"
    default = dqn_sweep.default_setting(DQNConfig())
    expected = dqn_sweep.one_knob_at_a_time(METADATA["values"], METADATA["seeds"], default)
    assert [setting({k: str(v) for k, v in s.items()}) for s in expected] == [
        setting(r) for r in rows(RUNS)]
    assert METADATA["values"] == dqn_sweep.VALUES  # the book's study, not a small one


def test_stored_results_come_from_the_chapters_current_code():
    current = dqnbook.code_digest(dqn_sweep.CHAPTER, dqn_sweep.USES)
    assert METADATA["code_digest"] == current, (
        "the code the study ran has changed: run `python sweeps/dqn_sweep.py` and commit "
        "sweeps/results/")


def test_bad_arguments_are_refused(capsys):
    for argv in (["--layers", "64-x"], ["--workers", "0"], ["--num-iterations", "0"],
                 ["--taus", "0"], ["--taus", "1.5"]):
        with pytest.raises(SystemExit):
            dqn_sweep.parse(argv)
        assert "error:" in capsys.readouterr().err


@pytest.mark.slow
def test_a_killed_sweep_resumes_without_running_its_stored_runs_again(tmp_path):
    """sweeps/dqn_sweep.py itself (chapter 6's default and γ = 0.9, seed 0, 20 iterations),
    killed with SIGKILL as soon as its first run is stored, then started again."""
    out = tmp_path / "sweep.csv"
    sweep = [sys.executable, str(ROOT / "sweeps" / "dqn_sweep.py"), "--epsilons", "--gammas",
             "0.9", "--layers", "--n-steps", "--taus", "--seeds", "0", "--num-iterations", "20",
             "--eval-interval", "10", "--workers", "1", "--out", str(out)]
    process = subprocess.Popen(sweep, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while not (out.exists() and study.read_rows(out)):
        assert process.poll() is None, "the sweep ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    [first] = study.read_rows(out)
    assert json.loads(out.with_suffix(".json").read_text())["complete"] is False

    done = subprocess.run(sweep, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 runs (1 stored, 1 to go)" in done.stdout
    runs, curves = study.read_rows(out), study.read_rows(dqn_sweep.curves_path(out))
    assert [r["knob"] for r in runs] == ["default", "gamma"], "each run once"
    assert runs[0] == first, "the stored run was run again"
    assert [(r["knob"], r["iteration"]) for r in curves] == [
        (knob, i) for knob in ("default", "gamma") for i in ("10", "20")]
    metadata = json.loads(out.with_suffix(".json").read_text())
    assert metadata["complete"] is True and metadata["runs"] == 2
    assert metadata["code_digest"] == dqnbook.code_digest(dqn_sweep.CHAPTER, dqn_sweep.USES)
