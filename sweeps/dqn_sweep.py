"""Hyper-parameter study of chapter 6's DQN on CartPole-v1, one knob at a time, several seeds.

Each run calls `measure_run` of chapter 7 (book/07_measuring_agents.ipynb), loaded by name
with tools/chapter_code.py. It trains chapter 6's agent with chapter 6's own code (`DQNConfig`,
`train_agent`: Double DQN, n-step targets, keeping the best confirmed policy), which chapter 7
holds as a stamped copy that the book's tests keep identical to chapter 6's cells. Each setting
changes one knob of `DQNConfig()` and leaves the rest at chapter 6's defaults; every run trains
for its whole budget (`stop_at_target=False`), so that its stability after solving is measured.

    python sweeps/dqn_sweep.py                       # the book's study, one process per core
    python sweeps/dqn_sweep.py --workers 1           # serially
    python sweeps/dqn_sweep.py --ray-address auto    # the same runs as Ray tasks on a cluster
    python sweeps/dqn_sweep.py --gammas 0.9 --epsilons --layers --n-steps --seeds 0 \\
        --out /tmp/one.csv                           # chapter 6's default and one other setting

Knob values that equal chapter 6's default add no setting of their own: the default setting is
run once and belongs to every knob's comparison. Runs are process-local TensorFlow on one thread
(parallelism comes from running several at once). On a Ray cluster each run is a task asking for
one CPU; the chapter's code is sent with the task as text, so the nodes need the book's packages
(requirements.txt) but not this repository.

Output, tidy (by default in sweeps/results/):
  dqn_sweep_curves.csv  one row per run and periodic evaluation: the setting (knob, epsilon_final,
      gamma, fc_layer_params as "128-128", n_step), seed, iteration, env_steps, train_seconds,
      eval_return (mean over 20 greedy episodes), confirm_return (100-episode confirmation, or
      empty), start_value (max_a Q(s0, a) over the evaluation's first states), epsilon
  dqn_sweep.csv  one row per run: the setting, seed, solved (the kept policy's mean over 100 fresh
      episodes from HELD_OUT_SEED is >= 475), kept_mean, kept_min, kept_iteration,
      iterations_to_475, env_steps_to_475, seconds_to_475 (to the first evaluation
      >= 475; empty if none), after_475_fraction (share of the later evaluations still
      >= 475), best_return, final_return, candidates, train_seconds, run_seconds
  dqn_sweep.json  the design, the budget, chapter 6's defaults and CODE_DIGEST, package
      versions, workers and wall time.
"""
import argparse
import concurrent.futures
import contextlib
import csv
import dataclasses
import io
import json
import linecache
import multiprocessing
import os
import platform
import sys
import time
import types
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import chapter_code  # noqa: E402

NOTEBOOK = ROOT / "book" / "07_measuring_agents.ipynb"
RESULTS = ROOT / "sweeps" / "results" / "dqn_sweep.csv"
KNOBS = ["epsilon_final", "gamma", "fc_layer_params", "n_step"]
VALUES = {  # chapter 6's defaults (0.04, 0.99, 128-128, 3) are among them
    "epsilon_final": [0.01, 0.04, 0.2],
    "gamma": [0.9, 0.99, 1.0],
    "fc_layer_params": ["32", "64-64", "128-128"],
    "n_step": [1, 3, 5],
}
SEEDS = [0, 1, 2, 3, 4]
BUDGET = {"num_iterations": 7_000}  # the default setting solves on every seed within it
FRESH_EPISODES = 100
SETTING_COLUMNS = ["knob"] + KNOBS + ["seed"]
CURVE_COLUMNS = SETTING_COLUMNS + ["iteration", "env_steps", "train_seconds", "eval_return",
                                   "confirm_return", "start_value", "epsilon"]
RUN_COLUMNS = SETTING_COLUMNS + [
    "solved", "kept_mean", "kept_min", "kept_iteration", "iterations_to_475",
    "env_steps_to_475", "seconds_to_475", "after_475_fraction", "best_return",
    "final_return", "candidates", "train_seconds", "run_seconds"]
