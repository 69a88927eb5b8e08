"""Maintenance for the book's notebooks (not part of the lessons).

    python tools/notebooks.py fix [NOTEBOOK ...]  # in every notebook (or the given ones):
        # give every cell an id, make the Colab set-up cell the first code cell, and drop
        # outputs (except small ones of cells tagged nbval-check-output, which nbval compares)
    python tools/notebooks.py check [NOTEBOOK ...]  # exit 1 if some notebook needs `fix`

Run `fix` before committing a notebook.

One source for each definition: a lesson's definitions are written once, in the chapter that
teaches them, in code cells tagged `source`. A later chapter (every notebook must run alone in
Colab) holds exact copies of the ones it uses, in folded code cells tagged `copy:NN_slug`, one
per chapter copied from; scripts import the package `dqnbook/` generated from the same cells
(tools/book_code.py). `fix` writes both; `check` and tests/test_structure.py fail when either
has drifted from its source.
"""
import hashlib
import json
import sys
from pathlib import Path

import book_code

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
COLAB_CELL = (ROOT / "tools" / "colab_cell.py").read_text().rstrip("\n")
COLAB_FIRST_LINE = COLAB_CELL.splitlines()[0]
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
CHECKED_OUTPUT_TAG = "nbval-check-output"
SOURCE_TAG = "source"
COPY_TAG_PREFIX = "copy:"
MAX_CHECKED_OUTPUT_CHARS = 2_000


def notebooks():
    return sorted(BOOK.glob("*.ipynb"))


source = book_code.cell_text  # a cell's text
tags = book_code.cell_tags  # a cell's tags, as a set


def colab_cell():
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "colab-setup",
        "metadata": {"tags": ["hide-input"]},  # folded on the page
        "outputs": [],
        "source": COLAB_CELL.splitlines(keepends=True),
    }


def is_colab_cell(cell):
    return cell["cell_type"] == "code" and source(cell).startswith(COLAB_FIRST_LINE)


def with_colab_cell(nb):
    """The notebook with the canonical Colab cell as its first code cell."""
    cells = [c for c in nb["cells"] if not is_colab_cell(c)]
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), len(cells))
    cells.insert(first_code, colab_cell())
    return {**nb, "cells": cells}


def copied_chapter(cell):
    """'NN_slug' if the cell is a stamped copy of that chapter's `source` cells, else None."""
    return next((t[len(COPY_TAG_PREFIX):] for t in tags(cell) if t.startswith(COPY_TAG_PREFIX)),
                None)


def copy_cell(stem, text):
    return {"cell_type": "code", "execution_count": None, "metadata": {
        "tags": ["hide-input", f"{COPY_TAG_PREFIX}{stem}"]}, "outputs": [],
        "source": text.splitlines(keepends=True)}


def with_copies(nb, stem):
    """The notebook with its `copy:` cells re-stamped: one per earlier chapter whose
    definitions it uses, holding exactly those (tools/book_code.py finds them)."""
    wanted = {chapter: book_code.copy_text(chapter, defs)
              for chapter, defs in book_code.copied_definitions(stem).items()}
    cells, placed = [], set()
    for cell in nb["cells"]:
        chapter = copied_chapter(cell)
        if chapter is None:
            cells.append(cell)
            continue
        for missing in [c for c in wanted if c < chapter and c not in placed]:
            cells.append(copy_cell(missing, wanted[missing]))  # before later chapters' copies
            placed.add(missing)
        if chapter in wanted and chapter not in placed:
            cells.append({**cell, "source": wanted[chapter].splitlines(keepends=True)})
            placed.add(chapter)
    missing = [c for c in wanted if c not in placed]
    if missing:
        last_copy = max((i for i, c in enumerate(cells) if copied_chapter(c)), default=None)
        if last_copy is None:
            raise ValueError(f"{stem}: uses {missing}'s code but has no copy cell to put it "
                             "beside; add a code cell tagged copy:NN_slug after its Setup")
        cells[last_copy + 1:last_copy + 1] = [copy_cell(c, wanted[c]) for c in missing]
    return {**nb, "cells": cells}


def output_chars(cell):
    return len(json.dumps(cell.get("outputs", [])))


def stripped(nb):
    """The notebook without outputs, except small outputs of cells whose output nbval compares."""
    cells = []
    for cell in nb["cells"]:
        cell = dict(cell)
        if cell["cell_type"] == "code":
            keep = CHECKED_OUTPUT_TAG in tags(cell) and output_chars(cell) <= MAX_CHECKED_OUTPUT_CHARS
            if not keep:
                cell["outputs"] = []
                cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
        cells.append(cell)
    metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    return {**nb, "cells": cells, "metadata": metadata}


def with_ids(nb):
    """The notebook (format 4.5) with an id on every cell: new cells get a stable one."""
    taken = {c["id"] for c in nb["cells"] if "id" in c}
    cells = []
    for index, cell in enumerate(nb["cells"]):
        if "id" not in cell:
            digest = hashlib.sha1(f"{index}:{source(cell)}".encode()).hexdigest()
            new_id = next(digest[k:k + 8] for k in range(0, 33) if digest[k:k + 8] not in taken)
            taken.add(new_id)
            cell = {"id": new_id, **cell}
        cells.append(cell)
    return {**nb, "cells": cells, "nbformat": 4, "nbformat_minor": max(5, nb.get("nbformat_minor", 0))}


def write(path, nb):
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def main(command, paths=()):
    stale = []
    for path in [Path(p).resolve() for p in paths] or notebooks():
        nb = json.loads(path.read_text())
        fixed = with_ids(stripped(with_copies(with_colab_cell(nb), path.stem)))
        if fixed != nb:
            stale.append(path.name)
            if command == "fix":
                write(path, fixed)
    if not paths:  # the package follows every chapter's `source` cells
        modules = (book_code.write_package() if command == "fix"
                   else book_code.stale_package_files())
        stale += [f"dqnbook/{p.name}" for p in modules]
    for name in stale:
        print(f"{'fixed' if command == 'fix' else 'needs fix'}: {name}")
    return 1 if (command == "check" and stale) else 0


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("fix", "check"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
