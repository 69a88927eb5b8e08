"""Benchmark of the book's two DQNs on CartPole-v1: how reliably and how fast they solve it.

    .venv/bin/python benchmarks/dqn_cartpole.py [--seeds 0 1 ... 19] [--chapters 5 6]
                                                [--variant NAME ...] [--workers 2]
                                                [--article-iterations 100]

A benchmark, not a test: it prints numbers and fails nothing. It runs the chapters' own code,
imported from the book's package (`dqnbook`, generated from the notebooks' `source` cells), with
each chapter's default settings:

- chapter 5's hand-written DQN: `train_dqn(seed=s, progress=False)`; its kept network is then
  played on 100 fresh episodes (`episode_returns(q_network, 100, HELD_OUT_SEED)`);
- chapter 6's TF-Agents DQN: `train_agent(DQNConfig(), seed=s, progress=False)`; its kept policy
  is saved with PolicySaver, reloaded, and played on 100 fresh episodes (from `HELD_OUT_SEED`).

- with `--variant NAME ...`, chapter 8's variants of chapter 6's agent (names from its
  `VARIANTS`: double_dqn, dqn, dueling, per, c51, rainbow): chapter 6's `train_agent` with the variant's
  build function and config changes, then the same save, reload and 100 fresh episodes.

Per seed: solved (the kept policy's mean over those 100 fresh episodes is >= 475), the training
iterations, environment steps and seconds (evaluation excluded) to the first periodic evaluation
>= 475, the kept policy's mean and minimum return over the 100 fresh episodes, the run's
iterations and its iterations/s. Chapter 6's runs come with one timing of the original
article's eager loop (`article_loop`, from the appendix on speed: the same agent and the same
work per iteration); speedup = median it/s of chapter 6's compiled loop over the article loop's.

Seeds run in `--workers` processes (default: 2; each chapter runs TensorFlow on one thread, so a
seed's numbers do not depend on the worker). Times depend on the machine and on what else runs
on it: compare them only within one run. The last line is exactly

    solved K/N median_s S speedup X kept_min R

for chapter 6 (and the same line, prefixed with `variant NAME:`, for each variant): K seeds
solved of N, S the median training seconds to the first evaluation >= 475 (a seed that never
gets there counts as infinitely slow), X the speed-up, R the smallest of the seeds' 100-episode
means of the kept policy.

With `--whole-graph`, the appendix's whole loop in one compiled graph (`train_whole_graph`,
chapter 6's agent and iteration) runs the seeds too, without XLA and with it
(`jit_compile=True`), beside chapter 6's loop and the article's eager loop in the same run.
It prints the time to reach 475 (median, with and without the first call's tracing and
compiling), environment steps to 475, iterations per second and the ratios; its kept
policies are played on 100 fresh episodes of Gymnasium's CartPole-v1 as chapter 6's are.
The last line is then exactly

    whole-graph solved K/N median_s S vs_agents X vs_article Y

for the faster of the two compilations end to end: K of N seeds solved, S its median
seconds to the first evaluation >= 475 (first call included), X chapter 6's median over
S, Y its median iterations/s over the article loop's. `--save` then writes
results/dqn_cartpole_whole_graph.csv and .json (and leaves dqn_cartpole.csv alone).

With `--save`, the rows go to benchmarks/results/dqn_cartpole.csv and the summary (with each
chapter's code digest: `dqnbook.code_digest` of the names in USES) to dqn_cartpole.json.
Those files are committed: the chapters' prose states ranges over seeds from them, and tests/test_benchmark.py
checks that the stored results still back those claims and come from the chapters' current code.
"""
import argparse
import csv
import importlib
import json
import math
import os
import statistics
import tempfile
import time
from pathlib import Path

import dqnbook
from sweeps.study import metadata_block, run_in_processes

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = {5: "ch05_dqn_by_hand", 6: "ch06_dqn_tf_agents",
            8: "ch08_rainbow",  # 8: only for --variant
            "speed": "appendix_speed"}  # the article's eager loop
RESULTS = ROOT / "benchmarks" / "results" / "dqn_cartpole.csv"
WHOLE_GRAPH_RESULTS = RESULTS.with_name("dqn_cartpole_whole_graph.csv")
WHOLE_GRAPH = {"whole-graph": False, "whole-graph-xla": True}  # key: jit_compile
COLUMNS = ["chapter", "seed", "solved", "iterations_to_475", "env_steps_to_475",
           "seconds_to_475", "kept_mean", "kept_min", "iterations", "iterations_per_second"]
