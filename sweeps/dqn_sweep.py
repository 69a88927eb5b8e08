"""Hyper-parameter sweep of the book's DQN on CartPole-v1: final ε × γ × hidden layers × seeds.

The runs use the training code of the chapter that shows their results,
book/06_hyperparameter_study.ipynb: this script executes that notebook's code cells up to and
including the one that defines `train_dqn`, so the data cannot come from a different copy of the
code (tests/test_sweep.py re-runs one setting and checks it against the stored results).

    python sweeps/dqn_sweep.py                       # the book's grid, one process per core
    python sweeps/dqn_sweep.py --workers 1           # serially
    python sweeps/dqn_sweep.py --ray-address auto    # the same runs as Ray tasks on a cluster
    python sweeps/dqn_sweep.py --epsilons 0.1 --gammas 0.99 --layers 64-64 --seeds 0 \\
        --out /tmp/one.csv                           # one setting

Each run is one process-local TensorFlow with one thread (runs are small; parallelism comes from
running several at once). On a Ray cluster (ray 2.60 is in this book's requirements; install
them on every node) each run is a task asking for one CPU; the notebook's code is
sent with the task, so the nodes need the packages but not this repository.

Output (tidy: one row per run and evaluation point), by default sweeps/results/dqn_sweep.csv:
    epsilon, gamma, fc_layer_params ("64-64"), seed, iteration, eval_return (mean undiscounted
    return of the greedy policy over num_eval_episodes episodes), train_seconds (time spent in
    training iterations up to that point), run_seconds (the whole run, evaluations included),
    num_iterations, eval_interval, num_eval_episodes
and next to it dqn_sweep.json: the grid, the budget, package versions, workers and wall time.
"""
import argparse
import concurrent.futures
import csv
import itertools
import json
import linecache
import multiprocessing
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "book" / "06_hyperparameter_study.ipynb"
DEFINES = "def train_dqn("  # the last cell executed from the notebook
RESULTS = ROOT / "sweeps" / "results" / "dqn_sweep.csv"

GRID = {
    "epsilons": [0.01, 0.1, 0.3],  # final ε of the linear schedule from 1.0
    "gammas": [0.9, 0.99, 1.0],
    "layers": ["32", "64-64", "256-256"],
    "seeds": [0, 1, 2],
}
BUDGET = {"num_iterations": 5_000, "eval_interval": 500, "num_eval_episodes": 10}
COLUMNS = ["epsilon", "gamma", "fc_layer_params", "seed", "iteration", "eval_return",
           "train_seconds", "run_seconds", "num_iterations", "eval_interval",
           "num_eval_episodes"]


def training_code(notebook=NOTEBOOK):
    """The notebook's code cells up to and including the one that defines train_dqn."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    code = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "raises-exception" in tags or "skip-execution" in tags:
            continue
        code.append("\n".join(line for line in source.splitlines()
                              if not line.lstrip().startswith(("%", "!"))))
        if DEFINES in source:
            return "\n\n".join(code)
    raise ValueError(f"{notebook} has no code cell defining train_dqn")


def one_thread():
    """Before TensorFlow is imported: one thread per process, quiet logs, Keras 2."""
    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[name] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")


_LOADED = {}


def _train_dqn(code):
    """train_dqn from the notebook's code, executed once per process."""
    if code not in _LOADED:
        one_thread()
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        filename = f"<{NOTEBOOK.name}>"
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        namespace = {"__name__": "dqn_sweep_notebook"}  # AutoGraph can read the source
        exec(compile(code, filename, "exec"), namespace)
        _LOADED.clear()
        _LOADED[code] = namespace["train_dqn"]
    return _LOADED[code]


def run_one(code, setting, budget):
    """One training run: its rows of the tidy table."""
    train_dqn = _train_dqn(code)
    layers = tuple(int(n) for n in setting["fc_layer_params"].split("-"))
    start = time.perf_counter()
    evaluations = train_dqn(epsilon=setting["epsilon"], gamma=setting["gamma"],
                            fc_layer_params=layers, seed=setting["seed"], **budget)
    run_seconds = round(time.perf_counter() - start, 2)
    return [{**setting, **e, "run_seconds": run_seconds, **budget} for e in evaluations]


def settings(grid):
    return [{"epsilon": e, "gamma": g, "fc_layer_params": layers, "seed": s}
            for e, g, layers, s in itertools.product(
                grid["epsilons"], grid["gammas"], grid["layers"], grid["seeds"])]


