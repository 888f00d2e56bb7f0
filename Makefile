# Fabriek: `make run` serves the demo store on 127.0.0.1:8080, `make test` runs every test.
SWIFT ?= swift
APT_PACKAGES := liblz4-dev libsqlite3-dev python3-pip
DATA ?= data
FUZZ_SECONDS ?= 30

.PHONY: deps build test browser-check fuzz-check bench release run clean

## Install what is missing (Debian/Ubuntu): the system libraries, and Python's jsonschema for
## the OCDS validation test.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && ! { [ "$$missing" = " python3-pip" ] && python3 -m pip --version >/dev/null 2>&1; }; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import jsonschema, referencing' 2>/dev/null || python3 -m pip install -q 'jsonschema>=4.18' || \
	  python3 -m pip install -q --break-system-packages 'jsonschema>=4.18'

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

## The web pages in headless Chromium at 375 and 1280 px (installs Debian's chromium).
browser-check: deps
	tools/browser-check/check-pages.sh

## A bounded libFuzzer run of every fuzz target from the committed corpus (fails on a finding).
fuzz-check: deps
	tools/fuzz/run-fuzzers.sh --check $(FUZZ_SECONDS)

release: deps
	$(SWIFT) build -c release

## The service on demo data: builds, writes the demo history into ./data when it is empty,
## serves on 127.0.0.1:8080 and prints a token per role. Ctrl-C stops it cleanly.
run: deps
	$(SWIFT) build --product fabriek
	$$($(SWIFT) build --show-bin-path)/fabriek serve --data "$(DATA)" --demo

## The benchmark of tools/fabriek-bench (release build); see README.md.
bench: release
	$(SWIFT) run -c release fabriek-bench

clean:
	rm -rf .build