FRESH_EPISODES = 100
# The chapters' names the benchmark uses: a stored digest covers their definitions and those of
# everything they use (dqnbook.code_digest), so the results go stale only when that code changes.
USES = {5: ["train_dqn", "episode_returns", "HELD_OUT_SEED"],
        6: ["DQNConfig", "train_agent", "save_and_reload", "evaluate_greedy",
            "greedy_action_fn", "HELD_OUT_SEED"],
        "speed": ["article_loop"],
        "whole-graph": ["train_whole_graph", "greedy_numpy"]}
SOLVED = 475.0


def chapter(number):
    """The chapter's module, with TensorFlow on one thread as the chapters run it (faster for
    small networks, and a seed's numbers do not depend on the machine's cores)."""
    import tensorflow as tf
    if tf.config.threading.get_intra_op_parallelism_threads() != 1:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    return importlib.import_module(f"dqnbook.{CHAPTERS[number]}")


def train_chapter5(seed):
    ch = chapter(5)
    result = ch.train_dqn(seed=seed, progress=False)
    kept = ch.episode_returns(result["q_network"], FRESH_EPISODES, ch.HELD_OUT_SEED)
    iterations = result["iteration"][-1]  # the run stops at an evaluation
    return dict(iterations_to_475=result["iterations_to_475"],
                env_steps_to_475=result["iterations_to_475"],  # one step each
                seconds_to_475=result["seconds_to_475"], iterations=iterations,
                iterations_per_second=result["steps_per_second"],
                kept_mean=float(kept.mean()), kept_min=float(kept.min()))


def run_chapter6(seed, variant=None):
    """Chapter 6's agent, or with `variant` the agent of chapter 8's VARIANTS[variant]."""
    ch6 = chapter(6)  # the training loop, and saving and reloading, are chapter 6's
    build, changes = chapter(8).VARIANTS[variant] if variant else (None, {})  # None: its own
    result = ch6.train_agent(ch6.DQNConfig(**changes), seed=seed, progress=False, build=build)
    with tempfile.TemporaryDirectory() as directory:
        policy = ch6.save_and_reload(result.agent.policy, os.path.join(directory, "policy"))
        kept = ch6.evaluate_greedy(ch6.greedy_action_fn(policy), FRESH_EPISODES,
                                   seed=chapter(5).HELD_OUT_SEED)
    return dict(iterations_to_475=result.iterations_to_475,
                env_steps_to_475=result.env_steps_to_475,
                seconds_to_475=result.seconds_to_475, iterations=result.iterations,
                iterations_per_second=result.iterations_per_second,
                kept_mean=float(kept.mean()), kept_min=float(kept.min()))


def run_whole_graph(seed, jit_compile):
    """The appendix's whole loop in one graph, then its kept policy on 100 fresh episodes
    of Gymnasium's CartPole-v1 (from HELD_OUT_SEED), as chapter 6's."""
    ch6, speed = chapter(6), chapter("speed")
    result = speed.train_whole_graph(ch6.DQNConfig(), seed=seed, jit_compile=jit_compile,
                                     progress=False)
    kept = ch6.evaluate_greedy(speed.greedy_numpy(result.weights), FRESH_EPISODES,
                               seed=chapter(5).HELD_OUT_SEED)
    return dict(iterations_to_475=result.iterations_to_475,
                env_steps_to_475=result.env_steps_to_475,
                seconds_to_475=result.seconds_to_475, first_call=result.compile_seconds,
                iterations=result.iterations,
                iterations_per_second=result.iterations_per_second,
                confirmed=result.kept_confirmed,
                kept_mean=float(kept.mean()), kept_min=float(kept.min()))


def article_speed(iterations):
    return chapter("speed").article_loop(chapter(6).DQNConfig(), num_iterations=iterations)


def call(run, _budget):
    """One run in a worker process: (function, its arguments, its key) -> function(*arguments)."""
    function, arguments, _ = run
    return function(*arguments)


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def print_row(number, seed, row):
    label = f"ch{number}" if isinstance(number, int) else number
    solved = "yes" if row["kept_mean"] >= SOLVED else "no"
    print(f"{label:>10} {seed:>4} {solved:>6} "
          f"{fmt(row['iterations_to_475'], ','):>7} {fmt(row['env_steps_to_475'], ','):>7} "
          f"{fmt(row['seconds_to_475'], '.1f'):>6} {row['kept_mean']:>6.2f} "
          f"{row['kept_min']:>5.0f} {row['iterations']:>7,} "
          f"{row['iterations_per_second']:>6.0f}", flush=True)


