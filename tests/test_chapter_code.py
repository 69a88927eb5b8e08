"""Code digests (dqnbook.code_digest) follow the code, not its docstrings or comments."""
import dqnbook

MODULE = '''"""A chapter module."""
import math

# The notebook's cells tagged `source`, in order:

def area(width, height):
    """The area of a rectangle."""
    # a comment
    return width * height


def circle(radius):
    return math.pi * radius ** 2
'''


def digest(text, names=("area",)):
    return dqnbook.digest_of([text], list(names))


def test_a_docstring_or_comment_change_leaves_the_digest_equal():
    original = digest(MODULE)
    reworded = MODULE.replace("The area of a rectangle.", "Width times height.").replace(
        "# a comment", "# another comment")
    assert digest(reworded) == original
    assert digest(MODULE.replace('    """The area of a rectangle."""\n', "")) == original


def test_a_code_change_changes_the_digest():
    assert digest(MODULE.replace("width * height", "width * height / 2")) != digest(MODULE)


def test_only_the_definitions_the_names_need_count():
    assert digest(MODULE.replace("math.pi", "3.14")) == digest(MODULE)
    assert digest(MODULE.replace("math.pi", "3.14"), ["circle"]) != digest(MODULE, ["circle"])


def test_stored_digests_match_the_package():
    """The chapters' modules give the digests the stored studies recorded (spot check)."""
    import json
    from pathlib import Path
    stored = json.loads((Path(__file__).parents[1] / "sweeps/results/dqn_sweep.json").read_text())
    assert dqnbook.code_digest("ch07_measuring_agents", ["DQNConfig", "measure_run"]) == \
        stored["code_digest"]
