"""Test-run set-up for the whole repository (tests/conftest.py has the tests' helpers)."""
from pathlib import Path

import pytest

# Keeps each notebook as nbval executed it, for the browser test's book (tools/executed_notebooks.py).
pytest_plugins = ["executed_notebooks"]


# pytest-xdist (`-n`, `--dist loadgroup`, see the Makefile) must keep each notebook's cells on
# one worker, in order, in one kernel: every nbval item gets its notebook as its xdist group (a
# seed re-run and the browser tests, one book build, have groups of their own). Units are handed
# out in collection order. Long units go first, so that the workers finish together rather than
# one waiting for a long unit started last. Rough CPU seconds of each unit on a 2-core machine
# (from a fresh clone's run in December 2026; a seed re-run costs about the same as its
# notebook's nbval run); only the order matters.
UNIT_COSTS = [("06_", 150), ("test_sweep_ray.py", 130), ("05_", 100), ("08_", 90),
              ("test_colab_install.py", 80), ("appendix_speed", 65), ("04_", 35), ("09_", 35),
              ("07_", 25), ("test_sweep.py", 20)]
# The browser tests build the book from the notebooks as nbval executes them in this run
# (tools/executed_notebooks.py) and wait for every one: they come after all of nbval, whose last
# (shortest) notebooks are then running or done, and before the seed re-runs and other tests,
# which keep the other workers busy meanwhile (after them, the book's build would be a tail).
BROWSER = "tests/test_browser.py::"


@pytest.hookimpl(tryfirst=True)  # before xdist turns groups into scopes
def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb" and not any(item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.xdist_group(path.name))
        if hasattr(item, "output_timeout"):
            # nbval waits only 5 s for a cell's outputs once the cell has finished; on a
            # loaded 2-core machine a plot can take longer to arrive. Wait up to a minute.
            item.output_timeout = 60

    def cost(item):
        return next((c for pattern, c in UNIT_COSTS if pattern in item.nodeid), 0)

    def stage(item):  # nbval, then the browser tests, then the rest
        if Path(str(item.fspath)).suffix == ".ipynb":
            return 0
        return 1 if item.nodeid.startswith(BROWSER) else 2

    # Stable: a notebook's cells keep their order.
    items.sort(key=lambda item: (stage(item), -cost(item)))
