# The two commands of README.md: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test conformance check lint format typecheck contracts bench bench-quick bench-capacity fuzz clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## run: the built-in central system plus one simulated charger with its command interface
run: $(VENV)/.runtime
	$(VENV)/bin/ocppsim demo

## test: the whole test suite
test: $(VENV)/.dev
	$(PY) -m pytest -q

## conformance: the OCTT charge-point cases (tests/conformance), then docs/conformance.md from that run
CONFORMANCE_RESULTS := .conformance-results.json
conformance: $(VENV)/.dev
	rm -f $(CONFORMANCE_RESULTS)
	OCPPSIM_CONFORMANCE_RESULTS=$(CONFORMANCE_RESULTS) $(PY) -m pytest -q tests/conformance; \
	status=$$?; \
	PYTHONPATH=tests $(PY) tests/conformance/report.py $(CONFORMANCE_RESULTS) docs/conformance.md && \
	rm -f $(CONFORMANCE_RESULTS) && exit $$status

## check: ruff (format + lint), mypy --strict on src, import-linter layer contracts, then the tests
check: lint typecheck contracts test

lint: $(VENV)/.dev
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/ruff check src tests benchmarks

format: $(VENV)/.dev
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy

contracts: $(VENV)/.dev
	$(VENV)/bin/lint-imports

fuzz: $(VENV)/.dev
	OCPPSIM_FUZZ_EXAMPLES=$${OCPPSIM_FUZZ_EXAMPLES:-20000} $(PY) -m pytest -q tests/fuzz -p no:cacheprovider --hypothesis-show-statistics

# The figures of the fleet issues (5: capacity; 20: cost over the bare transport, chaos), then a summary
# against their targets: ~45 minutes on 2 cores, most of it the 100,000- and 50,000-charger runs and the
# 10-minute chaos run (`bench-quick` leaves those out: ~15 minutes).
bench: bench-quick bench-capacity
	$(PY) benchmarks/summary.py

bench-quick: $(VENV)/.dev
	$(PY) benchmarks/message_path.py
	$(PY) benchmarks/boot_storm.py 10000
	$(PY) benchmarks/fleet_mix.py 10000 60 50 1
	$(PY) benchmarks/fleet_vs_transport.py 1000 60
	$(PY) benchmarks/fleet_vs_transport.py 10000 60
	$(PY) benchmarks/fleet_chaos.py 500 60 10

bench-capacity: $(VENV)/.dev
	$(PY) benchmarks/fleet_mix.py 100000 60 50
	$(PY) benchmarks/fleet_vs_transport.py 50000 60
	$(PY) benchmarks/fleet_chaos.py 10000 600 1

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache ocppsim-data
