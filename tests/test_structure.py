"""The book's structure: table of contents, the Colab cell, stored outputs, tags, configuration."""
import ast
import re
import subprocess

import pytest
import yaml

import notebooks
from conftest import ROOT, load_notebook

NOTEBOOKS = notebooks.notebooks()
# (nbval-ignore-output is not among them: under --nbval-lax nbval compares no output that is not
# tagged nbval-check-output, so it would do nothing.)
ALLOWED_TAGS = {"hide-input", "hide-output", "remove-cell", "remove-input", "remove-output",
                "raises-exception", "nbval-check-output", "nbval-skip",
                "skip-execution", "parameters", notebooks.SOURCE_TAG}
MAX_NOTEBOOK_BYTES = 250_000  # no outputs; chapter 9 holds copies of chapters 4 to 8


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def resolve(entry):
    matches = [ROOT / f"{entry}{suffix}" for suffix in (".ipynb", ".md")
               if (ROOT / f"{entry}{suffix}").exists()]
    return matches[0] if matches else None


def test_there_are_chapters():
    assert NOTEBOOKS, "book/ holds no notebooks"


def test_every_toc_entry_exists():
    missing = [entry for entry in toc_files() if resolve(entry) is None]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_notebook_is_in_the_toc():
    listed = {resolve(entry) for entry in toc_files()}
    unlisted = [nb.name for nb in NOTEBOOKS if nb not in listed]
    assert not unlisted, f"notebooks missing from _toc.yml: {unlisted}"


