"""The commands the READMEs show still work: their make targets, programs, scripts and modules.

Cheap checks, no command is run for real: `make X` needs a rule for X in the Makefile;
`.venv/bin/PROGRAM` needs PROGRAM in this environment (and `jupyter SUB` a working `jupyter SUB`);
`python path/to/script.py` needs the script; `python -m module` needs the module. A placeholder
such as `book/NN_slug.ipynb` is skipped.
"""
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

READMES = [ROOT / "README.md", ROOT / "benchmarks" / "README.md"]
BIN = Path(sys.executable).parent
MAKEFILE = (ROOT / "Makefile").read_text()


def commands(text):
    """Shell commands in fenced code blocks and in inline code spans of a README."""
    lines = [line for block in re.findall(r"```(?:bash|sh|shell)?\n(.*?)```", text, re.S)
             for line in block.splitlines()]
    lines += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    found = []
    for line in lines:
        line = line.split("#")[0].strip()
        for part in re.split(r"&&|;", line):
            words = shlex.split(part.strip()) if part.strip() else []
            if words and (words[0] in ("make", "python", "python3")
                          or words[0].startswith(".venv/bin/")):
                found.append(words)
    return found


def problem(words):
    """What is wrong with one command, or None."""
    program = words[0].removeprefix(".venv/bin/")
    args = words[1:]
    if program == "make":
        missing = [t for t in args if "=" not in t and not t.startswith("-")
                   and not re.search(rf"^{re.escape(t)}:", MAKEFILE, re.M)]
        return f"no Makefile rule for {missing}" if missing else None
    if not (BIN / program).exists() and program not in ("python", "python3"):
        return f"{program} is not installed in the environment"
    if program == "jupyter" and args:
        done = subprocess.run([str(BIN / "jupyter"), args[0], "--version"],
                              capture_output=True, text=True, timeout=120)
        return None if done.returncode == 0 else f"`jupyter {args[0]}` fails: {done.stderr}"
    if program.startswith("python") and args:
        if args[0] == "-m":
            found = importlib.util.find_spec(args[1].split(".")[0]) is not None
            return None if found else f"no module {args[1]}"
        script = args[0]
        if script.endswith(".py") and "NN" not in script and not (ROOT / script).exists():
            return f"no script {script}"
    return None


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_readme_commands_work(readme):
    found = commands(readme.read_text())
    assert found, f"no commands found in {readme.name}"
    problems = {shlex.join(words): problem(words) for words in found}
    assert not {c: p for c, p in problems.items() if p}, problems


def test_the_two_commands_are_documented():
    found = commands((ROOT / "README.md").read_text())
    assert ["make", "book"] in found and ["make", "test"] in found
