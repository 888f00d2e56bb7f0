# Fabriek: `make test` runs the whole test suite, `make run` the service on demo data.
SWIFT ?= swift
APT_PACKAGES := liblz4-dev libsqlite3-dev

.PHONY: deps build test bench release run clean

## Install the system libraries when they are missing (Debian/Ubuntu).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

release: deps
	$(SWIFT) build -c release

## Demo: a Maastricht history 2019-2021 in ./data (written once), the read models, the report.
DATA ?= data
run: deps
	$(SWIFT) build --product fabriek-admin
	@if [ ! -d "$(DATA)/log" ]; then $(SWIFT) run --skip-build fabriek-admin demo --data "$(DATA)"; fi
	$(SWIFT) run --skip-build fabriek-admin projections rebuild --all --data "$(DATA)"
	$(SWIFT) run --skip-build fabriek-admin projections status --data "$(DATA)"
	$(SWIFT) run --skip-build fabriek-admin log head --data "$(DATA)"
	$(SWIFT) run --skip-build fabriek-admin report programme --as-of 2021-12-31 --format md --data "$(DATA)"

## The benchmark of tools/fabriek-bench (release build); see README.md.
bench: release
	$(SWIFT) run -c release fabriek-bench

clean:
	rm -rf .build