def run_local(code, todo, budget, workers):
    if workers == 1:
        for setting in todo:
            yield setting, run_one(code, setting, budget)
        return
    context = multiprocessing.get_context("spawn")  # no TensorFlow state crosses a fork
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context,
                                                initializer=one_thread) as pool:
        futures = {pool.submit(run_one, code, s, budget): s for s in todo}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()


def run_ray(code, todo, budget, address):
    import ray  # in requirements.txt

    ray.init(address=address, runtime_env={"env_vars": {
        "OMP_NUM_THREADS": "1", "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}})
    remote = ray.remote(num_cpus=1)(run_one)
    code_ref = ray.put(code)
    pending = {remote.remote(code_ref, s, budget): s for s in todo}
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        setting = pending.pop(done[0])
        yield setting, ray.get(done[0])


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epsilons", type=float, nargs="+", default=GRID["epsilons"])
    parser.add_argument("--gammas", type=float, nargs="+", default=GRID["gammas"])
    parser.add_argument("--layers", nargs="+", default=GRID["layers"],
                        help="hidden layer sizes, e.g. 32 64-64 256-256")
    parser.add_argument("--seeds", type=int, nargs="+", default=GRID["seeds"])
    parser.add_argument("--num-iterations", type=int, default=BUDGET["num_iterations"])
    parser.add_argument("--eval-interval", type=int, default=BUDGET["eval_interval"])
    parser.add_argument("--num-eval-episodes", type=int, default=BUDGET["num_eval_episodes"])
    parser.add_argument("--workers", type=int, default=os.cpu_count(),
                        help="local processes (default: one per core)")
    parser.add_argument("--ray-address", help="run as Ray tasks on this cluster ('auto', "
                        "or host:port); needs ray installed")
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    for layers in args.layers:
        if not all(part.isdigit() and int(part) > 0 for part in layers.split("-")):
            parser.error(f"--layers takes sizes like 64-64, got {layers!r}")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def main(argv=None):
    args = parse(argv)
    grid = {"epsilons": args.epsilons, "gammas": args.gammas, "layers": args.layers,
            "seeds": args.seeds}
    budget = {"num_iterations": args.num_iterations, "eval_interval": args.eval_interval,
              "num_eval_episodes": args.num_eval_episodes}
    code = training_code(args.notebook)
    todo = settings(grid)
    backend = f"ray ({args.ray_address})" if args.ray_address else f"{args.workers} processes"
    print(f"{len(todo)} runs of {budget['num_iterations']} iterations on {backend}", flush=True)

    start = time.perf_counter()
    runs = (run_ray(code, todo, budget, args.ray_address) if args.ray_address
            else run_local(code, todo, budget, args.workers))
    rows = []
    for done, (setting, run_rows) in enumerate(runs, 1):
        rows += run_rows
        elapsed = time.perf_counter() - start
        print(f"[{done}/{len(todo)}] {elapsed:6.0f} s  {setting}  final return "
              f"{run_rows[-1]['eval_return']:.1f}  ({run_rows[-1]['run_seconds']:.0f} s)",
              flush=True)
    wall = time.perf_counter() - start

    order = {key: [str(v) for v in grid[name]] for key, name in (
        ("epsilon", "epsilons"), ("gamma", "gammas"), ("fc_layer_params", "layers"),
        ("seed", "seeds"))}
    rows.sort(key=lambda r: tuple(order[k].index(str(r[k])) for k in order) + (r["iteration"],))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    metadata = {
        "command": "python sweeps/dqn_sweep.py " + " ".join(sys.argv[1:] if argv is None
                                                           else argv),
        "grid": grid, "budget": budget, "runs": len(todo), "rows": len(rows),
        "backend": backend, "cpu_count": os.cpu_count(),
        "wall_seconds": round(wall, 1),
        "sum_of_run_seconds": round(sum({(r["epsilon"], r["gamma"], r["fc_layer_params"],
                                          r["seed"]): r["run_seconds"] for r in rows}.values()),
                                    1),
        "versions": {"python": platform.python_version(),
                     **{p: version(p) for p in ("tensorflow", "tf-agents", "gymnasium",
                                                "numpy")}},
        "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    args.out.with_suffix(".json").write_text(json.dumps(metadata, indent=1) + "\n")
    print(f"wrote {len(rows)} rows to {args.out} in {wall:.0f} s", flush=True)
    return metadata


if __name__ == "__main__":
    main()
