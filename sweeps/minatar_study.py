"""Chapter 9's DQN with a convolutional Q-network on MinAtar Breakout, trained with several seeds.

Each run calls `measure_breakout(seed)` of chapter 9 (book/09_pixels.ipynb), imported from the
book's package (`dqnbook.ch09_pixels`): it trains chapter 6's agent (`make_agent`,
`make_train_iteration`) with the section's convolutional network and configuration
(`breakout_config()`: its budget and its evaluations), then measures the final network on 100
fresh games and the random policy's baseline. Running the runs (serially or in processes) and
storing them as they finish, resuming a killed study, are sweeps/study.py's, as for
sweeps/dqn_sweep.py (--fresh drops an unfinished study's rows instead of resuming it).

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
  minatar_breakout.json  the command, the budget, the configuration, the code digest (of
      measure_breakout and everything it uses), package versions, workers, wall time, runs
      done and whether the study is complete.
"""
import argparse
import dataclasses
import importlib
import sys
from pathlib import Path

import dqnbook
import study
from study import portable, rounded

NOTEBOOK = study.ROOT / "book" / "09_pixels.ipynb"
RESULTS = study.ROOT / "sweeps" / "results" / "minatar_breakout.csv"
SEEDS = [0, 1, 2]
USES = ["measure_breakout"]  # the code digest covers it and every chapter name it uses
RUN_COLUMNS = ["seed", "final_mean", "held_out_mean", "random_mean", "random_high",
               "best_return", "iterations", "env_steps", "train_seconds", "run_seconds"]
CURVE_COLUMNS = ["seed", "iteration", "env_steps", "eval_return", "train_seconds",
                 "epsilon"]


def chapter_module(notebook):
    """The dqnbook module generated from `notebook` (book/09_pixels.ipynb: "ch09_pixels")."""
    return "ch" + Path(notebook).stem


CHAPTER = chapter_module(NOTEBOOK)


def run_seed(setting, budget):
    """One run of `measure_breakout` of the chapter module setting["chapter"] with
    setting["seed"] and `budget` (changes to the chapter's configuration; empty: the
    chapter's own budget): (its run row, its curve rows)."""
    study.prepare_process()  # before TensorFlow is imported: one thread
    chapter = importlib.import_module(f"dqnbook.{setting['chapter']}")  # TensorFlow
    run, curve = chapter.measure_breakout(setting["seed"], **budget)
    return ({k: rounded(v) for k, v in run.items()},
            [{k: rounded(record[k]) for k in CURVE_COLUMNS} for record in curve])


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--num-iterations", type=int,
                        help="iterations per run (default: the chapter's budget)")
    parser.add_argument("--workers", type=int, default=1,
                        help="local processes (default 1: the runs' timings are "
                             "one core's)")
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK,
                        help="the chapter whose measure_breakout runs, from its dqnbook "
                             "module (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="the runs' table; the curves go next to it (*_curves.csv)")
    parser.add_argument("--fresh", action="store_true",
                        help="drop the rows of an unfinished study stored at --out instead "
                             "of resuming it")
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


STUDY = study.Study(RESULTS, ["seed"], RUN_COLUMNS, CURVE_COLUMNS)


def main(argv=None):
    args = parse(argv)
    budget = {} if args.num_iterations is None else {"num_iterations": args.num_iterations}
    module = chapter_module(args.notebook)
    study.one_thread()  # before TensorFlow is imported
    try:  # the digest of the code that runs; fails early if the chapter lacks it
        digest = dqnbook.code_digest(module, USES)
    except (ImportError, ValueError) as error:
        raise SystemExit(f"{error}: pass --notebook with chapter 9's section on MinAtar")
    config = importlib.import_module(f"dqnbook.{module}").breakout_config(**budget)
    todo = [{"chapter": module, "seed": seed} for seed in args.seeds]
    notebook = portable(args.notebook)
    arguments = [portable(a) if a == str(args.notebook) else a
                 for a in (sys.argv[1:] if argv is None else argv)]
    design = {"notebook": notebook, "code_digest": digest, "seeds": args.seeds,
              "budget": {"num_iterations": config.num_iterations}}

    def metadata(progress):
        return study.metadata_block(
            "sweeps/minatar_study.py", arguments,
            packages=("tensorflow", "tf-agents", "gymnasium", "numpy", "minatar"),
            **design, config=config, runs=len(progress.run_rows),
            curve_rows=progress.curve_rows, runs_planned=progress.planned,
            complete=progress.complete, workers=args.workers,
            wall_seconds=progress.wall_seconds,
            sum_of_run_seconds=progress.total("run_seconds"))

    def differences(stored):
        names = {"code_digest": "other code"}
        return ", ".join(names.get(k, f"other {k}") for k in design
                         if stored.get(k) != design[k])

    args.out.parent.mkdir(parents=True, exist_ok=True)
    return dataclasses.replace(STUDY, out=args.out).run(
        run_seed, todo, budget, metadata, same_study=differences, fresh=args.fresh,
        workers=args.workers, describe=lambda setting, run: (
            f"seed {setting['seed']}: final mean {run['final_mean']:.2f}, held-out mean "
            f"{run['held_out_mean']:.2f}, random {run['random_mean']:.2f}  "
            f"({run['train_seconds']:.0f} s of training)"))


if __name__ == "__main__":
    main()
