"""Every chapter's claims hold for seeds other than its default.

A fixed seed pins one training run on one machine only: another CPU takes another trajectory.
A different seed is the best stand-in for a different machine, so every notebook with a cell
tagged `parameters` is executed again, top to bottom, with a seed other than its default (101;
injected after that cell, papermill's way; see tools/run_with_seed.py). Every assertion in it
must hold. DQN_BOOK_SEEDS="2026 3 4" checks more or other seeds (do, before changing a chapter:
the chapters were last checked with 101 and 2026).
"""
import os

import nbclient
import pytest

import notebooks
import run_with_seed

CANDIDATE_SEEDS = (101, 2026)  # the first that differs from a chapter's default


def extra_seeds(default):
    chosen = os.environ.get("DQN_BOOK_SEEDS")
    if chosen:
        return [int(seed) for seed in chosen.split()]
    return [seed for seed in CANDIDATE_SEEDS if seed != default][:1]


def cases():
    for path in notebooks.notebooks():
        defaults = run_with_seed.default_parameters(path)
        if "SEED" not in defaults:
            continue
        for seed in extra_seeds(defaults["SEED"]):
            # Each run is a unit of its own for pytest-xdist (`--dist loadgroup`).
            yield pytest.param(path, seed, id=f"{path.stem}-seed{seed}",
                               marks=pytest.mark.xdist_group(f"{path.stem}-seed{seed}"))


def test_training_chapters_take_their_seed_as_a_parameter():
    with_seed = {p.stem[:2] for p in notebooks.notebooks()
                 if "SEED" in run_with_seed.default_parameters(p)}
    assert {"04", "05", "06"} <= with_seed, with_seed


@pytest.mark.parametrize("path, seed", list(cases()))
def test_chapter_holds_with_another_seed(path, seed, tmp_path):
    try:
        run_with_seed.run_notebook(path, {"SEED": seed}, out=tmp_path / path.name)
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name} with SEED = {seed}:\n{error}", pytrace=False)
