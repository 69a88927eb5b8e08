"""The Colab path: the Colab cell installs a working TF-Agents against a TensorFlow it did not choose.

Colab ships its own TensorFlow, usually not the version requirements.txt pins. This test builds a fresh
virtual environment holding a *different* TensorFlow minor version, runs the book's Colab cell there as
Colab would, and then trains one DqnAgent step (tests/colab_smoke.py). It needs the package index.
"""
import subprocess
import venv

import pytest

from conftest import ROOT

COLAB_LIKE_TENSORFLOW = "tensorflow==2.20.0"  # the book pins 2.21; Colab may have any recent minor


@pytest.mark.slow
def test_colab_cell_installs_a_working_tf_agents(tmp_path):
    env_dir = tmp_path / "colab-like"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    # --no-compile: no byte-code for the 1,800 modules of TensorFlow, most of which no test imports
    subprocess.run(pip + ["--no-compile", COLAB_LIKE_TENSORFLOW, "numpy>=2"], check=True,
                   timeout=1200)

    result = subprocess.run([str(python), str(ROOT / "tests" / "colab_smoke.py")],
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "COLAB PATH OK: tensorflow 2.20." in result.stdout, result.stdout
