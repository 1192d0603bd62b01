# parley: `make run` opens the shell, `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
export PARLEY_MODEL_HOME ?= $(HOME)/.cache/parley
VENV_PYTHON := $(PARLEY_MODEL_HOME)/venv/bin/python
ARGS ?=

.PHONY: all deps build run test bench model test-tools clean

all: build

deps:
	@scripts/install-deps

build: deps
	swift build

run: build
	@scripts/run-parley $(ARGS)

model: deps
	@scripts/local-model start

# The tests' Python helpers, installed beside the local model: jsonschema for the schema checks,
# openai to run the snippets /code prints.
test-tools: model
	@$(VENV_PYTHON) -c 'import jsonschema, openai' 2>/dev/null || $(PARLEY_MODEL_HOME)/venv/bin/pip install --quiet jsonschema openai

test: deps model test-tools
	swift build --build-tests
	PARLEY_REQUIRE_MODEL=1 PARLEY_PYTHON=$(VENV_PYTHON) swift test --skip-build --disable-swift-testing

# Benchmarks: a release build (Swift's runtime linked in: faster start-up, less memory) against
# curl and the llm CLI (see scripts/bench/bench.py).
bench: deps model
	swift build -c release --static-swift-stdlib --product parley
	python3 scripts/bench/bench.py

clean:
	rm -rf .build
