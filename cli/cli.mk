# auroraiam CLI (cli/, binary `auroraiam`). Included by the root Makefile.
#   make test-cli   unit tests + integration tests that run the built binary as a process
#                   (every shared vector case, round trips, diagnostics, argument edge cases)
#   make demo-cli   the demo token through the CLI (inputs from scripts/demo.env)
#   make build-cli  release binary at target/release/auroraiam

.PHONY: test-cli demo-cli build-cli

TEST_TARGETS += test-cli
DEMO_TARGETS += demo-cli

build-cli:
	$(CARGO) build --release -p auroraiam-cli

test-cli:
	$(CARGO) test -p auroraiam-cli

demo-cli:
	@$(CARGO) build -q --release -p auroraiam-cli
	@target/release/auroraiam generate-db-auth-token --signing-time "$$DEMO_SIGNING_TIME" \
		--hostname "$$DEMO_HOSTNAME" --port "$$DEMO_PORT" --username "$$DEMO_USERNAME"

# Whole-process timing against aws-cli (installs aws-cli into a venv if `aws` is missing).
.PHONY: bench-cli
bench-cli:
	bash cli/bench/compare_aws_cli.sh
