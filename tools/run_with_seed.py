"""Run a chapter top to bottom with other parameters, as papermill would (not part of the lessons).

    python tools/run_with_seed.py book/06_dqn_tf_agents.ipynb --seed 7 [--out run.ipynb]

A chapter's seed (and run budget) sit in its cell tagged `parameters`. papermill's own
`parameterize_notebook` writes a cell with the new values right after that cell; the notebook is
then executed by nbclient, which, unlike `papermill` on the command line, lets a cell tagged
`raises-exception` show the error it is there to show. Any other error fails the run and names the
cell. tests/test_seeds.py uses this to check that every claim of a chapter holds for other seeds.
"""
import argparse
import ast
import os
import sys
import time
from pathlib import Path

import nbclient
import nbformat
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from notebooks import tags


def parameters_cell(nb):
    """The notebook's cell tagged `parameters`, or None."""
    return next((c for c in nb.cells if "parameters" in tags(c)), None)


def default_parameters(path):
    """{name: value} of the literal assignments in the notebook's `parameters` cell."""
    cell = parameters_cell(nbformat.read(path, as_version=4))
    if cell is None:
        return {}
    values = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return values


def run_notebook(path, parameters, out=None, timeout=900):
    """Executes the notebook at `path` with `parameters` injected; the executed notebook.

    Raises nbclient's CellExecutionError (naming the cell) if a cell not tagged
    `raises-exception` fails, and ValueError if the notebook has no `parameters` cell."""
    path = Path(path).resolve()
    nb = load_notebook_node(str(path))  # papermill's reader: adds the metadata it needs
    if parameters_cell(nb) is None:
        raise ValueError(f"{path.name} has no cell tagged 'parameters'")
    unknown = set(parameters) - set(default_parameters(path))
    if unknown:
        raise ValueError(f"{path.name}'s parameters cell does not set {sorted(unknown)}")
    nb = parameterize_notebook(nb, parameters)
    # The kernel should see what a reader's would: no pytest variables (ipykernel treats
    # PYTEST_CURRENT_TEST specially).
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("PYTEST_")}
    try:
        client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                         resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        finally:
            if out is not None:
                nbformat.write(nb, out)
    finally:
        os.environ.update(saved)
    return nb


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", help="where to write the executed notebook")
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        run_notebook(args.notebook, {"SEED": args.seed}, out=args.out)
    except nbclient.exceptions.CellExecutionError as error:
        sys.exit(f"FAILED with SEED = {args.seed}:\n{error}")
    print(f"{Path(args.notebook).name}: every cell ran with SEED = {args.seed} "
          f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
