"""Hyper-parameter study of chapter 6's DQN on CartPole-v1, one knob at a time, several seeds.

Each run calls `measure_run` of chapter 7 (book/07_measuring_agents.ipynb), imported from the
book's package (`dqnbook.ch07_measuring_agents`, generated from the chapter's code). It trains
chapter 6's agent with chapter 6's own code (`dqnbook.ch06_dqn_tf_agents`: `DQNConfig`,
`train_agent`: Double DQN, n-step targets, keeping the best confirmed policy). Each setting
changes one knob of `DQNConfig()` and leaves the rest at chapter 6's defaults; every run trains
for its whole budget (`stop_at_target=False`), so that its stability after solving is measured.

    python sweeps/dqn_sweep.py                       # the book's study, one process per core
    python sweeps/dqn_sweep.py --workers 1           # serially
    python sweeps/dqn_sweep.py --ray-address auto    # the same runs as Ray tasks on a cluster
    python sweeps/dqn_sweep.py --gammas 0.9 --epsilons --layers --n-steps --seeds 0 \\
        --out /tmp/one.csv                           # chapter 6's default and one other setting
    python sweeps/dqn_sweep.py --fresh               # drop an unfinished study's rows first

Knob values that equal chapter 6's default add no setting of their own: the default setting is
run once and belongs to every knob's comparison. Runs are process-local TensorFlow on one thread
(parallelism comes from running several at once). On a Ray cluster each run is a task asking for
one CPU, retried if its worker dies; the `dqnbook` package is sent with the tasks (Ray's
`py_modules`), so the nodes need the book's packages (requirements.txt) but not this repository.

Each run's rows are appended as it finishes, and the .json says how many runs are done and
whether the study is complete (sweeps/study.py). A study that was killed, started again with
the same arguments, resumes: the stored runs are not run again. An unfinished study of other
code or other arguments is not mixed with this one (the script stops and says so; --fresh
drops its rows). A finished study, run again, is replaced.

Output, tidy (by default in sweeps/results/):
  dqn_sweep_curves.csv  one row per run and periodic evaluation: the setting (knob,
      epsilon_final, gamma, fc_layer_params as "128-128", n_step, target_update_tau), seed,
      iteration, env_steps, train_seconds, eval_return (mean over 20 greedy episodes),
      confirm_return (100-episode confirmation, or empty), start_value (max_a Q(s0, a) over
      the evaluation's first states), epsilon
  dqn_sweep.csv  one row per run: the setting, seed, solved (the kept policy's mean over 100 fresh
      episodes from HELD_OUT_SEED is >= 475), kept_mean, kept_min, kept_iteration,
      iterations_to_475, env_steps_to_475, seconds_to_475 (to the first evaluation
      >= 475; empty if none), after_475_fraction (share of the later evaluations still
      >= 475), best_return, final_return, candidates, train_seconds, run_seconds
  dqn_sweep.json  the design, the budget, chapter 6's defaults and the code digest (of the
      definitions of DQNConfig and measure_run and everything they use), package versions,
      workers, wall time, runs done and whether the study is complete.
"""
import argparse
import dataclasses
import os
from pathlib import Path

import dqnbook
import study
from study import curves_path, parse_layers, rounded  # noqa: F401  (curves_path: for the tests)

CHAPTER = "ch07_measuring_agents"  # the dqnbook module whose measure_run the runs call
NOTEBOOK = "book/07_measuring_agents.ipynb"  # its notebook
RESULTS = study.ROOT / "sweeps" / "results" / "dqn_sweep.csv"
KNOBS = ["epsilon_final", "gamma", "fc_layer_params", "n_step", "target_update_tau"]
VALUES = {  # chapter 6's defaults (0.04, 0.99, 128-128, 3, 1.0) are among them
    "epsilon_final": [0.01, 0.04, 0.2],
    "gamma": [0.9, 0.99, 1.0],
    "fc_layer_params": ["32", "64-64", "128-128"],
    "n_step": [1, 3, 5],
    "target_update_tau": [0.02, 1.0],
}
# A soft target update (target_update_tau < 1) blends the networks after every gradient step;
# 0.02 gives the target's weights the mean age of chapter 6's hard copy every 100 steps (about
# 50 gradient steps), so that the comparison is of the two rules, not of two time scales.
SOFT_UPDATE_PERIOD = 1
SEEDS = [0, 1, 2, 3, 4]
BUDGET = {"num_iterations": 7_000}  # the default setting solves on every seed within it
SETTING_COLUMNS = ["knob"] + KNOBS + ["seed"]
CURVE_COLUMNS = SETTING_COLUMNS + ["iteration", "env_steps", "train_seconds", "eval_return",
                                   "confirm_return", "start_value", "epsilon"]
RUN_COLUMNS = SETTING_COLUMNS + [
    "solved", "kept_mean", "kept_min", "kept_iteration", "iterations_to_475",
    "env_steps_to_475", "seconds_to_475", "after_475_fraction", "best_return",
    "final_return", "candidates", "train_seconds", "run_seconds"]
# The chapter's names a run uses: the stored code digest covers their definitions (and those of
# everything they use), so the results go stale when that code changes, not when a plot does.
USES = ["DQNConfig", "measure_run"]


def layers_text(layers):
    return "-".join(str(n) for n in layers)


def default_setting(config):
    """The knobs' values in `config` (e.g. chapter 6's defaults, `DQNConfig()`)."""
    return {"epsilon_final": config.epsilon_final, "gamma": config.gamma,
            "fc_layer_params": layers_text(config.fc_layer_params), "n_step": config.n_step,
            "target_update_tau": config.target_update_tau}


