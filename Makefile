# sksynth developer commands. Every target works from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all install demo test lint pytest bench docs docs-full clean

all: test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# Install the pinned CPU build of torch first, so that the package's own
# requirement (torch<=2.13.0) is already satisfied and no CUDA build is pulled.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m sksynth.demo --out demo_output

lint: $(STAMP)
	$(BIN)/ruff check .

pytest: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

test: lint pytest

# The benchmarks run in their own venv: the peers (sdv, ctgan, sdmetrics) pin
# pandas<3. CPU torch first so that no CUDA build is pulled.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --upgrade pip
	$(BENCH_VENV)/bin/pip install torch==2.13.0
	$(BENCH_VENV)/bin/pip install -e ".[bench]"
	$(BENCH_VENV)/bin/pip check
	# smartnoise-synth pins opacus 0.14 for its own DP GANs, which the benchmarks do not
	# run (its MST and AIM do not use opacus); our DP-SGD samplers need opacus >= 1.4
	$(BENCH_VENV)/bin/pip install "opacus>=1.4"
	touch $(BENCH_STAMP)

# Runs the default parts (about an hour on 2 cores), folds them into benchmarks/summary/ and
# regenerates docs/benchmarks.md; run files go to ~/.cache/sksynth-bench. One part:
# make bench BENCH_ARGS="--part speed --dataset credit" (--list shows every part).
bench: $(BENCH_STAMP)
	OMP_NUM_THREADS=1 $(BENCH_VENV)/bin/python -m benchmarks.run $(BENCH_ARGS)

# The HTML site; the gallery pages are built without running the examples
# (set plot_gallery in docs/conf.py, or `make docs-full`, to run them).
docs: $(STAMP)
	$(BIN)/pip install -e ".[docs]"
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

docs-full: $(STAMP)
	$(BIN)/pip install -e ".[docs]"
	SKSYNTH_EXAMPLE_QUICK=0 $(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) $(BENCH_VENV) build dist *.egg-info demo_output docs/_build .pytest_cache .ruff_cache