def test_chapters_are_numbered_in_reading_order():
    chapters = [resolve(entry).name for entry in toc_files()[1:]]
    assert chapters == sorted(chapters), f"_toc.yml order differs from file numbering: {chapters}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_the_colab_cell(path):
    code_cells = [c for c in load_notebook(path)["cells"] if c["cell_type"] == "code"]
    assert code_cells and notebooks.source(code_cells[0]) == notebooks.COLAB_CELL, (
        f"{path.name}: the first code cell must be tools/colab_cell.py; run `python tools/notebooks.py fix`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_bulky_outputs(path):
    nb = load_notebook(path)
    assert notebooks.stripped(notebooks.with_colab_cell(nb)) == nb, (
        f"{path.name} holds outputs or metadata that should not be committed; "
        "run `python tools/notebooks.py fix`")
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES, f"{path.name} is {path.stat().st_size} bytes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_error_outputs(path):
    errors = [o for c in load_notebook(path)["cells"] for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.name} stores error outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_known_cell_tags(path):
    cells = load_notebook(path)["cells"]
    copies = {f"{notebooks.COPY_TAG_PREFIX}{p.stem}" for p in NOTEBOOKS if p.name < path.name}
    unknown = {t for c in cells for t in notebooks.tags(c)} - ALLOWED_TAGS - copies
    assert not unknown, f"{path.name} uses unknown tags {unknown}"
    for cell in cells:
        if "nbval-skip" in notebooks.tags(cell):
            assert "skip-execution" in notebooks.tags(cell), "nbval-skip must come with skip-execution"


def sections(path):
    """The '## ' headings of a notebook's markdown, in order."""
    return [line[3:].strip() for c in load_notebook(path)["cells"] if c["cell_type"] == "markdown"
            for line in notebooks.source(c).splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_has_the_book_skeleton(path):
    """Title -> what you will learn -> Setup -> sections -> Summary -> Exercises -> Further reading."""
    markdown = "\n".join(notebooks.source(c) for c in load_notebook(path)["cells"]
                         if c["cell_type"] == "markdown")
    if path.name.startswith("appendix_"):
        assert re.match(r"# Appendix [A-Z]: ", markdown), f"{path.name} must open with '# Appendix X: Title'"
    else:
        assert re.match(r"# \d+\. ", markdown), f"{path.name} must open with '# N. Title'"
        number = int(re.match(r"# (\d+)\.", markdown).group(1))
        assert path.name.startswith(f"{number:02d}_"), (
            f"{path.name}: title number {number} differs from file name")
    assert "**What you will learn**" in markdown.split("## ")[0], (
        f"{path.name}: the opening must say what the reader will learn ('**What you will learn**')")
    heads = sections(path)
    assert heads[0] == "Setup", f"{path.name}: the first section must be Setup, not {heads[0]!r}"
    assert heads[-3:] == ["Summary", "Exercises", "Further reading"], (
        f"{path.name} must end with Summary, Exercises, Further reading; ends with {heads[-3:]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_one_hidden_solution(path):
    cells = load_notebook(path)["cells"]
    text = "\n".join(notebooks.source(c) for c in cells if c["cell_type"] == "markdown")
    exercises = text.split("\n## Exercises", 1)[1].split("\n## ", 1)[0]
    numbered = re.findall(r"^\d+\. ", exercises, re.M)
    solutions = re.findall(r"^:::\{dropdown\} Solution$", exercises, re.M)
    assert numbered and len(numbered) == len(solutions), (
        f"{path.name}: {len(numbered)} exercises, {len(solutions)} ':::{{dropdown}} Solution' blocks")


# The reader's limits (a chapter is read in one sitting; see ../README.md, "Adding a chapter").
MAX_WORDS, MAX_VISIBLE_LINES, MAX_CELL_LINES, MAX_LISTING_LINES = 4_000, 300, 25, 45
HIDDEN_TAGS = {"hide-input", "remove-input", "hide-cell", "remove-cell"}


def prose_words(text):
    text = re.sub(r"```.*?```|\$\$.*?\$\$", "", text, flags=re.S)
    return len(re.findall(r"[A-Za-z][A-Za-z'-]*", text))


def reader_measures(path):
    """(words of prose, visible code lines, visible code cells' lengths, longest first)."""
    cells = load_notebook(path)["cells"]
    words = sum(prose_words(notebooks.source(c)) for c in cells if c["cell_type"] == "markdown")
    sizes = sorted((len(notebooks.source(c).splitlines()) for c in cells
                    if c["cell_type"] == "code" and not notebooks.tags(c) & HIDDEN_TAGS),
                   reverse=True)
    return words, sum(sizes), sizes


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_is_read_in_one_sitting(path):
    words, visible, sizes = reader_measures(path)
    assert words <= MAX_WORDS, f"{path.name}: {words} words of prose (at most {MAX_WORDS})"
    assert visible <= MAX_VISIBLE_LINES, f"{path.name}: {visible} visible code lines"
    assert not sizes or sizes[0] <= MAX_LISTING_LINES, f"{path.name}: a visible cell of {sizes[0]} lines"
    assert len(sizes) < 2 or sizes[1] <= MAX_CELL_LINES, (
        f"{path.name}: visible code cells of {sizes[:3]} lines (one may reach "
        f"{MAX_LISTING_LINES}, the others {MAX_CELL_LINES})")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_cell_is_folded(path):
    first = next(c for c in load_notebook(path)["cells"] if c["cell_type"] == "code")
    assert "hide-input" in notebooks.tags(first), f"{path.name}: fold the Colab cell"


GLOSSARY_WORDS = ["solved", "iteration", "plain DQN", "return", "evaluation", "target"]


def test_words_with_one_meaning_are_defined_in_the_notation_page():
    notation = (ROOT / "book" / "notation.md").read_text()
    missing = [w for w in GLOSSARY_WORDS if not re.search(rf"^\*\*{w}\*\*", notation, re.M | re.I)]
    assert not missing, f"book/notation.md defines no {missing} (a line starting '**word**')"


def test_configuration():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "cache"
    assert config["execute"]["allow_errors"] is False
    assert config["execute"]["timeout"] > 0
    assert config["launch_buttons"]["colab_url"] and config["launch_buttons"]["binderhub_url"]


def test_repository_url_is_set_in_one_place():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    owner_and_name = url.removeprefix("https://github.com/")
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    tracked = [ROOT / name for name in listed.stdout.split() if (ROOT / name).is_file()]
    elsewhere = [str(p.relative_to(ROOT)) for p in tracked
                 if p.name != "_config.yml" and owner_and_name in p.read_text(errors="ignore")]
    assert not elsewhere, f"the repository URL must only be in _config.yml; also in {elsewhere}"


def test_tf_agents_pin_agrees_everywhere():
    pins = [line.split("#")[0].strip() for line in
            (ROOT / "requirements-tf-agents.txt").read_text().splitlines()]
    pins = [pin for pin in pins if pin]
    assert pins[0] == "tf-agents==0.19.0"
    quoted = ", ".join(f'"{pin}"' for pin in pins)
    assert f'"--no-deps", {quoted}' in notebooks.COLAB_CELL
    assert "tf-agents" not in (ROOT / "requirements.txt").read_text().split("# `make env`")[1]


MAX_CODE_LINE = 88  # the HTML page's code box shows about 80 characters


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_page(path):
    long_lines = [line for c in load_notebook(path)["cells"] if c["cell_type"] == "code"
                  for line in notebooks.source(c).splitlines() if len(line) > MAX_CODE_LINE]
    assert not long_lines, f"{path.name}: code lines over {MAX_CODE_LINE} characters: {long_lines[:5]}"


MAX_PROSE_CODE_LINE = 80  # code in the text, often inside a folded solution, has less room


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_in_the_text_fits_the_page(path):
    blocks = [block for c in load_notebook(path)["cells"] if c["cell_type"] == "markdown"
              for block in re.findall(r"```[a-z]*\n(.*?)```", notebooks.source(c), re.S)]
    long_lines = [line for block in blocks for line in block.splitlines()
                  if len(line) > MAX_PROSE_CODE_LINE]
    assert not long_lines, f"{path.name}: code lines in the text over {MAX_PROSE_CODE_LINE} " \
                           f"characters: {long_lines[:5]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_copied_code_is_identical_to_its_source(path):
    """Each definition is written once; a later chapter holds stamped copies of exactly the
    definitions it uses, which must not drift from their source."""
    nb = load_notebook(path)
    copies = [c for c in nb["cells"] if notebooks.copied_chapter(c)]
    expected = [c for c in notebooks.with_copies(nb, path.stem)["cells"]
                if notebooks.copied_chapter(c)]
    assert [notebooks.source(c) for c in copies] == [notebooks.source(c) for c in expected], (
        f"{path.name}: its copies of earlier chapters' code have drifted from their source "
        "cells or from what the page uses; edit the source and run `python tools/notebooks.py fix`")
    for cell in copies:
        assert "hide-input" in notebooks.tags(cell), f"{path.name}: fold the copy (hide-input)"




def test_copies_are_a_minority_of_each_chapter():
    """Copies hold only what a chapter uses: at most 40% of any chapter's code lines."""
    shares = {}
    for path in NOTEBOOKS:
        code = [c for c in load_notebook(path)["cells"] if c["cell_type"] == "code"]
        lines = sum(len(notebooks.source(c).splitlines()) for c in code)
        copied = sum(len(notebooks.source(c).splitlines()) for c in code
                     if notebooks.copied_chapter(c))
        shares[path.stem] = round(copied / max(lines, 1), 2)
    over = {stem: share for stem, share in shares.items()
            if share > 0.40}
    assert not over, f"more than 40% of their code lines are copies: {over}"


def test_package_is_generated_from_the_source_cells():
    """dqnbook/ holds one module per chapter with `source` cells, written by `fix` from them."""
    import book_code
    stale = [p.name for p in book_code.stale_package_files()]
    assert not stale, f"dqnbook/ has drifted from the notebooks: {stale}; run " \
                      "`python tools/notebooks.py fix`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_source_cells_hold_only_definitions(path):
    """A `source` cell is copied into later chapters, so it must not run anything there."""
    import book_code
    for cell in load_notebook(path)["cells"]:
        if notebooks.SOURCE_TAG in notebooks.tags(cell):
            body = ast.parse(notebooks.source(cell)).body
            assert body and all(book_code.is_definition(n) for n in body), (
                f"{path.name}: a source cell may hold only imports, def, class and constants:\n"
                + notebooks.source(cell)[:300])
