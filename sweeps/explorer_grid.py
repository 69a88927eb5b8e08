"""Chapter 5's Explore section, precomputed: its DQN trained on every setting of a small grid.

The published HTML page has no Python kernel, so the page's explorer cannot train. Instead it
chooses among runs made here by the chapter's own code: each run calls `explorer_run` of
chapter 5 (book/05_dqn_by_hand.ipynb, imported from the book's package,
`dqnbook.ch05_dqn_by_hand`), the function the notebook's **Train** button calls, with its
default budget (`EXPLORER_ITERATIONS`). The grid is every combination of the final ε, the
discount γ and the hidden layers below, each with several seeds.

    python sweeps/explorer_grid.py                 # the page's grid, one process per core
    python sweeps/explorer_grid.py --workers 1     # serially
    python sweeps/explorer_grid.py --epsilons 0.02 --gammas 0.99 --layers 32 --seeds 0 \\
        --num-iterations 1000 --out /tmp/grid.csv  # one small run
    python sweeps/explorer_grid.py --fresh         # drop an unfinished grid's rows first

Like the other studies (sweeps/study.py), each run's rows are appended as it finishes, and a
killed grid started again with the same arguments resumes without redoing finished runs.

Output, tidy (by default in sweeps/results/):
  explorer_grid_curves.csv  one row per run and periodic evaluation: epsilon_final, gamma,
      fc_layer_params ("128-128"), seed, iteration, eval_return (mean over 20 greedy
      episodes), start_value (mean max_a Q(s0, a) over the evaluation's first states)
  explorer_grid.csv  one row per run: the setting, seed, best_return (train_dqn's: the kept
      network's score, its 100-episode confirmation if it has one), confirmed, kept_iteration,
      iterations_to_475, last_iteration (a run stops once a network is confirmed with 495 or
      more), train_seconds, run_seconds
  explorer_grid.json  the grid, the budget, the code digest (of explorer_run's definition and
      everything it uses), package versions, wall time, runs done, whether it is complete.
"""
import argparse
import dataclasses
import itertools
import os
import time
from pathlib import Path

import dqnbook
import study
from study import curves_path, parse_layers, rounded  # noqa: F401  (curves_path: for the tests)

CHAPTER = "ch05_dqn_by_hand"  # the dqnbook module whose explorer_run the runs call
NOTEBOOK = "book/05_dqn_by_hand.ipynb"
RESULTS = study.ROOT / "sweeps" / "results" / "explorer_grid.csv"
VALUES = {  # the Train button's defaults (0.02, 0.99, 128-128) are among them
    "epsilon_final": [0.02, 0.1, 0.3],
    "gamma": [0.9, 0.99, 1.0],
    "fc_layer_params": ["32", "64-64", "128-128"],
}
KNOBS = list(VALUES)
SEEDS = [0, 1, 2]
KEY = KNOBS + ["seed"]
CURVE_COLUMNS = KEY + ["iteration", "eval_return", "start_value"]
RUN_COLUMNS = KEY + ["best_return", "confirmed", "kept_iteration", "iterations_to_475",
                     "last_iteration", "train_seconds", "run_seconds"]
USES = ["explorer_run"]  # the stored code digest covers its definition and what it uses


def run_setting(setting, budget):
    """One run of `setting` (the three knobs and a seed): (its run row, its curve rows)."""
    study.prepare_process()  # before TensorFlow is imported: one thread
    from dqnbook.ch05_dqn_by_hand import explorer_run  # imports TensorFlow

    start = time.perf_counter()
    result = explorer_run(setting["epsilon_final"], setting["gamma"],
                          parse_layers(setting["fc_layer_params"]),
                          budget["num_iterations"], seed=setting["seed"])
    run = {**setting, "best_return": result["best_return"], "confirmed": result["confirmed"],
           "kept_iteration": result["kept_iteration"],
           "iterations_to_475": result["iterations_to_475"],
           "last_iteration": result["iteration"][-1], "train_seconds": result["train_time"],
           "run_seconds": time.perf_counter() - start}
    curve = [{**setting, "iteration": i, "eval_return": r, "start_value": v}
             for i, r, v in zip(result["iteration"], result["eval_return"],
                                result["start_value"])]
    return ({k: rounded(v) for k, v in run.items()},
            [{k: rounded(v) for k, v in row.items()} for row in curve])


def parse(argv, default_iterations):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epsilons", type=float, nargs="+", default=VALUES["epsilon_final"])
    parser.add_argument("--gammas", type=float, nargs="+", default=VALUES["gamma"])
    parser.add_argument("--layers", nargs="+", default=VALUES["fc_layer_params"],
                        help="hidden layer sizes, e.g. 32 64-64 128-128")
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--num-iterations", type=int, default=default_iterations)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="the runs' table; the curves go next to it (*_curves.csv)")
    parser.add_argument("--fresh", action="store_true",
                        help="drop the rows of an unfinished grid stored at --out instead "
                             "of resuming it")
    args = parser.parse_args(argv)
    study.check_layers_argument(parser, args.layers)
    if args.workers < 1 or args.num_iterations < 1 or min(args.seeds) < 0:
        parser.error("--workers and --num-iterations must be >= 1, seeds >= 0")
    return args


STUDY = study.Study(RESULTS, KEY, RUN_COLUMNS, CURVE_COLUMNS)


def main(argv=None):
    study.one_thread()  # before TensorFlow is imported
    from dqnbook.ch05_dqn_by_hand import EXPLORER_ITERATIONS

    args = parse(argv, EXPLORER_ITERATIONS)
    values = {"epsilon_final": args.epsilons, "gamma": args.gammas,
              "fc_layer_params": args.layers}
    budget = {"num_iterations": args.num_iterations}
    todo = [dict(zip(KNOBS, combination), seed=seed)
            for combination in itertools.product(*values.values()) for seed in args.seeds]
    design = {"notebook": NOTEBOOK, "code_digest": dqnbook.code_digest(CHAPTER, USES),
              "knobs": KNOBS, "values": values, "seeds": args.seeds, "budget": budget}

    def metadata(progress):
        return study.metadata_block(
            "sweeps/explorer_grid.py", argv, packages=("tensorflow", "gymnasium", "numpy"),
            **design, runs=len(progress.run_rows), runs_planned=progress.planned,
            complete=progress.complete, workers=args.workers,
            wall_seconds=progress.wall_seconds, sum_of_run_seconds=progress.total("run_seconds"))

    current = study.jsonable(design)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    return dataclasses.replace(STUDY, out=args.out).run(
        run_setting, todo, budget, metadata, fresh=args.fresh, workers=args.workers,
        same_study=lambda stored: ", ".join(
            f"other {k}" for k in current if stored.get(k) != current[k]),
        describe=lambda setting, run: (
            f"{setting}  best {run['best_return']:.0f}, stopped at {run['last_iteration']} "
            f"({run['run_seconds']:.0f} s)"))


if __name__ == "__main__":
    main()
