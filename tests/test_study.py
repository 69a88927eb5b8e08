"""The studies in sweeps/ store each run as it finishes and resume when killed (sweeps/study.py).

The first tests drive `study.Study` with a stand-in task that trains nothing (it sleeps a
little and records which process ran which run), so they take seconds: a study killed with
SIGKILL after its first run is stored resumes with the same arguments, runs only what is
missing, and ends with every run exactly once; an unfinished study of other code is not mixed
with new runs (unless --fresh); a line cut short, curve rows without their run row and a run
that arrives twice (a retried task) leave no trace. The last test does the same kill and resume
with sweeps/dqn_sweep.py itself, training chapter 6's agent for a few iterations.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

import study

# A study of six stand-in runs (seeds 0-5). Each run takes `sleep` seconds and returns the
# process id that ran it; each also leaves a line "seed pid" in calls.txt, so a test can see
# which runs each session ran.
STAND_IN = '''
import os, sys, time
from pathlib import Path
import study

OUT = Path(sys.argv[1])
CODE = sys.argv[2]


def task(setting, budget):
    time.sleep(budget["sleep"])
    with open(OUT.parent / "calls.txt", "a") as f:
        f.write(f"{setting['seed']} {os.getpid()}\\n")
    run = {"seed": setting["seed"], "value": setting["seed"] * 10, "pid": os.getpid(),
           "run_seconds": budget["sleep"]}
    return run, [{"seed": setting["seed"], "iteration": i, "pid": os.getpid()}
                 for i in (1, 2)]


def metadata(progress):
    return study.metadata_block("stand_in.py", [], code_digest=CODE,
                                runs=len(progress.run_rows), curve_rows=progress.curve_rows,
                                complete=progress.complete,
                                wall_seconds=progress.wall_seconds)


if __name__ == "__main__":
    study.Study(OUT, ["seed"], ["seed", "value", "pid", "run_seconds"],
                ["seed", "iteration", "pid"]).run(
        task, [{"seed": s} for s in range(6)], {"sleep": float(sys.argv[3])}, metadata,
        same_study=lambda stored: "" if stored["code_digest"] == CODE else "other code",
        fresh="--fresh" in sys.argv, workers=int(sys.argv[4]))
'''


def read(path):
    return study.read_rows(Path(path))


@pytest.fixture
def stand_in(tmp_path):
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    out = tmp_path / "results" / "study.csv"
    out.parent.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "sweeps"), os.environ.get("PYTHONPATH", "")])}

    def command(code="digest-1", sleep=0.3, workers=1, *extra):
        return [sys.executable, str(script), str(out), code, str(sleep), str(workers),
                *extra], env

    return out, command


def start_and_kill_after_first_run(command, out, env, timeout=120):
    """Starts `command`, SIGKILLs it as soon as `out` holds a run row."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not (out.exists() and read(out)):
        assert process.poll() is None, "the study ended before it was killed"
        assert time.monotonic() < deadline, "no run was stored in time"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()


