# Node.js package (bindings/node: napi-rs v3 addon, npm package `auroraiam`). Included by the root Makefile.
#   make test-node     npm ci, build the addon, check the generated files did not drift, run node --test
#   make demo-node     print the token for the demo inputs (scripts/demo.env)
#   make bench-node    time auroraiam against @aws-sdk/rds-signer and the core in the same run (not a test)
# The addon lands in bindings/node/auroraiam.<platform>.node (ignored by git); cargo builds in
# target/<triple>/release (napi build passes --target).

NODE_DIR := bindings/node
NPM ?= npm
NPM_QUIET := --no-audit --no-fund --loglevel=error

.PHONY: node-deps node-build node-vector-sdks test-node demo-node bench-node

# npm ci when node_modules is missing or older than the lock file.
node-deps:
	@cd $(NODE_DIR) && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		$(NPM) ci $(NPM_QUIET) >&2; fi

# The AWS SDK signers (dev-only, tests/vectors/package-lock.json): the compatibility tests and the benchmark use them.
node-vector-sdks:
	@cd tests/vectors && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		$(NPM) ci $(NPM_QUIET) >&2; fi

# `npm run build` = napi build --platform --release --strip: the addon plus the generated binding.js and index.d.ts.
node-build: node-deps
	@cd $(NODE_DIR) && $(NPM) run --silent build >&2

test-node: node-build node-vector-sdks
	@echo "test-node: checking that the generated binding.js and index.d.ts match the committed ones"
	git diff --exit-code -- $(NODE_DIR)/binding.js $(NODE_DIR)/index.d.ts
	cd $(NODE_DIR) && node --test test/*.test.mjs

demo-node: node-build
	@node examples/node/demo.mjs

bench-node: node-build node-vector-sdks
	cd $(NODE_DIR) && node bench/bench.mjs

TEST_TARGETS += test-node
BENCH_TARGETS += bench-node
DEMO_TARGETS += demo-node
