"""What the studies in sweeps/ share (not a lesson): running their runs and storing their results.

A study is a list of runs, each a small dict (its *setting*: e.g. knob values and a seed) that a
task function turns into (one run row, its curve rows) by calling the book's code in the
`dqnbook` package, after `prepare_process()` (what the chapters' Setup does: one TensorFlow
thread). `Study.run` runs them

- serially in this process (`workers=1`), in one pool of `workers` processes, or as Ray tasks on
  a cluster (`ray_address`; the workers get the `dqnbook` package through Ray's runtime
  environment, `py_modules`, so the repository need not be on the cluster's nodes);
- and appends each finished run to the tidy results as it arrives: its curve rows to
  NAME_curves.csv, its run row to NAME.csv, then rewrites NAME.json (written atomically) with
  `"complete": false` and the number of runs done. When every run is in, the tables are
  sorted into the study's order and the metadata says `"complete": true`.

A killed study, started again with the same arguments, resumes: the runs whose rows are stored
(by their key columns, e.g. the setting and the seed) are skipped, the others run. If the
unfinished study stored is of other code (its code digest differs) or other arguments, the
study refuses to mix them and says so; `fresh=True` (the scripts' --fresh) drops its rows
instead. A finished study, run again, is replaced. Rows are written by this process (the
driver) only, keyed: a run that arrives twice (e.g. a Ray task retried after its worker died)
is stored once.

`metadata_block` builds the JSON blocks that describe a study (or a benchmark): the command,
the fields given, the machine's core count, package versions and the time.
"""
import concurrent.futures
import csv
import dataclasses
import io
import json
import logging
import multiprocessing
import os
import platform
import sys
import threading
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAY_TASK_RETRIES = 3  # a task whose worker process dies runs again, up to this many times


def one_thread():
    """Before TensorFlow is imported: one thread per process, quiet logs, Keras 2."""
    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[name] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")


_PREPARED = []


def prepare_process():
    """What the chapters' Setup section does before their code runs, once per process: one
    TensorFlow thread (intra- and inter-op), only TensorFlow's and absl's errors logged, and
    `tf.keras.utils.set_random_seed(0)` (the chapters' SEED; every run seeds itself again)."""
    if _PREPARED:
        return
    one_thread()
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # TensorFlow already ran an operation in this process
        if tf.config.threading.get_intra_op_parallelism_threads() != 1:
            raise
    tf.get_logger().setLevel("ERROR")
    logging.getLogger("absl").setLevel(logging.ERROR)
    tf.keras.utils.set_random_seed(0)
    _PREPARED.append(True)


def rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def portable(path):
    """`path` relative to the repository if it is inside it, else its file name: the
    stored metadata names no folder of the machine that made it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def jsonable(value):
    """Dataclasses as dicts and tuples as lists, recursively (as the stored JSON has them)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def parse_layers(text):
    """Hidden layer sizes written as on the command line and in the tables, "64-64" ->
    (64, 64); anything else is refused, saying what is allowed."""
    parts = str(text).split("-")
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ValueError(f"layer sizes look like 64-64 (positive integers), got {text!r}")
    return tuple(int(part) for part in parts)


def check_layers_argument(parser, values):
    """Stops the script, as argparse does, if one of the --layers values is not sizes."""
    for layers in values:
        try:
            parse_layers(layers)
        except ValueError as error:
            parser.error(f"--layers: {error}")


def metadata_block(script=None, argv=None, packages=None, **fields):
    """One block of a study's (or a benchmark's) metadata, in this order: "command" (if
    `script` is given: `python SCRIPT ARGV...`, with `argv` the script's arguments, by default
    sys.argv[1:]), the `fields` as given (dataclasses as dicts, tuples as lists), then, if
    `packages` is given, "cpu_count" and "versions" (Python's and those packages'), and
    "finished" (the time)."""
    block = {}
    if script is not None:
        arguments = sys.argv[1:] if argv is None else argv
        block["command"] = " ".join([f"python {script}"] + [str(a) for a in arguments])
    block.update(jsonable(fields))
    if packages is not None:
        block["cpu_count"] = os.cpu_count()
        block["versions"] = {"python": platform.python_version(),
                             **{p: version(p) for p in packages}}
    block["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    return block


def curves_path(out):
    return out.with_name(out.stem + "_curves.csv")


# Running: each runner yields (setting, task(setting, budget)) as runs finish.

def run_here(task, todo, budget):
    for setting in todo:
        yield setting, task(setting, budget)


def _exit_with(parent):
    """In a pool's process: ends it once process `parent` (the study's) has gone, e.g.
    killed (a pool's processes would otherwise wait for work forever)."""
    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def run_in_processes(task, todo, budget, workers):
    context = multiprocessing.get_context("spawn")  # no TensorFlow state crosses a fork
    with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_exit_with,
            initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(task, s, budget): s for s in todo}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()


