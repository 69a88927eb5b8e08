"""The notebooks as nbval executed them, kept for the browser test's book (a pytest plugin).

nbval (`make test`) executes every notebook of book/ once, cell by cell, in one kernel. This plugin
(loaded by the root conftest.py) watches the kernel messages nbval reads and builds, beside it, the
executed notebook that a notebook client would have written: nbclient's own message handling
(`NotebookClient.process_message`: outputs, `clear_output`, display updates, Output widgets,
widget state for the page) turns each message into outputs, exactly as in `make book`, which
executes through nbclient too. After the notebook's last cell it writes

    _build/executed/RUN/book/NN.ipynb        the notebook with its outputs and widget state
    _build/executed/RUN/book/NN.ipynb.json   {"run": RUN, "ok": ..., "problem": ...}

(RUN: this test run's id; older runs' folders are removed after a day) only when every code cell
ran and passed; otherwise the status says which cell did not.
tests/test_browser.py builds the book from these files (no second execution) and waits for them;
`execute()` runs a notebook that this test run's nbval does not (e.g. `pytest tests/test_browser.py`
alone).

nbval's kernel executes each cell with store_history=True here, as a notebook client does (nbval
itself does not store history): tracebacks then name the cells In[1], In[2], ... as on a page of
`make book`. One difference from `make book`'s execution remains, invisible on a page: the kernel
inherits pytest's PYTEST_CURRENT_TEST, so ipykernel does not capture output written straight to
the process's file descriptors (TensorFlow's C++ log lines on stderr), which the book drops anyway
(_config.yml: `stderr_output: remove`).
"""
import copy
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "executed"
KEEP_SECONDS = 24 * 3600  # older runs' executed notebooks are removed


def executed_path(source, run):
    """Where this run's executed copy of the notebook at `source` (in the repository) goes."""
    source = Path(source).resolve()
    relative = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source.name
    return EXECUTED / run / relative


def status_path(source, run):
    path = executed_path(source, run)
    return path.with_name(path.name + ".json")


def run_id(config):
    """This test run's id, the same in every pytest-xdist worker."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "testrunuid" in workerinput:
        return workerinput["testrunuid"]
    if not hasattr(config, "_executed_notebooks_run"):
        config._executed_notebooks_run = uuid.uuid4().hex
    return config._executed_notebooks_run


def _remove_old_runs(run):
    for folder in EXECUTED.glob("*"):
        try:
            if folder.name != run and time.time() - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _write(source, run, nb=None, problem=None):
    target, status = executed_path(source, run), status_path(source, run)
    if not (EXECUTED / run).exists():
        _remove_old_runs(run)
    target.parent.mkdir(parents=True, exist_ok=True)
    for path in (target, status):
        path.unlink(missing_ok=True)
    if nb is not None:
        partial = target.with_name(target.name + ".partial")
        nbformat.write(nb, partial)
        partial.replace(target)
    partial = status.with_name(status.name + ".partial")
    partial.write_text(json.dumps({"run": run, "ok": nb is not None, "problem": problem}))
    partial.replace(status)


def read_status(source, run):
    try:
        return json.loads(status_path(source, run).read_text())
    except (OSError, ValueError):
        return None


def without_pytest_env():
    """A context manager: os.environ without pytest's variables (as a reader's kernel has it)."""
    class _Env:
        def __enter__(self):
            self.saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("PYTEST_")}

        def __exit__(self, *exc):
            os.environ.update(self.saved)
    return _Env()


def execute(source, run, timeout=900):
    """Executes the notebook at `source` as `make book` would (nbclient, widget state kept) and
    writes it where nbval's copy would go; returns the problem as text, or None."""
    import nbclient

    source = Path(source).resolve()
    nb = nbformat.read(source, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     store_widget_state=True,
                                     resources={"metadata": {"path": str(source.parent)}})
    try:
        with without_pytest_env():
            client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        _write(source, run, problem=str(error)[:4000])
        return str(error)
    _write(source, run, nb)
    return None


