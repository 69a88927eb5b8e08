"""The benchmark's stored results back what the chapters say about seeds 0-19.

Chapters 5 and 6 state ranges over seeds that no single page can measure: every seed of 0-19
solves CartPole, and the policy each run keeps scores a mean of at least 475 (chapter 5) or 495
(chapter 6) over 100 fresh episodes. benchmarks/dqn_cartpole.py --save measured them and stored
its results with a digest of the code it ran. These tests fail when the stored results no longer
back those claims, or when a chapter's code has changed since (re-run the benchmark with --save).
"""
import csv
import json
import sys

import pytest


import dqn_cartpole
import dqnbook

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
    monkeypatch.setattr(sys, "argv", ["dqn_cartpole.py", "--variant", "rainbow"])
    with pytest.raises(SystemExit):
        dqn_cartpole.main()
    assert "unknown ['rainbow']" in capsys.readouterr().err
