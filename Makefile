# Developer workflow. Every test target runs through tox; `make setup` installs what they need.
TOX := .venv/bin/tox
PY := .venv/bin/python

.PHONY: setup run test lint static py38 py311 unit e2e coverage coverage-server build lock bench bench-relations mutate fuzz clean

setup:
	./scripts/setup

## The charm's main job, locally: hooks through Juju's hook tools (test doubles), then the
## real prometheus of GENERATION (2: PATH, 3: .cache/unstable) started from the pod spec the
## charm set for that version's image. Options go in ARGS (`--config KEY=VALUE ...`), merged
## over the default scrape-interval=10s; see `python scripts/run_local.py --help`.
GENERATION ?= 2
ARGS ?=
run: setup
	$(PY) scripts/run_local.py --generation $(GENERATION) $(ARGS)

## The whole suite: lint, static checks, tests on Python 3.8 and 3.11 (with coverage floor).
test: setup
	$(TOX)

lint: setup
	$(TOX) -e lint

static: setup
	$(TOX) -e static

py38: setup
	$(TOX) -e py38

py311: setup
	$(TOX) -e py311

unit: setup
	$(TOX) -e py311 -- -m "not e2e" --no-cov tests

e2e: setup
	$(TOX) -e py311 -- -m e2e --no-cov tests

coverage: py311

## Serves the HTML coverage report of the last py311 run; it picks up new runs by itself.
coverage-server:
	@test -d htmlcov || { echo "no htmlcov/ yet: run 'make coverage' first"; exit 1; }
	@port=$$($(PY) -c 'import socket; s=socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'); \
	echo "coverage report: http://$$(hostname -I 2>/dev/null | cut -d' ' -f1 || echo 127.0.0.1):$$port/"; \
	cd htmlcov && exec ../$(PY) -m http.server $$port

## A deployable charm directory: the locked runtime wheels for CPython 3.8 installed into lib/
## (no bytecode). Run it again at will: it starts from an empty lib/ each time.
build: setup
	./scripts/build

## Resolves requirements.in for CPython 3.8 into the lock requirements.txt (uv, in tox).
lock: setup
	$(TOX) -e lock

## Benchmarks (not part of CI); figures go into the README. `make bench` runs the relation
## scale bench at 1 and 10 applications; `make bench-relations` at 1, 10, 100 and 1,000
## (RELATION_APPS=1,10,... to choose; 1,000 takes hours with the Python hook-tool doubles; sizes from
## RELATION_QUICK_FROM, default 1,000, skip the install warm-up and a second cold hook).
bench: setup
	$(TOX) -e bench

bench-relations: setup
	$(TOX) -e bench-relations

## Mutation testing of src/domain against the unit tests (not part of CI), in a copy under
## build/mutation: see tests/mutation/run.py.
mutate: setup
	$(TOX) -e mutate

## Differential fuzzing (not part of CI): option values and rule files judged by the charm and by
## the real promtool/prometheus of both generations; FUZZ_EXAMPLES batches of option values per
## generation (default 200), RULES_BATCHES of rule files (default 100). Prints the counts and
## fails on any value the charm accepts and Prometheus refuses: see tests/differential/campaign.py.
fuzz: setup
	$(TOX) -e fuzz

## Removes what the targets above made; lib/ keeps only its README.
clean:
	rm -rf .tox htmlcov .coverage build .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find lib -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
