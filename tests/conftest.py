import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_notebook(path):
    return json.loads(Path(path).read_text())


@pytest.fixture(scope="session")
def root():
    return ROOT

