# parley: `make run` opens the shell, `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
export PARLEY_MODEL_HOME ?= $(HOME)/.cache/parley
VENV_PYTHON := $(PARLEY_MODEL_HOME)/venv/bin/python
ARGS ?=

.PHONY: all deps build run test test-repeat golden fuzz bench model test-tools format format-check install uninstall clean

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

# The code's form: swift format (it ships with the toolchain) under .swift-format. `make format`
# formats in place; `make test` fails, first thing, on code it would change or a file over 400 lines.
SWIFT_FILES := Sources Tests Fuzz Package.swift
format:
	swift format format --in-place --recursive --parallel $(SWIFT_FILES)

format-check:
	@swift format lint --strict --recursive --parallel $(SWIFT_FILES) || { echo "format-check: run 'make format'" >&2; exit 1; }
	@long=$$(find Sources Tests Fuzz -name '*.swift' -exec awk 'END { if (NR > 400) print FILENAME " (" NR " lines)" }' {} \;); \
	  if [ -n "$$long" ]; then echo "format-check: files over 400 lines: $$long" >&2; exit 1; fi

test: format-check deps model test-tools
	swift build --build-tests
	PARLEY_REQUIRE_MODEL=1 PARLEY_REQUIRE_POSTGRES=1 PARLEY_PYTHON=$(VENV_PYTHON) swift test --skip-build --disable-swift-testing

# The whole suite N times in a row (default 3), stopping at the first failure, each run timed:
# `make test-repeat N=5`.
N ?= 3
test-repeat: deps model test-tools
	swift build --build-tests
	@for run in $$(seq 1 $(N)); do \
	  echo "test-repeat: run $$run of $(N)" >&2; start=$$SECONDS; \
	  PARLEY_REQUIRE_MODEL=1 PARLEY_REQUIRE_POSTGRES=1 PARLEY_PYTHON=$(VENV_PYTHON) swift test --skip-build --disable-swift-testing || exit 1; \
	  echo "test-repeat: run $$run took $$((SECONDS - start)) s" >&2; \
	done

# The renderer's golden files written anew from the current renderer (a step of its own: a test run
# that records fails), then checked.
golden:
	swift build --build-tests
	-PARLEY_RECORD_GOLDEN=1 swift test --skip-build --disable-swift-testing --filter MarkdownRendererTests.testGoldenMarkdownWholeAndInEveryPieceSize
	swift test --skip-build --disable-swift-testing --filter MarkdownRendererTests.testGoldenMarkdownWholeAndInEveryPieceSize

# Coverage-guided fuzzing, not part of `make test`: each libFuzzer target of Fuzz/ (the SSE decoder and
# stream parser, the Markdown renderer and wrapper, the command parser, the config file, the image
# headers and decoders) built with AddressSanitizer into .build-fuzz and run for SECONDS each (default
# 60), seeded from the tests' fixtures; FUZZ="FuzzStream FuzzImages" runs some. Fails when one finds
# a crash, a hang or a leak (saved under .build-fuzz-runs/artifacts). See scripts/fuzz.
SECONDS ?= 60
FUZZ ?=
fuzz: deps
	@scripts/fuzz $(SECONDS) $(FUZZ)

# Benchmarks: a release build (Swift's runtime linked in: faster start-up, less memory) against
# curl and the llm CLI (see scripts/bench/bench.py).
bench: deps model
	swift build -c release --static-swift-stdlib --product parley
	python3 scripts/bench/bench.py

# Installs the static release binary, completion scripts for bash, zsh and fish, and a man page
# (swift-argument-parser's generate-manual plugin) under PREFIX (default ~/.local), inside DESTDIR
# when packaging. `make uninstall` removes them.
PREFIX ?= $(HOME)/.local
install: deps
	swift build -c release --static-swift-stdlib --product parley
	@mkdir -p .build/man
	swift package --allow-writing-to-package-directory generate-manual --output-directory .build/man
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install .build/release/parley .build/man/parley.1

uninstall:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install --uninstall

clean:
	rm -rf .build .build-fuzz .build-fuzz-runs
