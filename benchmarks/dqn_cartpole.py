"""Benchmark of chapter 5's TF-Agents DQN on CartPole-v1 (a benchmark, not a timed test).

    .venv/bin/python benchmarks/dqn_cartpole.py [--seeds 0 1 2 3 4] [--article-iterations 100]

Same code as the chapter. The notebook book/05_dqn_tf_agents.ipynb is the only copy of the code.
This script executes, in order, every code cell above the chapter's heading "## Training the
agent" (the environment adapters, `DQNConfig`, `make_agent`, `evaluate_greedy`, `article_loop`,
`train_agent` and the chapter's default `config`), skipping cells tagged `raises-exception`, and
from the rest of the chapter only the code cells made of nothing but imports, function and class
definitions (such as `save_and_reload`). Nothing is re-implemented here, so the benchmark cannot
drift from what the chapter teaches; if the chapter changes shape, this script fails loudly.

What is measured, for each seed, with the chapter's default configuration:

- solved: the greedy policy's mean return over 20 evaluation episodes reached 475 at one of the
  periodic evaluations (every 250 iterations), and 20 more episodes with fresh seeds confirmed it;
  training then stops and the best policy is kept;
- iterations and training seconds to that point: wall time with evaluation excluded; it includes
  building the agent, the 1,000 initial random steps and tracing the compiled iteration;
- eval_s: the evaluation time, reported separately;
- it/s: iterations per second of the compiled training loop (the tracing call excluded);
- reloaded: the kept policy is saved with PolicySaver, loaded with tf.saved_model.load and
  evaluated on 20 new episodes (seeds from 30,000); a seed counts as solved in the last line only
  if this is >= 475 as well.

One iteration = one step in each of 4 CartPoles (4 transitions) + 2 gradient steps on batches of
128. The original article's loop (an eager call of the collect policy per environment step,
`trajectory.from_transition`, `replay_buffer.add_batch`, `next(iterator)`, eager `agent.train`;
TF-Agents does not compile `agent.train` in TensorFlow 2 unless you wrap it yourself) is the
chapter's `article_loop`: the same agent and the same work per iteration (4 environment steps in
one CartPole, 2 gradient steps). It runs `--article-iterations` timed iterations in the same
process, after the seeds. speedup = median it/s of the compiled loop over the seeds / the article
loop's it/s.

The chapter sets TensorFlow to one thread, so the numbers of a seed do not depend on the number of
cores; times do depend on the machine and on what else runs on it.

The last line is exactly `solved K/N median_s S speedup X`, where S is the median over the seeds
of the training seconds to the threshold (a seed that does not solve counts as infinitely slow).
"""
import argparse
import ast
import contextlib
import io
import json
import linecache
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

CHAPTER = Path(__file__).resolve().parents[1] / "book" / "05_dqn_tf_agents.ipynb"
STOP_HEADING = "## Training the agent"


def is_definitions_only(source):
    """True if the cell holds only imports, function and class definitions."""
    allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    body = ast.parse(source).body
    return bool(body) and all(isinstance(node, allowed) for node in body)


def chapter_namespace(path=CHAPTER):
    """Executes the chapter's code as described in the module docstring; its globals."""
    cells = json.loads(path.read_text())["cells"]
    headings = ["".join(c["source"]).lstrip() for c in cells if c["cell_type"] == "markdown"]
    if not any(h.startswith(STOP_HEADING) for h in headings):
        sys.exit(f"{path.name}: no heading {STOP_HEADING!r}; update this benchmark")
    namespace = {"__name__": "chapter05"}
    before_training = True
    for index, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            before_training &= not source.lstrip().startswith(STOP_HEADING)
            continue
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        if not before_training and not is_definitions_only(source):
            continue
        filename = f"<{path.name} cell {index}>"  # AutoGraph needs to see the source
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, filename, "exec"), namespace)
    return namespace


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--article-iterations", type=int, default=100)
    args = parser.parse_args()

    started = time.perf_counter()
    ns = chapter_namespace()
    config = ns["config"]
    print(f"chapter code loaded in {time.perf_counter() - started:.1f} s; config: {config}")
    print(f"{'seed':>4} {'solved':>6} {'iterations':>10} {'train_s':>8} {'eval_s':>7} "
          f"{'it/s':>7} {'reloaded':>8}", flush=True)
    seconds, rates, solved = [], [], 0
    for seed in args.seeds:
        result = ns["train_agent"](config, seed=seed, progress=False)
        with tempfile.TemporaryDirectory() as directory:
            policy = ns["save_and_reload"](result.agent.policy, os.path.join(directory, "p"))
            reloaded = ns["evaluate_greedy"](ns["greedy_action_fn"](policy),
                                             num_episodes=20, seed=ns["RELOAD_SEED"]).mean()
        ok = result.solved and reloaded >= config.target_return
        solved += ok
        seconds.append(result.seconds_to_target if ok else math.inf)
        rates.append(result.iterations_per_second)
        iterations = f"{result.iterations_to_target:,}" if result.solved else "-"
        train_s = f"{result.seconds_to_target:.1f}" if result.solved else "-"
        print(f"{seed:>4} {'yes' if ok else 'no':>6} {iterations:>10} {train_s:>8} "
              f"{result.eval_seconds:>7.1f} {result.iterations_per_second:>7.1f} "
              f"{reloaded:>8.1f}", flush=True)

    article = ns["article_loop"](config, num_iterations=args.article_iterations)
    ours = statistics.median(rates)
    print(f"article's loop: {article:.2f} it/s over {args.article_iterations} iterations "
          f"(same agent, same work per iteration); ours: median {ours:.1f} it/s")
    median_s = statistics.median(seconds)
    print(f"solved {solved}/{len(args.seeds)} median_s {median_s:.1f} "
          f"speedup {ours / article:.1f}")


if __name__ == "__main__":
    main()
