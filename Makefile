# The book's two commands (see README.md):
#   make book   build the whole book, executing every notebook, into _build/html
#   make test   run the whole test suite (nbval re-executes every notebook; tests/ checks the rest)
# Both create the Python environment in .venv/ first if it is missing or out of date.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ENV_OK := $(VENV)/.installed

.PHONY: env book test lock clean

env: $(ENV_OK)

$(ENV_OK): requirements.txt requirements-tf-agents.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-tf-agents.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	touch $@

book: $(ENV_OK)
	$(BIN)/jupyter-book build . --builder html -W --keep-going

test: $(ENV_OK)
	$(BIN)/python -m pytest

# Re-pin requirements.txt after editing requirements.in (needs network; commit both files).
lock:
	rm -rf /tmp/dqn-book-lock && $(PYTHON) -m venv /tmp/dqn-book-lock
	/tmp/dqn-book-lock/bin/python -m pip install --quiet -r requirements.in
	{ sed -n '/^#/p;/^$$/q' requirements.txt; \
	  /tmp/dqn-book-lock/bin/python -m pip freeze --exclude tf-agents --exclude pip --exclude setuptools | LC_ALL=C sort -f; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

clean:
	rm -rf _build
