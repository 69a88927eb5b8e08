"""Chapter 8's comparison: chapter 6's DQN and its variants on CartPole-v1, several seeds each.

Each run calls chapter 8's `measure_variant(config, seed, build)` (book/08_rainbow.ipynb,
loaded by name with tools/chapter_code.py) for one entry of the chapter's `VARIANTS`: a build
function (chapter 6's `build_dqn`, `build_dueling`, `build_per`, `build_c51`) and the changes
it makes to chapter 6's `DQNConfig()` (only the agent without Double DQN has one: `double_dqn=False`). Every run
gets the same budget and trains all of it (`stop_at_target=False`), like chapter 7's study.

    python sweeps/variant_study.py                          # every variant, seeds 0-4
    python sweeps/variant_study.py --variants per c51       # only these; the others' rows stay
    python sweeps/variant_study.py --ray-address auto       # as Ray tasks on a cluster

Output, tidy (in sweeps/results/), one file set for all variants; re-running some variants
replaces their rows and keeps the others':
  variant_study_curves.csv  one row per run and periodic evaluation: variant, seed, iteration,
      env_steps, train_seconds, eval_return, confirm_return, start_value (the network's mean
      max_a Q(s0, a) over the evaluation start states), discounted_return (what the greedy
      policy got from those states, discounted with the agent's γ), epsilon
  variant_study.csv  one row per run: variant, seed and chapter 7's run measurements (solved,
      kept_mean, env_steps_to_475, after_475_fraction, train_seconds, ...)
  variant_study.json  the budget, the config, each variant's build function, config changes,
      code digest (of DQNConfig, measure_variant and its build function, transitively), runs
      and wall time, and package versions.
"""
import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dqn_sweep  # noqa: E402  (its process pool, Ray runner and chapter loader)
from dqn_sweep import ROOT, chapter, chapter_code, rounded  # noqa: E402

NOTEBOOK = ROOT / "book" / "08_rainbow.ipynb"
RESULTS = ROOT / "sweeps" / "results" / "variant_study.csv"
SEEDS = [0, 1, 2, 3, 4]
BUDGET = {"num_iterations": 5_000}
CURVE_COLUMNS = ["variant", "seed", "iteration", "env_steps", "train_seconds", "eval_return",
                 "confirm_return", "start_value", "discounted_return", "epsilon"]
RUN_COLUMNS = ["variant", "seed"] + dqn_sweep.RUN_COLUMNS[len(dqn_sweep.SETTING_COLUMNS):]
TIMING_COLUMNS = dqn_sweep.TIMING_COLUMNS


def uses(ch, variant):
    """The chapter's names a variant's runs use (their code digest covers these)."""
    build, _ = ch.VARIANTS[variant]
    return ["DQNConfig", "measure_variant", build.__name__]


def run_variant(code, setting, budget):
    """One run of `setting` (variant, seed): (its run row, its curve rows)."""
    ch = chapter(code)
    build, changes = ch.VARIANTS[setting["variant"]]
    config = ch.DQNConfig(**changes, **budget)
    run, curve = ch.measure_variant(config, setting["seed"], build=build)
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
    args = parser.parse_args(argv)
    if args.workers < 1 or args.num_iterations < 1 or min(args.seeds) < 0:
        parser.error("--workers and --num-iterations must be >= 1, seeds >= 0")
    return args


def merged(path, columns, rows, variants, names):
    """The rows of `path` for other variants and `rows`, in the order of `names`."""
    new = pd.DataFrame(rows, columns=columns)
    if path.exists():
        old = pd.read_csv(path)
        new = pd.concat([old[~old["variant"].isin(variants)], new], ignore_index=True)
    order = new["variant"].map({name: i for i, name in enumerate(names)})
    sort = ["seed"] + (["iteration"] if "iteration" in columns else [])
    return new.assign(_order=order).sort_values(["_order"] + sort, kind="stable").drop(
        columns="_order").reset_index(drop=True)


def main(argv=None):
    code = chapter_code.program(NOTEBOOK)
    ch = chapter(code)
    names = list(ch.VARIANTS)
    args = parse(argv, names)
    budget = {"num_iterations": args.num_iterations}
    config = dataclasses.asdict(ch.DQNConfig(**budget))
    changes = {v: ch.VARIANTS[v][1] for v in names}
    builds = {v: ch.VARIANTS[v][0].__name__ for v in names}
    todo = [{"variant": v, "seed": s} for v in args.variants for s in args.seeds]
    digests = {v: chapter_code.code_digest(NOTEBOOK, uses(ch, v)) for v in args.variants}
    dqn_sweep._LOADED.clear()  # run_variant travels to Ray workers without TensorFlow
    backend = f"ray ({args.ray_address})" if args.ray_address else f"{args.workers} processes"
    print(f"{len(todo)} runs of {args.num_iterations:,} iterations on {backend}", flush=True)

    runs = (dqn_sweep.run_ray(code, todo, budget, args.ray_address, task=run_variant)
            if args.ray_address else
            dqn_sweep.run_local(code, todo, budget, args.workers, task=run_variant))
    run_rows, curve_rows, wall = dqn_sweep.collect(runs, len(todo), lambda setting, run: (
        f"{setting}  solved {run['solved']}, kept mean {run['kept_mean']:.1f} "
        f"({run['run_seconds']:.0f} s)"))

    order = {(v, s): i for i, (v, s) in enumerate((v, s) for v in names for s in args.seeds)}
    run_rows.sort(key=lambda r: order[(r["variant"], r["seed"])])
    curve_rows.sort(key=lambda r: (order[(r["variant"], r["seed"])], r["iteration"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    curves_out = dqn_sweep.curves_path(args.out)
    all_runs = merged(args.out, RUN_COLUMNS, run_rows, args.variants, names)
    all_curves = merged(curves_out, CURVE_COLUMNS, curve_rows, args.variants, names)
    all_runs.to_csv(args.out, index=False, lineterminator="\n")
    all_curves.to_csv(curves_out, index=False, lineterminator="\n")

    meta_path = args.out.with_suffix(".json")
    metadata = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if metadata.get("budget", budget) != budget:
        print("warning: the budget differs from the stored variants'; re-run them all")
    metadata.update({
        "notebook": f"book/{NOTEBOOK.name}", "budget": budget, "seeds": args.seeds,
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in config.items()},
        "fresh_episodes": ch.FRESH_EPISODES, "cpu_count": os.cpu_count(),
        "versions": {"python": platform.python_version(),
                     **{p: version(p) for p in ("tensorflow", "tf-agents", "gymnasium")}}})
    variants = metadata.setdefault("variants", {})
    for v in args.variants:
        variants[v] = {
            "build": builds[v], "config_changes": changes[v],
            "code_digest": digests[v],  # of the code the runs got
            "runs": sum(r["variant"] == v for r in run_rows),
            "command": "python sweeps/variant_study.py " + " ".join(
                sys.argv[1:] if argv is None else argv),
            "backend": backend, "wall_seconds": round(wall, 1),
            "sum_of_run_seconds": round(sum(r["run_seconds"] for r in run_rows
                                            if r["variant"] == v), 1),
            "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    metadata["variants"] = {v: variants[v] for v in names if v in variants}
    meta_path.write_text(json.dumps(metadata, indent=1) + "\n")
    print(f"wrote {len(run_rows)} runs and {len(curve_rows)} evaluations next to {args.out} "
          f"in {wall:.0f} s", flush=True)
    return metadata


if __name__ == "__main__":
    main()
