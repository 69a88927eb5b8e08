"""Load a chapter's definitions from its notebook, for scripts outside the book (not a lesson).

    from chapter_code import load
    ch6 = load("book/06_dqn_tf_agents.ipynb")
    result = ch6.train_agent(ch6.DQNConfig(), seed=3, progress=False)

The notebook is the only copy of the code, so a script that measures or sweeps it must run that
copy. `load` executes, in the notebook's order:

- every code cell of the section headed "## Setup" (the Colab set-up cell, the imports, the
  seeding) and the cell tagged `parameters`, as they are;
- from every other code cell, only its definitions: the top-level imports, `def` and `class`
  statements (with their decorators) and assignments of literal constants
  (`EVAL_SEED = 10_000`) or of tables of literals and names (`{"dqn": (build_dqn, {})}`). Demonstrations, training runs, plots and checks are skipped.

So a script finds code by its name, never by the position of a cell. Functions' source lines
stay visible to `inspect` (TensorFlow's AutoGraph reads them). The namespace's `CODE_DIGEST` is a
SHA-256 of the definitions executed, so stored results can say which code produced them.
"""
import ast
import contextlib
import copy
import hashlib
import io
import json
import linecache
import types
from pathlib import Path

from notebooks import source as cell_source

SETUP_HEADING = "## Setup"


def is_definition(node):
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t for target in targets for t in (
            target.elts if isinstance(target, ast.Tuple) else [target])]
        if not all(isinstance(name, ast.Name) for name in names):
            return False
        return not isinstance(node.value, ast.Name) and is_static(node.value)
    return False


def is_static(value):
    """A literal, or a table of literals and names (`{"dqn": (build_dqn, {})}`): no calls."""
    if isinstance(value, (ast.Constant, ast.Name)):
        return True
    if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
        return True
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return all(is_static(item) for item in value.elts)
    if isinstance(value, ast.Dict):
        return all(k is not None and is_static(k) for k in value.keys) and all(
            is_static(v) for v in value.values)
    return False


def _selected(path):
    """(cell index, cell source, AST of what to run, whether it is a lesson definition) for
    each cell `load` runs, in order."""
    cells = json.loads(Path(path).read_text())["cells"]
    if not any(c["cell_type"] == "markdown" and cell_source(c).lstrip().startswith(SETUP_HEADING)
               for c in cells):
        raise ValueError(f"{Path(path).name} has no {SETUP_HEADING!r} section")
    in_setup = False
    for index, cell in enumerate(cells):
        source = cell_source(cell)
        if cell["cell_type"] == "markdown":
            if source.lstrip().startswith("## "):
                in_setup = source.lstrip().startswith(SETUP_HEADING)
            continue
        if cell["cell_type"] != "code" or source.lstrip().startswith(("%", "!")):
            continue
        tree = ast.parse(source)
        lesson = not (in_setup or "parameters" in cell.get("metadata", {}).get("tags", []))
        if lesson:
            tree.body = [node for node in tree.body if is_definition(node)]
            if not tree.body:
                continue
        yield index, source, tree, lesson


def defined_names(node):
    """The top-level names a definition statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)}


def without_docstrings(node):
    """A copy of the definition with every docstring removed (comments are never in the AST)."""
    node = copy.deepcopy(node)
    for inner in ast.walk(node):
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = inner.body
            if body and isinstance(body[0], ast.Expr) and isinstance(
                    getattr(body[0], "value", None), ast.Constant) and isinstance(
                    body[0].value.value, str):
                inner.body = body[1:] or [ast.Pass()]
    return node


def code_digest(path, names=None):
    """SHA-256 of the chapter's definitions that `load` runs (not of its Setup section or its
    parameters, so a new default seed does not make stored results stale). Docstrings and
    comments are left out: rewording one does not make stored results stale.

    With `names` (e.g. ["train_agent", "DQNConfig"]), only of the definitions those names need:
    theirs, and those of every chapter name they use, transitively. Results that a script made
    with those names then go stale only when code they ran changes, not when a plot does."""
    nodes = [node for _, _, tree, lesson in _selected(path) if lesson for node in tree.body]
    if names is not None:
        by_name = {}
        for node in nodes:
            for name in defined_names(node):
                by_name.setdefault(name, []).append(node)
        missing = set(names) - set(by_name)
        if missing:
            raise ValueError(f"{Path(path).name} defines no {sorted(missing)}")
        needed, todo = set(), list(names)
        while todo:
            for node in by_name.get(todo.pop(), []):
                if id(node) not in needed:
                    needed.add(id(node))
                    todo += [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
        nodes = [node for node in nodes if id(node) in needed]
    digest = hashlib.sha256()  # of the definitions, in any order: moving a cell changes nothing
    for text in sorted(ast.unparse(without_docstrings(node)) for node in nodes):
        digest.update(text.encode())
    return digest.hexdigest()


def load(path, quiet=True):
    """The chapter's definitions as a namespace (see the module docstring)."""
    path = Path(path)
    namespace = {"__name__": f"chapter_{path.stem}", "CODE_DIGEST": code_digest(path)}
    for index, source, tree, _ in _selected(path):
        filename = f"<{path.name} cell {index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        with contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
            exec(compile(tree, filename, "exec"), namespace)
    return types.SimpleNamespace(**namespace)


def program(path):
    """What `load` runs, as one Python source text (for processes or machines that have the
    packages but not this repository, such as a sweep's Ray workers: sweeps/dqn_sweep.py)."""
    return "\n\n".join(ast.unparse(tree) for _, _, tree, _ in _selected(Path(path)))