class _Recorder:
    """The executed copy of one notebook, filled from the messages nbval's kernel sends."""

    def __init__(self, notebook_file, kernel):
        import nbclient

        self.source = Path(str(notebook_file.fspath))
        self.kernel = kernel
        self.nb = copy.deepcopy(notebook_file.nb)
        self.code_cells = [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        self.client = nbclient.NotebookClient(self.nb, store_widget_state=True,
                                              record_timing=False)
        self.client.kc = kernel.kc  # nbclient's Output widgets send their state to the kernel
        self.index = self.msg_id = None
        self.executed, self.problems = 0, []

    def start(self, cell_num):
        self.index, self.msg_id = self.code_cells[cell_num], None
        cell = self.nb.cells[self.index]
        cell.outputs, cell.execution_count = [], None
        self.client.clear_before_next_output = False
        self.client.clear_display_id_mapping(self.index)

    def message(self, msg):
        if self.msg_id is None or msg["parent_header"].get("msg_id") != self.msg_id:
            return
        from nbclient.exceptions import CellExecutionComplete
        # A copy: nbclient keeps parts of the message and changes some; nbval reads it after us.
        msg = {**{k: copy.deepcopy(v) for k, v in msg.items() if k != "buffers"},
               "buffers": [bytes(b) for b in msg.get("buffers") or []]}
        try:
            self.client.process_message(msg, self.nb.cells[self.index], self.index)
        except CellExecutionComplete:
            pass

    def finish(self, cell_num, excinfo):
        cell = self.nb.cells[self.index]
        self.index = self.msg_id = None
        if excinfo is not None:
            what = "was skipped" if excinfo[0] is pytest.skip.Exception else "failed"
            self.problems.append(f"cell {cell_num} {what}")
            return
        self.executed += 1
        cell.execution_count = self.executed  # nbval runs cells with store_history=False
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = self.executed

    def save(self, run):
        problem = "; ".join(self.problems)
        if not problem and self.executed != len(self.code_cells):
            problem = f"only {self.executed} of {len(self.code_cells)} code cells ran"
        if problem:
            _write(self.source, run, problem=f"nbval: {problem}")
            return
        self.client.set_widgets_metadata()
        info = getattr(self.kernel, "_language_info", None)
        if info:
            self.nb.metadata["language_info"] = info
        _write(self.source, run, self.nb)


def _patch_nbval_kernel():
    from nbval.kernel import RunningKernel

    if getattr(RunningKernel, "_executed_notebooks_patched", False):
        return
    get_message = RunningKernel.get_message

    def recording_get_message(self, stream, timeout=None):
        msg = get_message(self, stream, timeout=timeout)
        if stream == "iopub":
            recorder = getattr(self, "_recorder", None)
            if recorder is not None:
                recorder.message(msg)
        elif msg.get("msg_type") == "kernel_info_reply":
            self._language_info = msg["content"].get("language_info")
        return msg

    def recording_execute_cell_input(self, cell_input, allow_stdin=None):
        # As a notebook client executes (nbval: store_history=False): cells are numbered In[1],
        # In[2], ... in tracebacks, and `_`, `In` and `Out` work as in Jupyter.
        msg_id = self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin,
                                 stop_on_error=False)
        recorder = getattr(self, "_recorder", None)
        if recorder is not None and recorder.index is not None:
            recorder.msg_id = msg_id
        return msg_id

    RunningKernel.get_message = recording_get_message
    RunningKernel.execute_cell_input = recording_execute_cell_input
    RunningKernel._executed_notebooks_patched = True


def _is_nbval_cell(item):
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "cell_num")


# ---- pytest hooks ------------------------------------------------------------------------------

def pytest_configure(config):
    if getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False):
        _patch_nbval_kernel()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if not _is_nbval_cell(item):
        yield
        return
    notebook_file = item.parent
    recorder = getattr(notebook_file, "_recorder", None)
    kernel = getattr(notebook_file, "kernel", None)
    if recorder is None and kernel is not None:
        recorder = notebook_file._recorder = _Recorder(notebook_file, kernel)
        kernel._recorder = recorder
    if recorder is not None:
        recorder.start(item.cell_num)
    outcome = yield
    if recorder is not None:
        recorder.finish(item.cell_num, outcome.excinfo)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After a notebook's last cell, before nbval stops its kernel.
    if _is_nbval_cell(item) and (nextitem is None or nextitem.parent is not item.parent):
        recorder = getattr(item.parent, "_recorder", None)
        try:
            if recorder is None:
                _write(item.path, run_id(item.config), problem="nbval: no cell ran")
            else:
                recorder.save(run_id(item.config))
        except Exception as error:  # never fail nbval's own test for this
            try:
                _write(item.path, run_id(item.config), problem=f"recording failed: {error!r}")
            except Exception:
                pass
    yield


def wait_for(sources, run, timeout, poll=5.0):
    """{source: executed path} once this run has executed every notebook in `sources`.

    Raises AssertionError naming a notebook that failed, or those still missing at `timeout`."""
    deadline = time.monotonic() + timeout
    pending, done = list(sources), {}
    while pending:
        for source in list(pending):
            status = read_status(source, run)
            if status:
                assert status["ok"], (f"{Path(source).name} was not executed cleanly in this test "
                                      f"run, so the book cannot be built: {status['problem']}")
                done[source] = executed_path(source, run)
                pending.remove(source)
        if pending:
            assert time.monotonic() < deadline, (
                f"nbval did not execute {[Path(s).name for s in pending]} within {timeout:.0f} s")
            time.sleep(poll)
    return done
