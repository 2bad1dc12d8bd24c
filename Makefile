# Cinnabar's two entry points: `make run` (build and start the server with in-memory defaults on
# 127.0.0.1:6379) and `make test` (install what the tests need, build, run every test). Both work on a
# fresh machine of this project's kind; nothing else needs to be installed by hand.
SWIFT ?= swift
PYTHON ?= python3
ARGS ?=

.PHONY: run build release test unit-tests compat-tests test-deps system-deps bench clean

run: release
	.build/release/cinnabar-server --save "" $(ARGS)

# Runtime exclusivity checks cost 30-50 % of user-space instructions per request; the single event loop already
# rules out concurrent access. Package.swift turns them off for Cinnabar's targets; this also covers SwiftNIO.
RELEASE_FLAGS = -Xswiftc -enforce-exclusivity=unchecked

# System libraries the build links: Lua 5.1 (the language Redis scripts are written in) with the cjson and bitop
# modules Redis scripts use, from Debian. Installed with apt-get when missing (sudo when not root).
SYSTEM_PACKAGES = liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

system-deps:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 \
		|| { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); }

release: system-deps
	$(SWIFT) build -c release --product cinnabar-server $(RELEASE_FLAGS)

build: system-deps
	$(SWIFT) build --build-tests

# Python client libraries for the compatibility suite (redis-py 8 speaks RESP2 and RESP3), and Debian's
# redis-server, which tests/compat/test_persistence.py runs to exchange RDB files with (CI runs as root on a fresh
# Debian machine).
test-deps:
	@$(PYTHON) -c 'import redis, pytest; assert int(redis.__version__.split(".")[0]) >= 8' 2>/dev/null \
		|| $(PYTHON) -m pip install --quiet 'redis>=8,<9' 'pytest>=7'
	@test -x /usr/bin/redis-server || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server; }

# Serial: the integration tests run servers inside the test process, and maxmemory tests read that process's
# malloc usage, which other tests running alongside would disturb.
unit-tests: build
	$(SWIFT) test --skip-build --no-parallel

# Extra pytest arguments for the compatibility suite, e.g. COMPAT_SELECT='-k lists'.
COMPAT_SELECT ?=

compat-tests: build test-deps
	CINNABAR_SERVER_BIN=$(CURDIR)/.build/debug/cinnabar-server PYTHONDONTWRITEBYTECODE=1 \
		$(PYTHON) -m pytest -q -p no:cacheprovider $(COMPAT_SELECT) tests/compat

test: unit-tests compat-tests

# Side-by-side benchmark against redis-server (see docs/performance.md).
bench: release
	scripts/bench

clean:
	rm -rf .build
