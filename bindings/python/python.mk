# Python package (bindings/python: pyo3 + maturin, abi3 wheel). Included by the root Makefile.
#   make test-python    build the wheel, install it and the pinned drivers in a fresh venv, run pytest
#                       (vectors, API, stubtest, threads, driver integrations' bad input)
#   make demo-python    print the token for the demo inputs (scripts/demo.env)
#   make bench-python   time auroraiam against boto3 and the core in the same run (not a test); wheel
#                       sizes. PY_BENCH_ARGS: more bench.py arguments (--quick, --wall, --json PATH)
#   make bench-python-integrations   per-connection overhead of auroraiam.<driver> vs the plain driver
# Everything generated lives under target/python/ (ignored by git).

PYTHON ?= python3
PY_DIR := bindings/python
PY_OUT := target/python
PY_WHEELS := $(PY_OUT)/wheels
PY_TEST_VENV := $(PY_OUT)/test-venv
PY_DEMO_VENV := $(PY_OUT)/demo-venv
PY_BENCH_VENV := $(PY_OUT)/bench-venv
PY_PIP_QUIET := --quiet --disable-pip-version-check
PY_BENCH_ARGS ?=
# Other CPythons the same abi3 wheel is also tested on, when the machine has them (pyenv).
PY_ABI3_PYTHONS ?= $(wildcard $(HOME)/.pyenv/versions/3.9.*/bin/python3 $(HOME)/.pyenv/versions/3.13.*/bin/python3)
PY_ABI3_TESTS := test_calling.py test_vectors.py test_bad_inputs.py test_signing_time.py test_credentials.py test_errors.py test_threads.py \
	test_inspect.py test_signer.py

.PHONY: python-wheel test-python demo-python bench-python bench-python-integrations

# The wheel, built the way `pip install ./bindings/python` builds it: PEP 517, maturin pinned
# in pyproject.toml, fetched from PyPI into an isolated build environment. $(call
# py_build_wheel,DIR) replaces DIR with a directory holding just the new wheel; each target uses
# its own DIR, so concurrent runs (e2e, demo, tests) never see each other's half-built wheels.
define py_build_wheel
	@rm -rf $(1).tmp
	@$(PYTHON) -m pip wheel $(PY_PIP_QUIET) --no-deps --wheel-dir $(1).tmp ./$(PY_DIR) >&2
	@rm -rf $(1) && mv $(1).tmp $(1) && ls $(1)/auroraiam-*.whl >&2
endef

# target/python/wheels/auroraiam-*.whl, for other suites (e2e) that install the package.
python-wheel:
	$(call py_build_wheel,$(PY_WHEELS))

test-python:
	$(call py_build_wheel,$(PY_OUT)/test-wheels)
	rm -rf $(PY_TEST_VENV)
	$(PYTHON) -m venv $(PY_TEST_VENV)
	$(PY_TEST_VENV)/bin/python -m pip install $(PY_PIP_QUIET) -r $(PY_DIR)/tests/requirements.txt \
		-r $(PY_DIR)/tests/requirements-drivers.txt
	$(PY_TEST_VENV)/bin/python -m pip install $(PY_PIP_QUIET) --no-index --no-deps $(PY_OUT)/test-wheels/auroraiam-*.whl
	cd $(PY_DIR)/tests && ../../../$(PY_TEST_VENV)/bin/python -m pytest -p no:cacheprovider -q -ra
	@set -e; for py in $(PY_ABI3_PYTHONS); do \
	  venv=$(PY_OUT)/abi3-venv-$$($$py -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	  echo "== the same abi3 wheel on $$($$py --version) =="; \
	  rm -rf $$venv; $$py -m venv $$venv; \
	  $$venv/bin/python -m pip install $(PY_PIP_QUIET) pytest==8.3.5; \
	  $$venv/bin/python -m pip install $(PY_PIP_QUIET) --no-index --no-deps $(PY_OUT)/test-wheels/auroraiam-*.whl; \
	  (cd $(PY_DIR)/tests && ../../../$$venv/bin/python -m pytest -p no:cacheprovider -q $(PY_ABI3_TESTS)); \
	done

demo-python:
	$(call py_build_wheel,$(PY_OUT)/demo-wheels)
	@test -x $(PY_DEMO_VENV)/bin/python || $(PYTHON) -m venv $(PY_DEMO_VENV) >&2
	@$(PY_DEMO_VENV)/bin/python -m pip install $(PY_PIP_QUIET) --no-index --no-deps --force-reinstall \
		$(PY_OUT)/demo-wheels/auroraiam-*.whl >&2
	@$(PY_DEMO_VENV)/bin/python examples/python/demo.py

bench-python:
	$(call py_build_wheel,$(PY_OUT)/bench-wheels)
	@test -x $(PY_BENCH_VENV)/bin/python || $(PYTHON) -m venv $(PY_BENCH_VENV)
	@$(PY_BENCH_VENV)/bin/python -m pip install $(PY_PIP_QUIET) -r $(PY_DIR)/bench/requirements.txt
	@$(PY_BENCH_VENV)/bin/python -m pip install $(PY_PIP_QUIET) --no-index --no-deps --force-reinstall \
		$(PY_OUT)/bench-wheels/auroraiam-*.whl
	$(PY_BENCH_VENV)/bin/python $(PY_DIR)/bench/bench.py --wheel '$(PY_OUT)/bench-wheels/auroraiam-*.whl' $(PY_BENCH_ARGS)
	@# The slim wheel (no credential chain), built once here for its size only; its own cargo
	@# profile keeps it from overwriting the default build's extension.
	@rm -rf $(PY_OUT)/slim-wheels
	@$(PYTHON) -m pip wheel $(PY_PIP_QUIET) --no-deps --wheel-dir $(PY_OUT)/slim-wheels \
		--config-settings=build-args="--no-default-features --profile release-slim" ./$(PY_DIR) >&2
	$(PY_BENCH_VENV)/bin/python $(PY_DIR)/bench/signer_bench.py --wheel '$(PY_OUT)/bench-wheels/auroraiam-*.whl' \
		--slim-wheel '$(PY_OUT)/slim-wheels/auroraiam-*.whl'

# With the local emulation's settings in the environment (sudo make e2e-up; source
# /var/lib/auroraiam-e2e/env) it also times real connects; without them, the wiring only.
bench-python-integrations:
	$(call py_build_wheel,$(PY_OUT)/bench-wheels)
	@test -x $(PY_BENCH_VENV)/bin/python || $(PYTHON) -m venv $(PY_BENCH_VENV)
	@$(PY_BENCH_VENV)/bin/python -m pip install $(PY_PIP_QUIET) -r $(PY_DIR)/tests/requirements-drivers.txt
	@$(PY_BENCH_VENV)/bin/python -m pip install $(PY_PIP_QUIET) --no-index --no-deps --force-reinstall \
		$(PY_OUT)/bench-wheels/auroraiam-*.whl
	$(PY_BENCH_VENV)/bin/python $(PY_DIR)/bench/integrations_bench.py

TEST_TARGETS += test-python
BENCH_TARGETS += bench-python
BENCH_TARGETS += bench-python-integrations
DEMO_TARGETS += demo-python
