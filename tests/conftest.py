import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))


def load_notebook(path):
    return json.loads(Path(path).read_text())


@pytest.fixture(scope="session")
def root():
    return ROOT


# pytest-xdist (`-n`, `--dist loadgroup`, see pytest.ini) keeps each notebook, each seed re-run
# and the browser tests (one book build) on one worker, and hands out these units in collection
# order. Long units go first, so that the two cores finish together rather than one waiting for
# a long unit started last. Rough costs in seconds on a 2-core machine; only the order matters.
UNIT_COSTS = [("test_browser.py", 600), ("05_", 200), ("test_colab_install.py", 200),
              ("04_", 90), ("test_sweep.py", 60), ("06_", 40), ("03_", 30)]


def pytest_collection_modifyitems(items):
    def cost(item):
        return next((c for pattern, c in UNIT_COSTS if pattern in item.nodeid), 0)

    items.sort(key=cost, reverse=True)  # stable: a notebook's cells keep their order
