# PAM module pam_auroraiam.so (pam/): verifies an Aurora/RDS IAM token given as the password,
# locally, so PostgreSQL (`pam` auth) and MariaDB (`auth_pam`) act like Aurora with IAM auth.
#   make pam-module   release build, staged as target/pam/pam_auroraiam.so
#   make test-pam     unit tests and the module loaded by the real libpam (no root, no server)
# Needs libpam0g-dev (installed when missing). Not a default workspace member, so plain
# `cargo build` / `cargo test` do not need libpam.

PAM_OUT := target/pam

.PHONY: pam-deps pam-module test-pam

pam-deps:
	@dpkg-query -W -f='$${Status}' libpam0g-dev 2>/dev/null | grep -q "install ok installed" || \
		EXTRA_APT_PACKAGES=libpam0g-dev bash scripts/install-deps.sh

pam-module: pam-deps
	@$(CARGO) build --release -p auroraiam-pam >&2
	@mkdir -p $(PAM_OUT)
	@install -m 0644 target/release/libpam_auroraiam.so $(PAM_OUT)/pam_auroraiam.so
	@echo "$(PAM_OUT)/pam_auroraiam.so" >&2

test-pam: pam-deps
	$(CARGO) test -p auroraiam-pam

TEST_TARGETS += test-pam
