# The two commands of README.md: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test conformance check lint format typecheck contracts bench bench-quick bench-capacity fuzz clean vendor-uplot

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

## test: the whole test suite, on two xdist workers (worksteal: the few long tests do not end up queued
## behind each other); TEST_WORKERS=0 runs it in this one process
TEST_WORKERS ?= 2
test: $(VENV)/.dev
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

## conformance: the OCTT charge-point cases (tests/conformance), then docs/conformance.md from that run
CONFORMANCE_RESULTS := .conformance-results.json
conformance: $(VENV)/.dev
	rm -f $(CONFORMANCE_RESULTS)
	OCPPSIM_CONFORMANCE_RESULTS=$(CONFORMANCE_RESULTS) $(PY) -m pytest -q tests/conformance; \
	status=$$?; \
	PYTHONPATH=tests $(PY) tests/conformance/report.py $(CONFORMANCE_RESULTS) docs/conformance.md && \
	rm -f $(CONFORMANCE_RESULTS) && exit $$status

## conformance-201: the OCPP 2.0.1 Core charging-station cases (tests/conformance_201), then docs/conformance-201.md
CONFORMANCE_201_RESULTS := .conformance-201-results.json
.PHONY: conformance-201
conformance-201: $(VENV)/.dev
	rm -f $(CONFORMANCE_201_RESULTS)
	OCPPSIM_CONFORMANCE_201_RESULTS=$(CONFORMANCE_201_RESULTS) $(PY) -m pytest -q tests/conformance_201; \
	status=$$?; \
	PYTHONPATH=tests $(PY) tests/conformance_201/report.py $(CONFORMANCE_201_RESULTS) docs/conformance-201.md && \
	rm -f $(CONFORMANCE_201_RESULTS) && exit $$status

## check: ruff (format + lint), mypy --strict on src, import-linter layer contracts, then the tests
check: lint typecheck contracts test

lint: $(VENV)/.dev
	$(VENV)/bin/ruff format --check src tests benchmarks examples
	$(VENV)/bin/ruff check src tests benchmarks examples

format: $(VENV)/.dev
	$(VENV)/bin/ruff format src tests benchmarks examples
	$(VENV)/bin/ruff check --fix src tests benchmarks examples

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

# vendor-uplot: the dashboard's chart library (uPlot, MIT) from its npm package at UPLOT_VERSION into the
# package's static files with its licence; needs npm only here, never at install (no CDN, no Node build).
UPLOT_VERSION ?= 1.6.32
UPLOT_DIR := src/ocppsim/control/http/static/vendor
vendor-uplot:
	rm -rf .uplot-tmp && mkdir .uplot-tmp
	cd .uplot-tmp && npm pack --silent uplot@$(UPLOT_VERSION) >/dev/null && tar xzf uplot-$(UPLOT_VERSION).tgz
	mkdir -p $(UPLOT_DIR)
	cp .uplot-tmp/package/dist/uPlot.iife.min.js .uplot-tmp/package/dist/uPlot.min.css $(UPLOT_DIR)/
	cp .uplot-tmp/package/LICENSE $(UPLOT_DIR)/uPlot.LICENSE
	echo "uPlot $(UPLOT_VERSION) (npm package uplot, dist/uPlot.iife.min.js and dist/uPlot.min.css)" > $(UPLOT_DIR)/uPlot.VERSION
	rm -rf .uplot-tmp

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache ocppsim-data
