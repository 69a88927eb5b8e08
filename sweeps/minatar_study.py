"""Chapter 9's DQN with a convolutional Q-network on MinAtar Breakout, trained with several seeds.

Each run calls `measure_breakout(seed)` of chapter 9 (book/09_pixels.ipynb), loaded by name
with tools/chapter_code.py: it trains chapter 6's agent (`make_agent`, `make_train_iteration`)
with the section's convolutional network and configuration (`breakout_config()`: its budget and
its evaluations), then measures the final network on 100 fresh games and the random policy's
baseline. The helpers (loading the chapter once per process, running runs serially or in
processes, writing tidy CSV files) are those of sweeps/dqn_sweep.py.

    python sweeps/minatar_study.py                       # the book's runs: seeds 0, 1, 2
    python sweeps/minatar_study.py --workers 2           # two processes at once
    python sweeps/minatar_study.py --seeds 5 --num-iterations 2000 --out /tmp/one.csv

Output, tidy (by default in sweeps/results/):
  minatar_breakout.csv  one row per run: seed, final_mean (mean of the last evaluations),
      held_out_mean (the final network's mean over 100 games from HELD_OUT_SEED), random_mean
      and random_high (the random policy's mean over 100 games and the upper end of its 95%
      t-interval), best_return, iterations, env_steps, train_seconds, run_seconds
  minatar_breakout_curves.csv  one row per run and periodic evaluation: seed, iteration,
      env_steps, eval_return (mean over 20 greedy games), train_seconds, epsilon
  minatar_breakout.json  the command, the budget, the configuration, CODE_DIGEST (of
      measure_breakout and everything it uses), package versions, workers and wall time.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dqn_sweep  # noqa: E402  (puts tools/ on the path too)
from dqn_sweep import ROOT, chapter, chapter_code, rounded, write_csv  # noqa: E402

NOTEBOOK = ROOT / "book" / "09_pixels.ipynb"
RESULTS = ROOT / "sweeps" / "results" / "minatar_breakout.csv"
SEEDS = [0, 1, 2]
USES = ["measure_breakout"]  # CODE_DIGEST covers it and every chapter name it uses
RUN_COLUMNS = ["seed", "final_mean", "held_out_mean", "random_mean", "random_high",
               "best_return", "iterations", "env_steps", "train_seconds", "run_seconds"]
CURVE_COLUMNS = ["seed", "iteration", "env_steps", "eval_return", "train_seconds",
                 "epsilon"]


def run_one(code, setting, budget):
    """One run of chapter 9's `measure_breakout` with setting["seed"] and `budget`
    (changes to the chapter's configuration; empty: the chapter's own budget)."""
    ch = chapter(code)
    run, curve = ch.measure_breakout(setting["seed"], **budget)
    return ({k: rounded(v) for k, v in run.items()},
            [{k: rounded(record[k]) for k in CURVE_COLUMNS} for record in curve])


def portable(path):
    """`path` relative to the repository if it is inside it, else its file name: the
    stored metadata names no folder of the machine that made it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--num-iterations", type=int,
                        help="iterations per run (default: the chapter's budget)")
    parser.add_argument("--workers", type=int, default=1,
                        help="local processes (default 1: the runs' timings are "
                             "one core's)")
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK,
                        help="the chapter whose measure_breakout runs (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="the runs' table; the curves go next to it (*_curves.csv)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.num_iterations is not None and args.num_iterations < 1:
        parser.error("--num-iterations must be at least 1")
    if any(seed < 0 for seed in args.seeds):
        parser.error("--seeds must be integers >= 0")
    if not args.notebook.exists():
        parser.error(f"--notebook: no such file {args.notebook}")
    return args


def main(argv=None):
    args = parse(argv)
    budget = {} if args.num_iterations is None else {"num_iterations": args.num_iterations}
    try:  # the digest of the code that runs; fails early if the chapter lacks it
        digest = chapter_code.code_digest(args.notebook, USES)
    except ValueError as error:
        raise SystemExit(f"{error}: pass --notebook with chapter 9's section on MinAtar")
    code = chapter_code.program(args.notebook)
    ch = chapter(code)
    config = ch.breakout_config(**budget)
    todo = [{"seed": seed} for seed in args.seeds]
    print(f"{len(todo)} runs of {config.num_iterations:,} iterations on {args.workers} "
          "process(es)", flush=True)
    runs = dqn_sweep.run_local(code, todo, budget, args.workers, task=run_one)
    run_rows, curve_rows, wall = dqn_sweep.collect(runs, len(todo), lambda setting, run: (
        f"seed {setting['seed']}: final mean {run['final_mean']:.2f}, held-out mean "
        f"{run['held_out_mean']:.2f}, random {run['random_mean']:.2f}  "
        f"({run['train_seconds']:.0f} s of training)"))

    run_rows.sort(key=lambda r: r["seed"])
    curve_rows.sort(key=lambda r: (r["seed"], r["iteration"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(args.out, RUN_COLUMNS, run_rows)
    write_csv(dqn_sweep.curves_path(args.out), CURVE_COLUMNS, curve_rows)
    notebook = portable(args.notebook)
    arguments = [portable(a) if a == str(args.notebook) else a
                 for a in (sys.argv[1:] if argv is None else argv)]
    metadata = {
        "command": " ".join(["python sweeps/minatar_study.py"] + arguments),
        "notebook": notebook,
        "code_digest": digest,
        "seeds": args.seeds, "budget": {"num_iterations": config.num_iterations},
        "config": {k: list(v) if isinstance(v, tuple) else v
                   for k, v in dataclasses.asdict(config).items()},
        "runs": len(run_rows), "curve_rows": len(curve_rows), "workers": args.workers,
        "cpu_count": os.cpu_count(), "wall_seconds": round(wall, 1),
        "sum_of_run_seconds": round(sum(r["run_seconds"] for r in run_rows), 1),
        "versions": {"python": platform.python_version(),
                     **{p: version(p) for p in ("tensorflow", "tf-agents", "gymnasium",
                                                "numpy", "minatar")}},
        "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    args.out.with_suffix(".json").write_text(json.dumps(metadata, indent=1) + "\n")
    print(f"wrote {len(run_rows)} runs and {len(curve_rows)} evaluations next to {args.out} "
          f"in {wall:.0f} s", flush=True)
    return metadata


if __name__ == "__main__":
    main()
