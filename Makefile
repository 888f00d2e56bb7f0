# Fabriek: `make test` runs the whole test suite, `make run` the service on demo data.
SWIFT ?= swift
APT_PACKAGES := liblz4-dev libsqlite3-dev

.PHONY: deps build test bench release clean

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

## The benchmark of tools/fabriek-bench (release build); see README.md.
bench: release
	$(SWIFT) run -c release fabriek-bench

clean:
	rm -rf .build
