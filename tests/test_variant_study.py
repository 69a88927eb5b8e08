"""Chapter 8's stored comparison of variants comes from the code that the chapter shows.

sweeps/variant_study.py runs chapter 8's `measure_variant` (`dqnbook.ch08_rainbow`) for every
entry of its `VARIANTS` and stores tidy results in sweeps/results/ with, for each variant, a
digest of the code that variant ran (DQNConfig, measure_variant and its build function, with
everything they use). These tests
check that the tables are complete and tidy, that every variant ran chapter 6's configuration
with the changes `VARIANTS` gives it, and that no variant's code has changed since (then re-run
`python sweeps/variant_study.py --variants NAME`). Chapter 8 itself re-trains the start of every
variant under nbval and compares it with the data.
"""
import dataclasses
import importlib
import json

import pandas as pd
import pytest

import dqnbook
import minatar_study
import study
import variant_study

METADATA = json.loads(variant_study.RESULTS.with_suffix(".json").read_text())
RUNS = pd.read_csv(variant_study.RESULTS)
CURVES = pd.read_csv(study.curves_path(variant_study.RESULTS))


@pytest.fixture(scope="module")
def chapter8():
    return importlib.import_module(f"dqnbook.{variant_study.CHAPTER}")


def test_results_are_tidy_and_complete(chapter8):
    assert list(RUNS.columns) == variant_study.RUN_COLUMNS
    assert list(CURVES.columns) == variant_study.CURVE_COLUMNS
    assert list(METADATA["variants"]) == list(chapter8.VARIANTS)
    assert sorted(METADATA["seeds"]) == variant_study.SEEDS and len(variant_study.SEEDS) >= 5
    expected = {(v, s) for v in chapter8.VARIANTS for s in variant_study.SEEDS}
    assert set(zip(RUNS.variant, RUNS.seed)) == expected and len(RUNS) == len(expected)
    per_run = CURVES.groupby(["variant", "seed"]).size()
    assert set(per_run.index) == expected
    assert (per_run == METADATA["budget"]["num_iterations"]
            // METADATA["config"]["eval_interval"]).all()
    assert CURVES.eval_return.between(0, 500).all()
    assert CURVES[["start_value", "discounted_return"]].notna().all().all()
    assert CURVES.discounted_return.between(0, 100).all()


def test_every_variant_ran_chapter_6s_configuration_with_its_changes(chapter8):
    from dqnbook.ch06_dqn_tf_agents import DQNConfig

    config = dataclasses.asdict(DQNConfig(**METADATA["budget"]))
    stored = {k: tuple(v) if isinstance(v, list) else v for k, v in METADATA["config"].items()}
    assert stored == config, "the comparison ran another configuration than chapter 6's"
    assert METADATA["budget"] == variant_study.BUDGET
    for name, (build, changes) in chapter8.VARIANTS.items():
        assert METADATA["variants"][name]["build"] == build.__name__
        assert METADATA["variants"][name]["config_changes"] == changes


@pytest.mark.parametrize("name", list(json.loads(
    variant_study.RESULTS.with_suffix(".json").read_text())["variants"]))
def test_stored_results_come_from_the_chapters_current_code(chapter8, name):
    current = dqnbook.code_digest(chapter8, variant_study.uses(chapter8.VARIANTS, name))
    assert METADATA["variants"][name]["code_digest"] == current, (
        f"the code that variant {name} ran has changed: run "
        f"`python sweeps/variant_study.py --variants {name}` and commit sweeps/results/")


def test_bad_arguments_are_refused(capsys):
    names = ["double_dqn", "dqn"]
    for argv in (["--variants", "noisy_nets"], ["--workers", "0"], ["--num-iterations", "0"]):
        with pytest.raises(SystemExit):
            variant_study.parse(argv, names)
        assert "error:" in capsys.readouterr().err


# Chapter 9's MinAtar Breakout runs (sweeps/minatar_study.py): the same three checks.
BREAKOUT = json.loads(minatar_study.RESULTS.with_suffix(".json").read_text())


def test_breakout_results_are_tidy_complete_and_of_the_chapters_budget():
    chapter9 = importlib.import_module(f"dqnbook.{minatar_study.CHAPTER}")
    runs = pd.read_csv(minatar_study.RESULTS)
    curves = pd.read_csv(study.curves_path(minatar_study.RESULTS))
    assert list(runs.columns) == minatar_study.RUN_COLUMNS
    assert list(curves.columns) == minatar_study.CURVE_COLUMNS
    assert sorted(runs.seed) == sorted(BREAKOUT["seeds"]) and len(runs) >= 3
    config = chapter9.breakout_config()
    assert BREAKOUT["budget"]["num_iterations"] == config.num_iterations
    stored = {k: tuple(v) if isinstance(v, list) else v for k, v in BREAKOUT["config"].items()}
    assert stored == dataclasses.asdict(config)
    per_run = curves.groupby("seed").size()
    assert (per_run == config.num_iterations // config.eval_interval).all(), per_run


def test_breakout_results_come_from_the_chapters_current_code():
    current = dqnbook.code_digest(minatar_study.CHAPTER, minatar_study.USES)
    assert BREAKOUT["code_digest"] == current, (
        "the code the Breakout runs used has changed: run "
        "`python sweeps/minatar_study.py` and commit sweeps/results/")