def run_on_ray(task, todo, budget, address):
    """As Ray tasks of one CPU each on the cluster at `address`. A task whose worker process
    dies (killed, out of memory, its node lost) is retried up to RAY_TASK_RETRIES times; an
    exception the task raises is not (the runs are deterministic: it would recur)."""
    import ray  # in requirements.txt
    from ray import cloudpickle

    import dqnbook

    # The task functions travel by value (their modules are not on the cluster's nodes);
    # the book's code travels as the dqnbook package.
    for module in {__name__, task.__module__} - {"__main__"}:  # (a task calls this one's)
        cloudpickle.register_pickle_by_value(sys.modules[module])
    ray.init(address=address, runtime_env={
        "py_modules": [dqnbook],
        "env_vars": {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1",
                     "TF_NUM_INTEROP_THREADS": "1", "TF_USE_LEGACY_KERAS": "1",
                     "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"}})
    try:
        remote = ray.remote(num_cpus=1, max_retries=RAY_TASK_RETRIES,
                            retry_exceptions=False)(task)
        pending = {remote.remote(s, budget): s for s in todo}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            setting = pending.pop(done[0])
            yield setting, ray.get(done[0])
    finally:
        ray.shutdown()


def runs(task, todo, budget, workers=1, ray_address=None):
    """(setting, (run row, curve rows)) for each setting of `todo`, as the runs finish."""
    if not todo:
        return iter(())
    if ray_address:
        return run_on_ray(task, todo, budget, ray_address)
    if workers == 1:
        return run_here(task, todo, budget)
    return run_in_processes(task, todo, budget, workers)


# Storing.

def read_rows(path):
    """The rows of a CSV file as dicts of strings; a last line cut short (the writer was
    killed in the middle of it) is left out. No file: no rows."""
    if not path.exists():
        return []
    text = path.read_text()
    if text and not text.endswith("\n"):
        text = text[:text.rfind("\n") + 1]
    return list(csv.DictReader(text.splitlines(True)))


