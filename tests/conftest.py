import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_notebook(path):
    return json.loads(Path(path).read_text())


@pytest.fixture(scope="session")
def root():
    return ROOT



CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's; `make browser` installs it
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, one per test process for every test that needs it: Playwright's sync
    API cannot start a second one while the first runs (tests/test_browser.py keeps its own
    for the whole session)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: run `make browser` (as root)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
