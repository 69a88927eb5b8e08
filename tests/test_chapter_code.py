"""Code digests (tools/chapter_code.py) follow the code, not its docstrings or comments."""
import json

from chapter_code import code_digest

CELL = '''def area(width, height):
    """The area of a rectangle."""
    # a comment
    return width * height
'''


def notebook(tmp_path, name, function_source):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "## Setup"},
             {"cell_type": "markdown", "metadata": {}, "source": "## A section"},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": function_source}]
    path = tmp_path / name
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def test_a_docstring_or_comment_change_leaves_the_digest_equal(tmp_path):
    original = code_digest(notebook(tmp_path, "a.ipynb", CELL), ["area"])
    reworded = CELL.replace("The area of a rectangle.", "Width times height.").replace(
        "# a comment", "# another comment")
    assert code_digest(notebook(tmp_path, "b.ipynb", reworded), ["area"]) == original
    no_docstring = CELL.replace('    """The area of a rectangle."""\n', "")
    assert code_digest(notebook(tmp_path, "c.ipynb", no_docstring), ["area"]) == original


def test_a_code_change_changes_the_digest(tmp_path):
    original = code_digest(notebook(tmp_path, "a.ipynb", CELL), ["area"])
    changed = CELL.replace("width * height", "width * height / 2")
    assert code_digest(notebook(tmp_path, "b.ipynb", changed), ["area"]) != original