TIMING_COLUMNS = {"train_seconds", "seconds_to_475", "run_seconds"}
# The chapter's names a run uses: the stored CODE_DIGEST covers their definitions (and those of
# everything they use), so the results go stale when that code changes, not when a plot does.
USES = ["DQNConfig", "measure_run"]


def layers_text(layers):
    return "-".join(str(n) for n in layers)


def parse_layers(text):
    parts = str(text).split("-")
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ValueError(f"layer sizes look like 64-64 (positive integers), got {text!r}")
    return tuple(int(part) for part in parts)


def one_thread():
    """Before TensorFlow is imported: one thread per process, quiet logs, Keras 2."""
    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[name] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")


_LOADED = {}


def chapter(code):
    """The chapter's definitions from `code` (chapter_code.program), executed once per process.
    Needs only the packages: on a Ray worker this repository may not exist."""
    if code not in _LOADED:
        one_thread()
        filename = f"<{NOTEBOOK.name}>"  # the source stays visible to AutoGraph's inspect
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        namespace = {"__name__": "dqn_sweep_chapter"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, filename, "exec"), namespace)
        _LOADED.clear()
        _LOADED[code] = types.SimpleNamespace(**namespace)
    return _LOADED[code]


def default_setting(ch):
    config = ch.DQNConfig()
    return {"epsilon_final": config.epsilon_final, "gamma": config.gamma,
            "fc_layer_params": layers_text(config.fc_layer_params), "n_step": config.n_step}


def run_one(code, setting, budget):
    """One training run of `setting` (knob, the four knob values, seed) with chapter 7's
    `measure_run`: (its run row, its curve rows)."""
    ch = chapter(code)
    config = ch.DQNConfig(epsilon_final=setting["epsilon_final"], gamma=setting["gamma"],
                          fc_layer_params=parse_layers(setting["fc_layer_params"]),
                          n_step=setting["n_step"], **budget)
    run, curve = ch.measure_run(config, setting["seed"])
    run = {**setting, **{k: rounded(v) for k, v in run.items()}}
    curve = [{**setting, **{k: rounded(record[k]) for k in CURVE_COLUMNS if k in record}}
             for record in curve]
    return run, curve


def rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def settings(values, seeds, default):
    """One knob at a time around `default`: the default setting, then each other value."""
    designs = [("default", dict(default))]
    for knob in KNOBS:
        for value in values[knob]:
            if str(value) != str(default[knob]):
                designs.append((knob, {**default, knob: value}))
    return [{"knob": knob, **setting, "seed": seed}
            for knob, setting in designs for seed in seeds]


def run_local(code, todo, budget, workers, task=None):
    """Yields (setting, task(code, setting, budget)) for each setting of `todo`, in
    `workers` processes (default task: run_one)."""
    task = task or run_one
    if workers == 1:
        for setting in todo:
            yield setting, task(code, setting, budget)
        return
    context = multiprocessing.get_context("spawn")  # no TensorFlow state crosses a fork
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context,
                                                initializer=one_thread) as pool:
        futures = {pool.submit(task, code, s, budget): s for s in todo}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()


