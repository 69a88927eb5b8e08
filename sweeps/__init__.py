"""The studies that precompute the book's long runs (see README.md); `sweeps.study` runs and
stores them, and the benchmark (benchmarks/dqn_cartpole.py) uses its process pool too."""
