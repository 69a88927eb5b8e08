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

