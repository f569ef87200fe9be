# MariaDB server plugin auth_auroraiam.so (mariadb-plugin/): AWSAuthenticationPlugin, the plugin
# name Aurora MySQL uses for IAM users, verifying IAM tokens locally with pam_auroraiam's checks,
# so `CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'` runs unchanged locally.
#   make mariadb-plugin        release build, staged as target/mariadb-plugin/auth_auroraiam.so
#   make test-mariadb-plugin   unit tests, and the .so exports only the plugin declaration
# Needs MariaDB's server plugin headers (libmariadbd-dev: /usr/include/mariadb/server/mysql/
# plugin_auth.h, the same version as mariadb-server) and libpam0g-dev; installed when missing.
# Not a default workspace member. The e2e MariaDB loads it with INSTALL SONAME (e2e/setup-mariadb.sh).

MARIADB_PLUGIN_OUT := target/mariadb-plugin
MARIADB_SERVER_INCLUDE := /usr/include/mariadb/server
CC ?= cc

.PHONY: mariadb-plugin-deps mariadb-plugin test-mariadb-plugin

mariadb-plugin-deps: pam-deps
	@dpkg-query -W -f='$${Status}' libmariadbd-dev 2>/dev/null | grep -q "install ok installed" || \
		EXTRA_APT_PACKAGES=libmariadbd-dev bash scripts/install-deps.sh

# The C declaration and the Rust check in one .so; only the plugin's _maria_* symbols are
# exported (mariadb-plugin/exports.map), so nothing of Rust's runtime can clash with the server's.
mariadb-plugin: mariadb-plugin-deps
	@$(CARGO) build --release -p auroraiam-mariadb-plugin >&2
	@mkdir -p $(MARIADB_PLUGIN_OUT)
	@$(CC) -shared -fPIC -O2 -DMYSQL_DYNAMIC_PLUGIN -Wall -Wextra -I$(MARIADB_SERVER_INCLUDE) \
		-o $(MARIADB_PLUGIN_OUT)/auth_auroraiam.so mariadb-plugin/src/auth_aws.c \
		target/release/libauroraiam_mariadb.a -Wl,--version-script=mariadb-plugin/exports.map \
		-Wl,--gc-sections -Wl,--as-needed -s -lpam -lpthread -ldl -lm
	@echo "$(MARIADB_PLUGIN_OUT)/auth_auroraiam.so" >&2

test-mariadb-plugin: mariadb-plugin
	$(CARGO) test -p auroraiam-mariadb-plugin
	@nm -D --defined-only $(MARIADB_PLUGIN_OUT)/auth_auroraiam.so | awk '{print $$3}' | sort > $(MARIADB_PLUGIN_OUT)/exports.txt
	@printf '%s\n' _maria_plugin_declarations_ _maria_plugin_interface_version_ _maria_sizeof_struct_st_plugin_ \
		| diff - $(MARIADB_PLUGIN_OUT)/exports.txt || { echo "auth_auroraiam.so exports more than the plugin declaration" >&2; exit 1; }

TEST_TARGETS += test-mariadb-plugin