def _csv_text(columns, rows, header=False):
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def _replace(path, text):
    """Writes `text` to `path` atomically (a killed writer leaves the old file or the new)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def write_csv(path, columns, rows):
    _replace(path, _csv_text(columns, rows, header=True))


def _append(path, columns, rows):
    with open(path, "a", newline="") as f:  # one write: a kill cuts at most its last line
        f.write(_csv_text(columns, rows))
        f.flush()


@dataclasses.dataclass
class Progress:
    """Where a study is, for its metadata: its run rows so far (stored and new; the stored
    ones' values are strings), its curve rows' count, its wall time over every session,
    whether it is complete, its number of runs, and the metadata stored when it started."""
    run_rows: list
    curve_rows: int
    wall_seconds: float
    complete: bool
    planned: int
    stored: dict

    def total(self, column, rows=None):
        """The sum of a column of the run rows (or of `rows`), rounded to 0.1."""
        return round(sum(float(r[column]) for r in (self.run_rows if rows is None
                                                    else rows)), 1)


@dataclasses.dataclass
class Study:
    """A study's results on disk: `out` (the runs, one row each), its *_curves.csv and
    its .json. `key` columns identify a run (e.g. setting and seed) in both tables."""
    out: Path
    key: list
    run_columns: list
    curve_columns: list

    @property
    def curves(self):
        return curves_path(self.out)

    @property
    def metadata_path(self):
        return self.out.with_suffix(".json")

    def key_of(self, row):
        # A row stored with other columns (an older design of the study) gets "None" for
        # a missing key column, so it matches no setting of this one.
        return tuple(str(row.get(k)) for k in self.key)

    def stored_metadata(self):
        path = self.metadata_path
        return json.loads(path.read_text()) if path.exists() else None

    def write_metadata(self, metadata):
        _replace(self.metadata_path, json.dumps(metadata, indent=1) + "\n")

    def run(self, task, todo, budget, metadata, *, same_study, fresh=False, workers=1,
            ray_address=None, keep=lambda row: False, order=None, describe=None):
        """Runs the settings of `todo` that are not stored yet (see the module docstring).

        task(setting, budget) -> (run row, curve rows), run in other processes: a module's
        top-level function. metadata(progress) -> the JSON to store (see Progress).
        same_study(stored) -> "" if the stored unfinished study is this one, else what
        differs (e.g. "other code"). keep(row): a stored row of another study that shares
        these files (e.g. another variant's), to keep. order(key) sorts the finished tables
        (default: as `todo`). describe(setting, run) -> a line to print for each run.
        Returns the final metadata."""
        started = time.perf_counter()
        stored = self.stored_metadata()
        wanted = {self.key_of(s) for s in todo}
        resume = stored is not None and stored.get("complete") is False
        if resume and fresh:
            print(f"--fresh: dropping the unfinished study's rows in {self.out.name}",
                  flush=True)
            resume = False
        elif resume:
            differs = same_study(stored)
            if differs:
                raise SystemExit(
                    f"{self.metadata_path} holds an unfinished study of {differs}: not mixing "
                    f"its rows with these runs. Finish it (run its command again: "
                    f"{stored.get('command', '?')}), or pass --fresh to drop its rows.")
        old_runs, old_curves = read_rows(self.out), read_rows(self.curves)
        if resume:
            run_rows = [r for r in old_runs if self.key_of(r) in wanted]
        else:
            run_rows = []
        done = {self.key_of(r) for r in run_rows}
        others = [r for r in old_runs if self.key_of(r) not in wanted and keep(r)]
        stay = done | {self.key_of(r) for r in others}
        # Curve rows of a run whose run row was not written (killed in between) go too.
        kept_curves = [r for r in old_curves if self.key_of(r) in stay]
        write_csv(self.curves, self.curve_columns, kept_curves)
        write_csv(self.out, self.run_columns, others + run_rows)
        progress = Progress(run_rows, sum(self.key_of(r) in done for r in kept_curves),
                            stored.get("wall_seconds", 0) if resume else 0, False, len(todo),
                            stored)
        before = progress.wall_seconds

        def update(complete=False):
            progress.wall_seconds = round(before + time.perf_counter() - started, 1)
            progress.complete = complete
            result = metadata(progress)
            self.write_metadata(result)
            return result

        update()
        remaining = [s for s in todo if self.key_of(s) not in done]
        backend = (f"ray ({ray_address})" if ray_address else
                   f"{workers} process" + "es" * (workers > 1))
        print(f"{len(todo)} runs" + (f" ({len(done)} stored, {len(remaining)} to go)"
                                     if done else "") + f" on {backend}", flush=True)
        for setting, (run, curve) in runs(task, remaining, budget, workers, ray_address):
            key = self.key_of(run)
            if key in done:  # e.g. a retried task whose first result arrived too
                print(f"{key}: already stored, not stored again", flush=True)
                continue
            _append(self.curves, self.curve_columns, curve)
            _append(self.out, self.run_columns, [run])
            done.add(key)
            run_rows.append(run)
            progress.curve_rows += len(curve)
            update()
            line = describe(setting, run) if describe else str(setting)
            print(f"[{len(done)}/{len(todo)}] {time.perf_counter() - started:6.0f} s  {line}",
                  flush=True)

        position = {self.key_of(s): i for i, s in enumerate(todo)}
        order = order or position.__getitem__
        finished_runs = sorted(read_rows(self.out), key=lambda r: order(self.key_of(r)))
        finished_curves = sorted(read_rows(self.curves), key=lambda r: (
            order(self.key_of(r)), int(r["iteration"])))
        write_csv(self.curves, self.curve_columns, finished_curves)
        write_csv(self.out, self.run_columns, finished_runs)
        final = update(complete=True)
        print(f"wrote {len(finished_runs)} runs and {len(finished_curves)} evaluations next "
              f"to {self.out} in {progress.wall_seconds:.0f} s", flush=True)
        return final