def summary(rows):
    """(K, N, median seconds to target, median it/s, smallest kept mean) over `rows`."""
    solved = sum(row["kept_mean"] >= SOLVED for row in rows)
    seconds = [row["seconds_to_475"] if row["kept_mean"] >= SOLVED
               and row["seconds_to_475"] is not None else math.inf for row in rows]
    steps = [row["env_steps_to_475"] or math.inf for row in rows]
    return dict(solved=solved, n=len(rows), median_s=statistics.median(seconds),
                median_steps=statistics.median(steps),
                median_rate=statistics.median(row["iterations_per_second"] for row in rows),
                kept_min=min(row["kept_mean"] for row in rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(20)))
    parser.add_argument("--chapters", type=int, nargs="*", default=[5, 6], choices=[5, 6],
                        help="chapters to run (none: only the --variant ones)")
    parser.add_argument("--variant", nargs="+", default=[], metavar="NAME",
                        help="chapter 8's variants to run as well, by name "
                             "(its VARIANTS: double_dqn dqn dueling per c51)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--article-iterations", type=int, default=100)
    parser.add_argument("--whole-graph", action="store_true",
                        help="also the appendix's loop in one graph, with and without XLA, "
                             "beside chapter 6's (implied) and the article's")
    parser.add_argument("--save", action="store_true",
                        help=f"write the results to {RESULTS.relative_to(ROOT)} and .json")
    args = parser.parse_args()
    if args.workers < 1 or args.article_iterations < 1 or min(args.seeds) < 0:
        parser.error("--workers and --article-iterations must be >= 1, seeds >= 0")
    if args.whole_graph:
        if args.variant:
            parser.error("--whole-graph runs alone: no --variant")
        args.chapters = [6]  # the ratios need chapter 6's loop in the same run
    if args.variant:
        names = variant_names()
        unknown = [name for name in args.variant if name not in names]
        if unknown:
            parser.error(f"--variant: unknown {unknown}; chapter 8 has {names}")
        if args.save:
            parser.error("--save stores chapters 5 and 6 only; run variants without it")
    if not args.chapters and not args.variant:
        parser.error("nothing to run: give --chapters or --variant")

    started = time.perf_counter()
    needs_article = 6 in args.chapters or args.variant
    # (function, its arguments, the row's key: a chapter's number or a variant's name)
    runs = [(article_speed, (args.article_iterations,), "article")] if needs_article else []
    wholes = list(WHOLE_GRAPH) if args.whole_graph else []
    for seed in args.seeds:  # seed by seed: the loops compared meet the same machine load
        runs += [(train_chapter5 if number == 5 else run_chapter6, (seed,), number)
                 for number in args.chapters]
        runs += [(run_whole_graph, (seed, WHOLE_GRAPH[key]), key) for key in wholes]
    runs += [(run_chapter6, (seed, name), name) for seed in args.seeds for name in args.variant]
    print(f"{len(runs)} runs on {args.workers} worker processes")
    print(f"{'ch/variant':>10} {'seed':>4} {'solved':>6} {'it->475':>7} {'st->475':>7} {'s->475':>6} "
          f"{'kept':>6} {'min':>5} {'its':>7} {'it/s':>6}")
    rows, article = {n: {} for n in args.chapters + args.variant + wholes}, None
    # The sweeps' pool: spawned processes (a fresh TensorFlow in each) that end with this one.
    for (function, arguments, key), value in run_in_processes(call, runs, None, args.workers):
        seed = arguments[0]
        if key == "article":
            article = value
            print(f"article's eager loop: {article:.2f} it/s over "
                  f"{args.article_iterations} iterations", flush=True)
        else:
            rows[key][seed] = value
            print_row(key, seed, value)

    print(f"\nall runs: {time.perf_counter() - started:.0f} s wall; sorted by seed:")
    for number in args.chapters + args.variant + wholes:
        for seed in args.seeds:
            print_row(number, seed, rows[number][seed])
    for number in args.chapters:
        s = summary(list(rows[number].values()))
        print(f"chapter {number}: solved {s['solved']}/{s['n']}, median env steps to 475 "
              f"{s['median_steps']:,.0f}, median seconds to 475 {s['median_s']:.1f}, "
              f"median {s['median_rate']:.0f} it/s, smallest kept mean {s['kept_min']:.2f}")
    if args.whole_graph:
        line = whole_graph_summary(rows, article)
        if args.save:
            save_whole_graph(args, rows, article, line, time.perf_counter() - started)
        print(f"chapter 6: {summary_line(summary(list(rows[6].values())), article)}")
        print(f"whole-graph solved {line['solved']}/{line['n']} median_s "
              f"{line['median_s']:.1f} vs_agents {line['vs_agents']:.1f} "
              f"vs_article {line['vs_article']:.0f}")
        return
    if args.save:
        save(args, rows, article, time.perf_counter() - started)
    for name in args.variant:
        print(f"variant {name}: " + summary_line(summary(list(rows[name].values())), article))
    if 6 in args.chapters:
        print(summary_line(summary(list(rows[6].values())), article))


