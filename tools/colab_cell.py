# Set-up. In Colab this installs the book's packages against the TensorFlow that
# Colab already has; anywhere else it only sets TF_USE_LEGACY_KERAS, because your
# environment comes from the book's requirements.txt (see its README).
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # TF-Agents needs Keras 2: set it first

if "google.colab" in sys.modules:
    import subprocess
    from importlib.metadata import version

    tf_minor = ".".join(version("tensorflow").split(".")[:2])  # e.g. "2.19"
    pip_install = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run(pip_install + [
        f"tf-keras=={tf_minor}.*",  # must match Colab's TensorFlow
        "tensorflow-probability==0.25.*",
        "gymnasium[classic-control]==1.4.0", "gym==0.26.2",
        "ale-py==0.12.1", "opencv-python-headless",  # chapter 9's Atari frames
        "dm-tree", "gin-config", "tensorboard", "pillow", "imageio", "tqdm",
    ], check=True)
    # tf-agents 0.19 pins packages that no longer install, and MinAtar (chapter 9)
    # a dozen it does not need: skip their pins.
    subprocess.run(pip_install + ["--no-deps", "tf-agents==0.19.0", "MinAtar==1.0.15"],
                   check=True)

# The book's build puts numbers computed here into the text with myst_nb's glue;
# without myst_nb (as in Colab) glue just shows the value.
try:
    from myst_nb import glue
except ImportError:
    def glue(name, value, display=True):
        if display:
            from IPython.display import display as show
            show(value)
