# Soak (tests/soak/, docs/reliability.md): RSS over many tokens on every surface, and 16
# threads / worker_threads / asyncio tasks through credential rotation every second.
#   make soak        10 million tokens per path per surface (release build), 30 s of rotation
#   make soak-smoke  50,000 tokens per path (debug Rust driver), 4 s of rotation; part of make test
# Figures in target/soak/figures-<mode>.txt. Python: the test venv of make test-python when it
# exists, else target/soak/venv with a freshly built wheel.

SOAK_VENV := target/soak/venv

.PHONY: soak soak-smoke soak-python

soak-python:
	@if [ -x $(PY_TEST_VENV)/bin/python ] && $(PY_TEST_VENV)/bin/python -c 'import auroraiam' 2>/dev/null; then \
		mkdir -p target/soak && rm -rf $(SOAK_VENV) && ln -s $(abspath $(PY_TEST_VENV)) $(SOAK_VENV); \
	elif ! [ -x $(SOAK_VENV)/bin/python ] || ! $(SOAK_VENV)/bin/python -c 'import auroraiam' 2>/dev/null; then \
		$(MAKE) --no-print-directory python-wheel && rm -rf $(SOAK_VENV) && mkdir -p target/soak && \
		$(PYTHON) -m venv $(SOAK_VENV) && \
		$(SOAK_VENV)/bin/python -m pip install $(PY_PIP_QUIET) --no-index --no-deps $(PY_WHEELS)/auroraiam-*.whl; \
	fi

soak: c-lib node-build soak-python
	$(CARGO) build -q --release -p auroraiam-soak
	RUST_BIN=target/release/auroraiam-soak PYTHON=$(SOAK_VENV)/bin/python bash tests/soak/run.sh long

soak-smoke: c-lib node-build soak-python
	$(CARGO) build -q -p auroraiam-soak
	RUST_BIN=target/debug/auroraiam-soak PYTHON=$(SOAK_VENV)/bin/python bash tests/soak/run.sh smoke

TEST_TARGETS += soak-smoke