def whole_graph_summary(rows, article):
    """Both compilations' figures, and the line's for the faster end to end (median
    seconds to 475, the first call included)."""
    agents = summary(list(rows[6].values()))
    figures = {}
    for key in WHOLE_GRAPH:
        values = list(rows[key].values())
        s = summary(values)
        solved = [row for row in values if row["kept_mean"] >= SOLVED
                  and row["confirmed"] and row["seconds_to_475"] is not None]
        s["solved"] = len(solved)  # solved and confirmed on Gymnasium
        s["median_first"] = statistics.median(row["first_call"] for row in values)
        s["median_s_without_first"] = statistics.median(
            [row["seconds_to_475"] - row["first_call"] for row in solved]
            + [math.inf] * (len(values) - len(solved)))
        figures[key] = s
        print(f"{key}: solved {s['solved']}/{s['n']}, median env steps to 475 "
              f"{s['median_steps']:,.0f}, median seconds to 475 {s['median_s']:.1f} "
              f"({s['median_s_without_first']:.1f} without the first call, median "
              f"{s['median_first']:.1f} s), median {s['median_rate']:.0f} it/s, "
              f"x{s['median_rate'] / article:.0f} the article's, smallest kept mean "
              f"{s['kept_min']:.2f}")
    kept = min(WHOLE_GRAPH, key=lambda key: figures[key]["median_s"])
    best = figures[kept]
    return dict(kept=kept, jit_compile=WHOLE_GRAPH[kept], solved=best["solved"],
                n=best["n"], median_s=best["median_s"], median_first=best["median_first"],
                median_steps=best["median_steps"], median_rate=best["median_rate"],
                agents_median_s=agents["median_s"],
                vs_agents=agents["median_s"] / best["median_s"],
                vs_article=best["median_rate"] / article, figures=figures)


def save_whole_graph(args, rows, article, line, wall_seconds):
    """The rows of chapter 6 and both compilations, and a summary with code digests."""
    columns = ["loop", "seed", "solved"] + COLUMNS[3:] + ["first_call", "confirmed"]
    with open(WHOLE_GRAPH_RESULTS, "w", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        for key in [6, *WHOLE_GRAPH]:
            for seed in args.seeds:
                row = rows[key][seed]
                writer.writerow({"loop": "ch6" if key == 6 else key, "seed": seed,
                                 "solved": row["kept_mean"] >= SOLVED, **row})
    metadata = metadata_block(
        script="benchmarks/dqn_cartpole.py", argv=None, packages=["tensorflow", "gymnasium"],
        fresh_episodes=FRESH_EPISODES, solved_threshold=SOLVED, seeds=args.seeds,
        workers=args.workers, cores=os.cpu_count(), wall_seconds=round(wall_seconds),
        article_iterations_per_second=article, line=line,
        code_digests={key: dqnbook.code_digest(CHAPTERS[key if key == 6 else "speed"],
                                               USES[key])
                      for key in (6, "speed", "whole-graph")})
    WHOLE_GRAPH_RESULTS.with_suffix(".json").write_text(
        json.dumps(metadata, indent=1) + "\n")


def summary_line(s, article):
    return (f"solved {s['solved']}/{s['n']} median_s {s['median_s']:.1f} "
            f"speedup {s['median_rate'] / article:.1f} kept_min {s['kept_min']:.2f}")


def variant_names():
    """The names of chapter 8's VARIANTS."""
    return list(chapter(8).VARIANTS)


def save(args, rows, article, wall_seconds):
    """The tidy rows (one per chapter and seed) and a summary with the code's digests."""
    RESULTS.parent.mkdir(exist_ok=True)
    with open(RESULTS, "w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        for number in args.chapters:
            for seed in args.seeds:
                row = rows[number][seed]
                writer.writerow({"chapter": number, "seed": seed,
                                 "solved": row["kept_mean"] >= SOLVED,
                                 **{k: row[k] for k in COLUMNS[3:]}})
    summaries = {number: summary(list(rows[number].values())) for number in args.chapters}
    metadata = metadata_block(
        script="benchmarks/dqn_cartpole.py", argv=None,
        fresh_episodes=FRESH_EPISODES, solved_threshold=SOLVED, seeds=args.seeds,
        workers=args.workers, cores=os.cpu_count(), wall_seconds=round(wall_seconds),
        article_iterations_per_second=article,
        speedup=article and summaries[6]["median_rate"] / article,
        summaries=summaries,
        code_digests={number: dqnbook.code_digest(CHAPTERS[number], USES[number])
                      for number in args.chapters + ["speed"] * (6 in args.chapters)})
    RESULTS.with_suffix(".json").write_text(json.dumps(metadata, indent=1) + "\n")


if __name__ == "__main__":
    main()