def alive(pid):
    """Whether process `pid` runs (a zombie, ended but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def calls(out):
    return [tuple(map(int, line.split())) for line in
            (out.parent / "calls.txt").read_text().splitlines()]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_killed_study_resumes_and_redoes_no_run(stand_in, workers):
    out, command = stand_in
    argv, env = command(workers=workers)
    start_and_kill_after_first_run(argv, out, env)
    stored = read(out)
    metadata = json.loads(out.with_suffix(".json").read_text())
    assert metadata["complete"] is False and len(stored) < 6
    if workers > 1:  # the pool's processes end with the study's
        pool = {pid for _, pid in calls(out)}
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in pool):
            assert time.monotonic() < deadline, "the pool's processes outlived the study"
            time.sleep(0.1)
    assert metadata["runs"] in (len(stored), len(stored) - 1)  # killed before its update
    first_session = {row["seed"]: row for row in stored}

    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"6 runs ({len(stored)} stored, {6 - len(stored)} to go)" in done.stdout
    runs, curves = read(out), read(study.curves_path(out))
    assert [r["seed"] for r in runs] == [str(s) for s in range(6)], "each run once, in order"
    assert [(r["seed"], r["iteration"]) for r in curves] == [
        (str(s), str(i)) for s in range(6) for i in (1, 2)]
    for seed, row in first_session.items():  # the stored runs were kept, not run again
        assert next(r for r in runs if r["seed"] == seed) == row
    second_session = {pid for _, pid in calls(out)} - {int(r["pid"]) for r in stored}
    rerun = [seed for seed, pid in calls(out) if pid in second_session]
    assert not set(map(str, rerun)) & set(first_session)
    assert all(c["pid"] == runs[int(c["seed"])]["pid"] for c in curves)
    metadata = json.loads(out.with_suffix(".json").read_text())
    assert metadata["complete"] is True and metadata["runs"] == 6
    assert metadata["curve_rows"] == 12

    again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "6 runs on" in again.stdout  # finished: replaced
    assert [r["seed"] for r in read(out)] == [str(s) for s in range(6)]


def test_an_unfinished_study_of_other_code_is_not_mixed_with_new_runs(stand_in):
    out, command = stand_in
    argv, env = command(code="digest-1")
    start_and_kill_after_first_run(argv, out, env)
    stored = read(out)
    other, env = command(code="digest-2", sleep=0)
    refused = subprocess.run(other, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "unfinished study of other code" in refused.stderr and "--fresh" in refused.stderr
    assert read(out) == stored, "the refusal changed the stored rows"

    fresh, env = command("digest-2", 0, 1, "--fresh")
    done = subprocess.run(fresh, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "6 runs on" in done.stdout  # none of the other code's runs were kept
    metadata = json.loads(out.with_suffix(".json").read_text())
    assert metadata["code_digest"] == "digest-2" and metadata["complete"] is True
    assert len(read(out)) == 6


def stand_in_study(tmp_path):
    return study.Study(tmp_path / "s.csv", ["name", "seed"], ["name", "seed", "value"],
                       ["name", "seed", "iteration"])


def stand_in_task(setting, budget):
    return ({**setting, "value": 1},
            [{**setting, "iteration": i} for i in range(budget["evaluations"])])


def metadata(progress):
    return {"complete": progress.complete, "runs": len(progress.run_rows),
            "curve_rows": progress.curve_rows}


def test_a_cut_line_orphan_curves_and_a_run_arriving_twice_leave_no_trace(
        tmp_path, monkeypatch):
    s = stand_in_study(tmp_path)
    todo = [{"name": n, "seed": seed} for n in ("a", "b") for seed in (0, 1)]
    # As a killed study can leave them: a, 0 stored; b, 1's curve rows stored but not its run
    # row; a, 1's run row cut short in the middle.
    s.out.write_text("name,seed,value\na,0,1\na,1")
    s.curves.write_text("name,seed,iteration\na,0,0\nb,1,0\nb,1,1\n")
    s.write_metadata({"complete": False})
    arrivals = []

    def twice(task, todo, budget, workers=1, ray_address=None):  # as a retried task could
        for setting in todo:
            arrivals.append(setting)
            yield setting, task(setting, budget)
            yield setting, task(setting, budget)

    monkeypatch.setattr(study, "runs", twice)
    final = s.run(stand_in_task, todo, {"evaluations": 2}, metadata, same_study=lambda m: "")
    assert arrivals == todo[1:], "a, 0 was stored: not run again"
    assert [(r["name"], r["seed"]) for r in study.read_rows(s.out)] == [
        (t["name"], str(t["seed"])) for t in todo]
    assert [(r["name"], r["seed"], r["iteration"]) for r in study.read_rows(s.curves)] == [
        ("a", "0", "0")] + [(t["name"], str(t["seed"]), str(i)) for t in todo[1:]
                            for i in (0, 1)]
    assert final == {"complete": True, "runs": 4, "curve_rows": 7}


def test_rows_of_other_parts_of_the_files_stay(tmp_path):
    """As sweeps/variant_study.py keeps the other variants' rows."""
    s = stand_in_study(tmp_path)
    s.out.write_text("name,seed,value\na,0,7\nb,0,7\n")
    s.curves.write_text("name,seed,iteration\na,0,0\nb,0,0\n")
    s.write_metadata({"complete": True})
    order = {"a": 0, "b": 1}
    s.run(stand_in_task, [{"name": "b", "seed": 1}, {"name": "b", "seed": 0}],
          {"evaluations": 1}, metadata, same_study=lambda m: "",
          keep=lambda row: row["name"] != "b",
          order=lambda key: (order[key[0]], int(key[1])))
    assert [(r["name"], r["seed"], r["value"]) for r in study.read_rows(s.out)] == [
        ("a", "0", "7"), ("b", "0", "1"), ("b", "1", "1")]


def test_metadata_block():
    block = study.metadata_block("sweeps/x.py", ["--seeds", 1], packages=("numpy",),
                                 budget={"layers": (1, 2)})
    assert list(block) == ["command", "budget", "cpu_count", "versions", "finished"]
    assert block["command"] == "python sweeps/x.py --seeds 1"
    assert block["budget"] == {"layers": [1, 2]} and "numpy" in block["versions"]
