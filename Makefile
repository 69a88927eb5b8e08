# The book's two commands (see README.md):
#   make book   build the whole book, executing every notebook, into _build/html
#   make test   run the whole test suite (nbval re-executes every notebook; tests/ checks the rest)
# Both create the Python environment in .venv/ first if it is missing or out of date, and fetch
# the book's offline browser assets; `make test` also installs Debian's chromium if it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ENV_OK := $(VENV)/.installed

# The HTML book is served with its own copies of the scripts it runs in the reader's browser
# (MathJax 3, RequireJS, the ipywidgets HTML manager), so it works offline. They come from the npm
# registry by exact version (npm pack: no lock file, nothing committed) into a folder under _build/;
# _ext/offline_book.py adds them to the book's _static.
ASSETS       := _build/offline-assets
NPM_PACKAGES := mathjax@3.2.2 @jupyter-widgets/html-manager@1.0.15 requirejs@2.3.8
# The browser test (tests/test_browser.py) drives Debian's Chromium; set CHROMIUM to use another.
CHROMIUM     ?= /usr/bin/chromium
export CHROMIUM

.PHONY: env assets browser book test lock clean

env: $(ENV_OK)

$(ENV_OK): requirements.txt requirements-tf-agents.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-tf-agents.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .  # dqnbook/, the chapters' code
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	touch $@

assets: $(ASSETS)/.installed

$(ASSETS)/.installed: Makefile
	@command -v npm >/dev/null || $(call apt_install,npm)
	rm -rf $(ASSETS) && mkdir -p $(ASSETS)/npm $(ASSETS)/static/offline/html-manager
	cd $(ASSETS)/npm && npm pack --silent --loglevel=error $(NPM_PACKAGES) >/dev/null
	cd $(ASSETS)/npm && for t in *.tgz; do mkdir -p "$${t%.tgz}" && tar -xzf "$$t" -C "$${t%.tgz}"; done
	cp -r $(ASSETS)/npm/mathjax-3.2.2/package/es5 $(ASSETS)/static/offline/mathjax
	cd $(ASSETS)/static/offline/mathjax && find . -maxdepth 1 -name '*.js' ! -name tex-mml-chtml.js -delete \
	  && rm -rf output/svg output/svg.js
	cp $(ASSETS)/npm/requirejs-2.3.8/package/require.js $(ASSETS)/static/offline/require.js
	cd $(ASSETS)/npm/jupyter-widgets-html-manager-1.0.15/package/dist && \
	  cp embed-amd.js *.woff *.woff2 *.ttf *.eot *.svg ../../../../static/offline/html-manager/
	echo "$(NPM_PACKAGES)" > $(ASSETS)/static/offline/VERSIONS
	rm -rf $(ASSETS)/npm
	touch $@

# Debian's chromium and chromium-driver, installed when missing (CI runs as root on a fresh machine).
browser:
	@test -x "$(CHROMIUM)" || $(call apt_install,chromium chromium-driver)
	@test -x "$(CHROMIUM)" || { echo "error: no Chromium at $(CHROMIUM) (set CHROMIUM=...)" >&2; exit 1; }

# $(call apt_install,PACKAGES): apt-get install as root, or through password-less sudo, else fail
# saying what to install.
apt_install = { if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; \
	else echo "error: Debian packages '$(1)' are missing and this is not root: run" \
	  "'apt-get update && apt-get install -y $(1)' as root" >&2; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1); }

book: $(ENV_OK) assets
	$(BIN)/jupyter-book build . --builder html -W --keep-going

# pytest-xdist: up to 4 workers (the notebooks run TensorFlow on one thread); each notebook, each
# seed re-run and the browser tests stay on one worker (the root conftest.py orders the units).
PYTEST_XDIST ?= -n auto --maxprocesses=4 --dist loadgroup --no-loadscope-reorder

test: $(ENV_OK) assets browser
	$(BIN)/python -m pytest $(PYTEST_XDIST)

# Re-pin requirements.txt after editing requirements.in (needs network; commit both files).
lock:
	rm -rf /tmp/dqn-book-lock && $(PYTHON) -m venv /tmp/dqn-book-lock
	/tmp/dqn-book-lock/bin/python -m pip install --quiet -r requirements.in
	{ sed -n '/^#/p;/^$$/q' requirements.txt; \
	  /tmp/dqn-book-lock/bin/python -m pip freeze --exclude tf-agents --exclude pip --exclude setuptools | LC_ALL=C sort -f; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

clean:
	rm -rf _build