def run_ray(code, todo, budget, address, task=None):
    import ray  # in requirements.txt

    ray.init(address=address, runtime_env={"env_vars": {
        "OMP_NUM_THREADS": "1", "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}})
    remote = ray.remote(num_cpus=1)(task or run_one)
    code_ref = ray.put(code)
    pending = {remote.remote(code_ref, s, budget): s for s in todo}
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        setting = pending.pop(done[0])
        yield setting, ray.get(done[0])


def collect(runs, total, describe):
    """Gathers the (setting, (run row, curve rows)) of `runs` as they finish, printing
    describe(setting, run) for each: (run rows, curve rows, wall seconds)."""
    start, run_rows, curve_rows = time.perf_counter(), [], []
    for done, (setting, (run, curve)) in enumerate(runs, 1):
        run_rows.append(run)
        curve_rows += curve
        print(f"[{done}/{total}] {time.perf_counter() - start:6.0f} s  "
              f"{describe(setting, run)}", flush=True)
    return run_rows, curve_rows, time.perf_counter() - start


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epsilons", type=float, nargs="*", default=VALUES["epsilon_final"],
                        help="final ε values (empty: only the default)")
    parser.add_argument("--gammas", type=float, nargs="*", default=VALUES["gamma"])
    parser.add_argument("--layers", nargs="*", default=VALUES["fc_layer_params"],
                        help="hidden layer sizes, e.g. 32 64-64 128-128")
    parser.add_argument("--n-steps", type=int, nargs="*", default=VALUES["n_step"])
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
    args = parser.parse_args(argv)
    for layers in args.layers:
        try:
            parse_layers(layers)
        except ValueError as error:
            parser.error(f"--layers: {error}")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.num_iterations < 1 or (args.eval_interval is not None and args.eval_interval < 1):
        parser.error("--num-iterations and --eval-interval must be at least 1")
    return args


def write_csv(path, columns, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv=None):
    args = parse(argv)
    values = {"epsilon_final": args.epsilons, "gamma": args.gammas,
              "fc_layer_params": args.layers, "n_step": args.n_steps}
    budget = {"num_iterations": args.num_iterations}
    if args.eval_interval is not None:
        budget["eval_interval"] = args.eval_interval
    code = chapter_code.program(NOTEBOOK)
    digest = chapter_code.code_digest(NOTEBOOK, USES)  # of the code the runs get, not later's
    ch = chapter(code)
    defaults = dataclasses.asdict(ch.DQNConfig(**budget))
    todo = settings(values, args.seeds, default_setting(ch))
    _LOADED.clear()  # run_one travels to Ray workers with its globals: not with TensorFlow
    backend = f"ray ({args.ray_address})" if args.ray_address else f"{args.workers} processes"
    print(f"{len(todo)} runs of {budget['num_iterations']:,} iterations on {backend}",
          flush=True)

    runs = (run_ray(code, todo, budget, args.ray_address) if args.ray_address
            else run_local(code, todo, budget, args.workers))
    run_rows, curve_rows, wall = collect(runs, len(todo), lambda setting, run: (
        f"{setting['knob']:>15} {setting}  solved {run['solved']}, kept mean "
        f"{run['kept_mean']:.1f}  ({run['run_seconds']:.0f} s)"))

    order = {tuple(s[k] for k in SETTING_COLUMNS): i for i, s in enumerate(todo)}
    run_rows.sort(key=lambda r: order[tuple(r[k] for k in SETTING_COLUMNS)])
    curve_rows.sort(key=lambda r: (order[tuple(r[k] for k in SETTING_COLUMNS)],
                                   r["iteration"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(args.out, RUN_COLUMNS, run_rows)
    write_csv(curves_path(args.out), CURVE_COLUMNS, curve_rows)
    metadata = {
        "command": "python sweeps/dqn_sweep.py " + " ".join(sys.argv[1:] if argv is None
                                                           else argv),
        "notebook": f"book/{NOTEBOOK.name}", "code_digest": digest,
        "knobs": KNOBS, "values": values, "seeds": args.seeds, "budget": budget,
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in defaults.items()},
        "fresh_episodes": FRESH_EPISODES, "runs": len(run_rows), "curve_rows": len(curve_rows),
        "backend": backend, "cpu_count": os.cpu_count(), "wall_seconds": round(wall, 1),
        "sum_of_run_seconds": round(sum(r["run_seconds"] for r in run_rows), 1),
        "versions": {"python": platform.python_version(),
                     **{p: version(p) for p in ("tensorflow", "tf-agents", "gymnasium",
                                                "numpy")}},
        "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    args.out.with_suffix(".json").write_text(json.dumps(metadata, indent=1) + "\n")
    print(f"wrote {len(run_rows)} runs and {len(curve_rows)} evaluations next to {args.out} "
          f"in {wall:.0f} s", flush=True)
    return metadata


def curves_path(out):
    return out.with_name(out.stem + "_curves.csv")


if __name__ == "__main__":
    main()
