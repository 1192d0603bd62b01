# parley: `make run` opens the shell, `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
export PARLEY_MODEL_HOME ?= $(HOME)/.cache/parley
VENV_PYTHON := $(PARLEY_MODEL_HOME)/venv/bin/python
ARGS ?=

.PHONY: all deps build run test model test-tools clean

all: build

deps:
	@scripts/install-deps

build: deps
	swift build

run: build
	@scripts/run-parley $(ARGS)

model: deps
	@scripts/local-model start

# The schema checks of the tests use Python's jsonschema, installed beside the local model.
test-tools: model
	@$(VENV_PYTHON) -c 'import jsonschema' 2>/dev/null || $(PARLEY_MODEL_HOME)/venv/bin/pip install --quiet jsonschema

test: deps model test-tools
	swift build --build-tests
	PARLEY_REQUIRE_MODEL=1 PARLEY_PYTHON=$(VENV_PYTHON) swift test --skip-build --disable-swift-testing

clean:
	rm -rf .build
