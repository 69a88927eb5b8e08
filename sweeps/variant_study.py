"""Chapter 8's comparison: chapter 6's DQN and its variants on CartPole-v1, several seeds each.

Each run calls chapter 8's `measure_variant(config, seed, build)` (book/08_rainbow.ipynb,
imported from the book's package: `dqnbook.ch08_rainbow`) for one entry of the chapter's
`VARIANTS`: a build function (chapter 6's `build_dqn`, `build_dueling`, `build_per`,
`build_c51`, `build_rainbow`) and the changes it makes to chapter 6's `DQNConfig()` (only the agent without
Double DQN has one: `double_dqn=False`). Every run
gets the same budget and trains all of it (`stop_at_target=False`), like chapter 7's study.

    python sweeps/variant_study.py                          # every variant, seeds 0-4
    python sweeps/variant_study.py --variants per c51       # only these; the others' rows stay
    python sweeps/variant_study.py --ray-address auto       # as Ray tasks on a cluster
    python sweeps/variant_study.py --fresh                  # drop an unfinished study's rows

Output, tidy (in sweeps/results/), one file set for all variants; re-running some variants
replaces their rows and keeps the others'. Each run's rows are appended as it finishes
(sweeps/study.py); a study that was killed, started again with the same arguments, resumes
without running its stored runs again, and one of other code or other arguments is not mixed
with it (--fresh drops its rows). The variants' budgets must agree: with another budget, run
every variant.
  variant_study_curves.csv  one row per run and periodic evaluation: variant, seed, iteration,
      env_steps, train_seconds, eval_return, confirm_return, start_value (the network's mean
      max_a Q(s0, a) over the evaluation start states), discounted_return (what the greedy
      policy got from those states, discounted with the agent's γ), epsilon
  variant_study.csv  one row per run: variant, seed and chapter 7's run measurements (solved,
      kept_mean, env_steps_to_475, after_475_fraction, train_seconds, ...)
  variant_study.json  the budget, the config, each variant's build function, config changes,
      code digest (of DQNConfig, measure_variant and its build function, transitively), seeds,
      runs, wall time and whether its runs are complete, and package versions.
"""
import argparse
import dataclasses
import os
from pathlib import Path

import dqnbook
import study
from dqn_sweep import RUN_COLUMNS as SWEEP_RUN_COLUMNS, SETTING_COLUMNS
from study import rounded

CHAPTER = "ch08_rainbow"  # the dqnbook module whose VARIANTS and measure_variant run
NOTEBOOK = "book/08_rainbow.ipynb"  # its notebook
RESULTS = study.ROOT / "sweeps" / "results" / "variant_study.csv"
SEEDS = [0, 1, 2, 3, 4]
BUDGET = {"num_iterations": 7_000}  # chapter 7's study: its default setting solves on every seed
KEY = ["variant", "seed"]
CURVE_COLUMNS = ["variant", "seed", "iteration", "env_steps", "train_seconds", "eval_return",
                 "confirm_return", "start_value", "discounted_return", "epsilon"]
RUN_COLUMNS = KEY + SWEEP_RUN_COLUMNS[len(SETTING_COLUMNS):]


def uses(variants, variant):
    """The chapter's names a variant's runs use (their code digest covers these), given
    chapter 8's `VARIANTS`."""
    build, _ = variants[variant]
    return ["DQNConfig", "measure_variant", build.__name__]


def run_variant(setting, budget):
    """One run of `setting` (variant, seed): (its run row, its curve rows)."""
    study.prepare_process()  # before TensorFlow is imported: one thread
    from dqnbook.ch08_rainbow import VARIANTS, DQNConfig, measure_variant  # TensorFlow

    build, changes = VARIANTS[setting["variant"]]
    config = DQNConfig(**changes, **budget)
    run, curve = measure_variant(config, setting["seed"], build=build)
    run = {**setting, **{k: rounded(v) for k, v in run.items()}}
    curve = [{**setting, **{k: rounded(r[k]) for k in CURVE_COLUMNS if k in r}}
             for r in curve]
    return run, curve