def run_setting(setting, budget):
    """One training run of `setting` (knob, the knobs' values, seed) with chapter 7's
    `measure_run`: (its run row, its curve rows)."""
    study.prepare_process()  # before TensorFlow is imported: one thread
    from dqnbook.ch06_dqn_tf_agents import DQNConfig  # imported here: they import TensorFlow
    from dqnbook.ch07_measuring_agents import measure_run

    config = DQNConfig(epsilon_final=setting["epsilon_final"], gamma=setting["gamma"],
                          fc_layer_params=parse_layers(setting["fc_layer_params"]),
                          n_step=setting["n_step"], **target_update(setting), **budget)
    run, curve = measure_run(config, setting["seed"])
    run = {**setting, **{k: rounded(v) for k, v in run.items()}}
    curve = [{**setting, **{k: rounded(record[k]) for k in CURVE_COLUMNS if k in record}}
             for record in curve]
    return run, curve


def target_update(setting):
    """The DQNConfig fields of a setting's target update: soft ones update every step."""
    tau = setting["target_update_tau"]
    if tau == 1.0:
        return {}  # chapter 6's hard copy every target_update_period steps
    return {"target_update_tau": tau, "target_update_period": SOFT_UPDATE_PERIOD}


def one_knob_at_a_time(values, seeds, default):
    """The study's runs: the default setting, then each knob's other values (the rest at
    their defaults), each with every seed."""
    designs = [("default", dict(default))]
    for knob in KNOBS:
        for value in values[knob]:
            if str(value) != str(default[knob]):
                designs.append((knob, {**default, knob: value}))
    return [{"knob": knob, **setting, "seed": seed}
            for knob, setting in designs for seed in seeds]


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epsilons", type=float, nargs="*", default=VALUES["epsilon_final"],
                        help="final ε values (empty: only the default)")
    parser.add_argument("--gammas", type=float, nargs="*", default=VALUES["gamma"])
    parser.add_argument("--layers", nargs="*", default=VALUES["fc_layer_params"],
                        help="hidden layer sizes, e.g. 32 64-64 128-128")
    parser.add_argument("--n-steps", type=int, nargs="*", default=VALUES["n_step"])
    parser.add_argument("--taus", type=float, nargs="*", default=VALUES["target_update_tau"],
                        help="target_update_tau values; below 1, a soft update every step")
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--num-iterations", type=int, default=BUDGET["num_iterations"])
    parser.add_argument("--eval-interval", type=int,
                        help="iterations between evaluations (default: chapter 6's)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(),
                        help="local processes (default: one per core)")
    parser.add_argument("--ray-address", help="run as Ray tasks on this cluster ('auto', "
                        "or host:port); needs ray installed")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="the runs' table; the curves go next to it (*_curves.csv)")
    parser.add_argument("--fresh", action="store_true",
                        help="drop the rows of an unfinished study stored at --out instead "
                             "of resuming it")
    args = parser.parse_args(argv)
    study.check_layers_argument(parser, args.layers)
    if any(not 0 < tau <= 1 for tau in args.taus):
        parser.error("--taus must be in (0, 1]")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.num_iterations < 1 or (args.eval_interval is not None and args.eval_interval < 1):
        parser.error("--num-iterations and --eval-interval must be at least 1")
    return args


def differences(stored, current, keys):
    """What differs between two metadata dicts in `keys`, as words ("" if nothing)."""
    names = {"code_digest": "other code"}
    return ", ".join(names.get(k, f"other {k}") for k in keys
                     if stored.get(k) != current.get(k))


STUDY = study.Study(RESULTS, SETTING_COLUMNS, RUN_COLUMNS, CURVE_COLUMNS)


def main(argv=None):
    args = parse(argv)
    values = {"epsilon_final": args.epsilons, "gamma": args.gammas,
              "fc_layer_params": args.layers, "n_step": args.n_steps,
              "target_update_tau": args.taus}
    budget = {"num_iterations": args.num_iterations}
    if args.eval_interval is not None:
        budget["eval_interval"] = args.eval_interval
    study.one_thread()  # before TensorFlow is imported
    from dqnbook.ch06_dqn_tf_agents import DQNConfig
    from dqnbook.ch07_measuring_agents import FRESH_EPISODES

    digest = dqnbook.code_digest(CHAPTER, USES)  # of the code the runs get, not later's
    todo = one_knob_at_a_time(values, args.seeds, default_setting(DQNConfig()))
    backend = f"ray ({args.ray_address})" if args.ray_address else f"{args.workers} processes"
    design = {"notebook": NOTEBOOK, "code_digest": digest, "knobs": KNOBS,
              "values": values, "seeds": args.seeds, "budget": budget}
    fixed = {"config": DQNConfig(**budget), "fresh_episodes": FRESH_EPISODES}

    def metadata(progress):
        return study.metadata_block(
            "sweeps/dqn_sweep.py", argv, packages=("tensorflow", "tf-agents", "gymnasium",
                                                   "numpy"),
            **design, **fixed, runs=len(progress.run_rows), curve_rows=progress.curve_rows,
            runs_planned=progress.planned, complete=progress.complete, backend=backend,
            wall_seconds=progress.wall_seconds,
            sum_of_run_seconds=progress.total("run_seconds"))

    current = study.jsonable(design)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    return dataclasses.replace(STUDY, out=args.out).run(
        run_setting, todo, budget, metadata, fresh=args.fresh, workers=args.workers,
        ray_address=args.ray_address,
        same_study=lambda stored: differences(stored, current, list(design)),
        describe=lambda setting, run: (
            f"{setting['knob']:>15} {setting}  solved {run['solved']}, kept mean "
            f"{run['kept_mean']:.1f}  ({run['run_seconds']:.0f} s)"))


if __name__ == "__main__":
    main()
