/*
 * AWSAuthenticationPlugin for MariaDB: the server authentication plugin Aurora MySQL and RDS
 * MySQL/MariaDB use for IAM database authentication, emulated locally.
 *
 *   INSTALL SONAME 'auth_auroraiam';
 *   CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;
 *
 * The plugin asks the client for the password in clear text (client plugin
 * mysql_clear_password, as Aurora does; TLS is what protects it) and hands it, with the user
 * name, the account's AS '...' value and the client address, to auroraiam_mariadb_check() (the
 * Rust half, src/lib.rs), which verifies it as an IAM token with the PAM module's checks and
 * logs the attempt. Compiled against the running server's own <mysql/plugin_auth.h>
 * (libmariadbd-dev), so the plugin ABI is the server's.
 *
 * Server variable (read-only, set at startup; before INSTALL SONAME use the loose- prefix):
 *   --loose-awsauthenticationplugin-args="config=/keys.conf host=localhost port=3306 region=us-east-1 log=/v.log"
 */
#include <stddef.h>
#include <string.h>

#include <mysql/plugin_auth.h>

int auroraiam_mariadb_check(const char *args, const unsigned char *user, size_t user_len,
                            const unsigned char *password, size_t password_len,
                            const unsigned char *auth_string, size_t auth_string_len, const char *rhost);

static char *plugin_args;

static MYSQL_SYSVAR_STR(args, plugin_args, PLUGIN_VAR_READONLY | PLUGIN_VAR_RQCMDARG,
                        "What IAM tokens are checked against, as pam_auroraiam module arguments: "
                        "config=KEYFILE host=HOST port=PORT region=REGION [log=FILE] [max_skew=SECONDS] "
                        "[account_id=ID resource_id=ID]",
                        NULL, NULL, "");

static struct st_mysql_sys_var *system_variables[] = {MYSQL_SYSVAR(args), NULL};

static int authenticate(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info) {
    unsigned char *packet = NULL;
    /* The server sends the client the name of client_auth_plugin (mysql_clear_password); the
       answer is the password, NUL-terminated. */
    int length = vio->read_packet(vio, &packet);
    if (length < 0) return CR_ERROR;
    info->password_used = PASSWORD_USED_YES;
    int rc = auroraiam_mariadb_check(plugin_args, (const unsigned char *)info->user_name, info->user_name_length, packet,
                                     (size_t)length, (const unsigned char *)info->auth_string, info->auth_string_length,
                                     info->host_or_ip);
    return rc == 0 ? CR_OK : CR_ERROR;
}

static struct st_mysql_auth aws_authentication_plugin = {
    MYSQL_AUTHENTICATION_INTERFACE_VERSION,
    "mysql_clear_password",
    authenticate,
    NULL, /* hash_password: accounts are created with AS 'RDS', never with a password */
    NULL, /* preprocess_hash */
};

maria_declare_plugin(auth_auroraiam){
    MYSQL_AUTHENTICATION_PLUGIN,
    &aws_authentication_plugin,
    "AWSAuthenticationPlugin",
    "auroraiam",
    "IAM database authentication like Aurora/RDS: the password is an IAM auth token, verified locally (auroraiam emulator)",
    PLUGIN_LICENSE_GPL, /* built against MariaDB's GPL-2.0 plugin headers; a local test tool, shipped in no artifact */
    NULL,
    NULL,
    0x0100,
    NULL,
    system_variables,
    "0.1.0",
    MariaDB_PLUGIN_MATURITY_GAMMA, /* loadable with the default --plugin-maturity=gamma */
} maria_declare_plugin_end;
