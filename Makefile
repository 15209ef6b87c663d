# ClockKo backend. The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
JOBS ?= $(shell nproc)
PORT ?= 8000

.PHONY: help deps test-deps node-deps build run test test-fast bench fuzz format format-check tidy clean

help:
	@echo "make run     install build packages if missing, build Release, serve on :$(PORT) with SQLite"
	@echo "make test    install test packages if missing, build with ASan+UBSan, run every test"
	@echo "             (a throwaway PostgreSQL 15 cluster and MailDev are started and stopped),"
	@echo "             then each libFuzzer target for FUZZ_SECONDS (50) seconds"
	@echo "make build   build Release only (build/release/clockko)"
	@echo "make bench   benchmarks (wrk, nginx reference)     make fuzz   fuzz targets, 600 s each"
	@echo "make format  clang-format the sources              make tidy   clang-tidy the sources"

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

# Test tooling from npm, pinned by package-lock.json; never loaded by the server at run time.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: node_modules/.package-lock.json

build: deps node-deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	@echo "Built build/release/clockko"

run: build
	@echo "ClockKo API on http://localhost:$(PORT)  (docs: http://localhost:$(PORT)/docs)  Ctrl-C stops"
	PORT=$(PORT) build/release/clockko serve

test: test-deps node-deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	scripts/run-tests.sh build/asan
	FUZZ_SECONDS=$${FUZZ_SECONDS:-50} JOBS=$(JOBS) scripts/run-fuzz.sh build/fuzz

bench:
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory build
	scripts/bench.sh

fuzz: test-deps node-deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} JOBS=$(JOBS) scripts/run-fuzz.sh build/fuzz

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format-14 -i

format-check:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format-14 --dry-run --Werror

# The compile database carries GCC-only warning flags (-Wlogical-op, …) that clang-tidy does not know.
tidy:
	cmake --preset debug >/dev/null
	git ls-files 'src/*.cpp' | xargs clang-tidy-14 -p build/debug --quiet --extra-arg=-Wno-unknown-warning-option

clean:
	rm -rf build
