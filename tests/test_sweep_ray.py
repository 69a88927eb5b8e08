"""The sweep runs unchanged on a Ray cluster: a local Ray head stands in for one.

`ray start --head` starts a head on this machine with 2 CPUs, as a reader would start one on a
cluster's first node; the sweep joins it with `--ray-address auto` (an explicit 127.0.0.1:PORT
does not connect: the head registers under the machine's own address). A small sweep (chapter 6's
defaults x 2 seeds, 300 iterations) then runs once through Ray and once in local processes, and
the two must give the same rows: same runs, same evaluations, bit for bit (same machine, same
code, same seeds; only the timing columns differ). The workers get the book's code as the
`dqnbook` package (Ray's py_modules), not from this repository. Before that, a stand-in study
whose tasks kill their own worker process on their first attempt checks that Ray retries them
and that each run is stored once. The tests share one head and stop it.
"""
import csv
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

import dqn_sweep
import study

pytestmark = pytest.mark.slow
# Chapter 6's defaults only (empty lists: no other value of any knob), 2 seeds.
SWEEP = [sys.executable, str(ROOT / "sweeps" / "dqn_sweep.py"), "--epsilons", "--gammas",
         "--layers", "--n-steps", "--taus", "--seeds", "0", "1", "--num-iterations", "300",
         "--eval-interval", "150"]
TIMING = {"train_seconds", "seconds_to_475", "run_seconds"}


def free_port():
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_head():
    ray = shutil.which("ray", path=str(Path(sys.executable).parent))
    assert ray, "the ray command is not installed (it is in requirements.txt)"
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    temp_dir = Path("/tmp") / f"ray-test-{os.getpid()}"  # Ray's socket paths must be short
    try:
        for attempt in (1, 2):  # on a loaded machine the head can time out starting: again
            started = subprocess.run(
                [ray, "start", "--head", f"--port={free_port()}", "--num-cpus=2",
                 "--include-dashboard=false", f"--temp-dir={temp_dir}",
                 "--disable-usage-stats"], env=env, timeout=180, capture_output=True,
                text=True)
            if started.returncode == 0:
                break
            subprocess.run([ray, "stop", "--force"], env=env, timeout=120,
                           capture_output=True)
        assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-2000:]
        yield env
    finally:
        subprocess.run([ray, "stop", "--force"], env=env, timeout=120, capture_output=True)
        shutil.rmtree(temp_dir, ignore_errors=True)


def rows(path):
    with open(path, newline="") as f:
        return [{k: v for k, v in r.items() if k not in TIMING} for r in csv.DictReader(f)]


def crash_once(setting, budget):
    """A stand-in task: on its first attempt it ends its worker process (as a crash or an
    out-of-memory kill would), leaving a marker file; on the next, it returns its row."""
    marker = Path(budget["markers"]) / f"seed-{setting['seed']}"
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        os._exit(1)
    run = {"seed": setting["seed"], "pid": os.getpid(), "crashed_pid": marker.read_text()}
    return run, [{"seed": setting["seed"], "iteration": 1}]


def test_a_task_whose_worker_dies_is_retried_and_stored_once(ray_head, tmp_path):
    results = study.Study(tmp_path / "crash.csv", ["seed"], ["seed", "pid", "crashed_pid"],
                          ["seed", "iteration"])
    final = results.run(
        crash_once, [{"seed": 0}, {"seed": 1}], {"markers": str(tmp_path)},
        lambda progress: {"runs": len(progress.run_rows), "complete": progress.complete},
        same_study=lambda stored: "", ray_address="auto")
    runs = study.read_rows(results.out)
    assert [r["seed"] for r in runs] == ["0", "1"], "one row per run"
    assert all(r["pid"] != r["crashed_pid"] for r in runs), "each ran again in a new worker"
    assert len(study.read_rows(results.curves)) == 2
    assert final == {"runs": 2, "complete": True}


def test_a_sweep_through_ray_equals_the_local_sweep(ray_head, tmp_path):
    through_ray, local = tmp_path / "ray.csv", tmp_path / "local.csv"
    done = subprocess.run(SWEEP + ["--ray-address", "auto", "--out", str(through_ray)],
                          env=ray_head, cwd=ROOT, timeout=900, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "on ray (auto)" in done.stdout
    subprocess.run(SWEEP + ["--workers", "2", "--out", str(local)], cwd=ROOT, timeout=900,
                   check=True, capture_output=True)
    ray_rows, local_rows = rows(through_ray), rows(local)
    assert len(ray_rows) == 2  # 2 seeds
    assert ray_rows == local_rows
    ray_curves = rows(dqn_sweep.curves_path(through_ray))
    assert len(ray_curves) == 2 * 2  # ... x evaluations at 150 and 300 iterations
    assert ray_curves == rows(dqn_sweep.curves_path(local))
