# End-to-end: real PostgreSQL and MariaDB verify IAM tokens (pam_auroraiam.so) from every surface
# through real drivers, over TLS. Needs root (apt-get, /etc/pam.d, servers on 127.0.0.1).
#   make test-e2e     install what is missing, start both servers, run every client, stop them
#   make e2e-up       start the local "Aurora with IAM auth" for your own tests (docs/local-emulation.md)
#   make e2e-down     stop it and remove its state

.PHONY: test-e2e e2e-up e2e-down

test-e2e:
	@bash e2e/run-tests.sh

e2e-up:
	@bash e2e/local-aurora.sh up

e2e-down:
	@bash e2e/local-aurora.sh down

TEST_TARGETS += test-e2e