def parse(argv, names):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", nargs="+", default=names, choices=names)
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--num-iterations", type=int, default=BUDGET["num_iterations"])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--ray-address", help="run as Ray tasks on this cluster")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--fresh", action="store_true",
                        help="drop the rows of an unfinished study stored at --out instead "
                             "of resuming it")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.num_iterations < 1 or min(args.seeds) < 0:
        parser.error("--workers and --num-iterations must be >= 1, seeds >= 0")
    return args


def unfinished_differences(stored, budget, variants, seeds, digests):
    """What differs between the unfinished study `stored` and these runs ("" if nothing)."""
    unfinished = {v: block for v, block in stored.get("variants", {}).items()
                  if block.get("complete") is False}
    found = []
    if stored.get("budget") != budget:
        found.append(f"another budget ({stored.get('budget')})")
    if list(unfinished) != list(variants):
        found.append(f"other variants ({', '.join(unfinished)})")
    if any(block.get("seeds") != seeds for block in unfinished.values()):
        found.append("other seeds")
    stale = [v for v in variants if v in unfinished
             and unfinished[v].get("code_digest") != digests[v]]
    if stale:
        found.append(f"other code (variants {', '.join(stale)})")
    return ", ".join(found)


STUDY = study.Study(RESULTS, KEY, RUN_COLUMNS, CURVE_COLUMNS)


def main(argv=None):
    study.one_thread()  # before TensorFlow is imported
    from dqnbook.ch07_measuring_agents import FRESH_EPISODES
    from dqnbook.ch08_rainbow import VARIANTS, DQNConfig

    names = list(VARIANTS)
    args = parse(argv, names)
    args.variants = [v for v in names if v in args.variants]  # in the chapter's order
    budget = {"num_iterations": args.num_iterations}
    todo = [{"variant": v, "seed": s} for v in args.variants for s in args.seeds]
    digests = {v: dqnbook.code_digest(CHAPTER, uses(VARIANTS, v)) for v in args.variants}
    backend = f"ray ({args.ray_address})" if args.ray_address else f"{args.workers} processes"
    results = dataclasses.replace(STUDY, out=args.out)
    stored = results.stored_metadata() or {}
    others = [v for v in stored.get("variants", {}) if v not in args.variants]
    if others and stored.get("budget", budget) != budget:
        raise SystemExit(
            f"{results.metadata_path}: the variants {', '.join(others)} ran another budget "
            f"({stored['budget']}): run every variant with this one (leave out --variants), "
            "or use another --out")

    def metadata(progress):
        before = progress.stored or {}
        kept = {v: block for v, block in before.get("variants", {}).items()
                if v not in args.variants}
        seeds = sorted(set(args.seeds).union(*(block.get("seeds", before.get("seeds", []))
                                               for block in kept.values())))
        mine = {v: study.metadata_block(
            "sweeps/variant_study.py", argv, build=VARIANTS[v][0].__name__,
            config_changes=VARIANTS[v][1], code_digest=digests[v],  # of the code the runs got
            seeds=args.seeds, runs=sum(r["variant"] == v for r in progress.run_rows),
            complete=progress.complete, backend=backend, wall_seconds=progress.wall_seconds,
            sum_of_run_seconds=progress.total("run_seconds", [
                r for r in progress.run_rows if r["variant"] == v]))
            for v in args.variants}
        variants = {**kept, **mine}
        return study.metadata_block(
            packages=("tensorflow", "tf-agents", "gymnasium"), notebook=NOTEBOOK,
            budget=budget, seeds=seeds, config=DQNConfig(**budget),
            fresh_episodes=FRESH_EPISODES, complete=progress.complete,
            wall_seconds=progress.wall_seconds,
            variants={v: variants[v] for v in names if v in variants})

    args.out.parent.mkdir(parents=True, exist_ok=True)
    return results.run(
        run_variant, todo, budget, metadata, fresh=args.fresh, workers=args.workers,
        ray_address=args.ray_address,
        same_study=lambda stored: unfinished_differences(
            stored, budget, args.variants, args.seeds, digests),
        keep=lambda row: row["variant"] not in args.variants,
        order=lambda key: (names.index(key[0]), int(key[1])),
        describe=lambda setting, run: (
            f"{setting}  solved {run['solved']}, kept mean {run['kept_mean']:.1f} "
            f"({run['run_seconds']:.0f} s)"))


if __name__ == "__main__":
    main()
