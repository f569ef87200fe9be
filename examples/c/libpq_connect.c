/*
 * Connects to an Aurora / RDS PostgreSQL database with an IAM authentication token from
 * libauroraiam as the password, over TLS, and prints who it is connected as.
 *
 *   libpq_connect --host mydb.cluster-abc.us-east-1.rds.amazonaws.com --user app_user \
 *                 [--port 5432] [--dbname postgres] [--region us-east-1] [--ca global-bundle.pem] \
 *                 [--hostaddr 127.0.0.1]
 *
 * Each option falls back to an environment variable: PGHOST, PGPORT, PGUSER, PGDATABASE,
 * AWS_REGION (else the region is inferred from the endpoint name), PGSSLROOTCERT, PGHOSTADDR.
 * Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
 * Without --ca the connection uses sslmode=require (encrypted, server not verified); with
 * --ca it uses sslmode=verify-full. --hostaddr dials another address (a tunnel or port
 * forward) while the token is still signed for, and TLS still checks, the real endpoint.
 *
 * Build: cc libpq_connect.c $(pkg-config --cflags --libs auroraiam) -I$(pg_config --includedir) -lpq
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "auroraiam.h"

static const char *option(int argc, char **argv, const char *name, const char *env) {
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    }
    const char *value = env ? getenv(env) : NULL;
    return value && *value ? value : NULL;
}

static int usage(const char *problem) {
    fprintf(stderr,
            "libpq_connect: %s\n"
            "usage: libpq_connect --host HOST --user USER [--port PORT] [--dbname DB] [--region REGION]\n"
            "                     [--ca CA_FILE] [--hostaddr ADDRESS]\n"
            "       (or PGHOST, PGUSER, PGPORT, PGDATABASE, AWS_REGION, PGSSLROOTCERT, PGHOSTADDR;\n"
            "        credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)\n",
            problem);
    return 2;
}

/* Prints an auroraiam failure: the code name and the detail (never a secret). */
static int auroraiam_failure(const char *what, auroraiam_result rc) {
    char detail[512];
    auroraiam_last_error_message(detail, sizeof detail);
    fprintf(stderr, "libpq_connect: %s failed: %s: %s\n", what, auroraiam_result_name(rc), detail);
    return 1;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return usage("connect with an IAM token");
    }
    const char *host = option(argc, argv, "--host", "PGHOST");
    const char *port_text = option(argc, argv, "--port", "PGPORT");
    const char *user = option(argc, argv, "--user", "PGUSER");
    const char *dbname = option(argc, argv, "--dbname", "PGDATABASE");
    const char *region = option(argc, argv, "--region", "AWS_REGION");
    const char *ca = option(argc, argv, "--ca", "PGSSLROOTCERT");
    const char *hostaddr = option(argc, argv, "--hostaddr", "PGHOSTADDR");
    if (!host) return usage("no host: pass --host or set PGHOST");
    if (!user) return usage("no user: pass --user or set PGUSER");
    if (!port_text) port_text = "5432";
    char *end = NULL;
    long long port = strtoll(port_text, &end, 10);
    if (end == port_text || *end != '\0') return usage("the port is not a number");

    auroraiam_signer *signer = NULL;
    auroraiam_result rc = auroraiam_signer_new_from_env(&signer);
    if (rc != AURORAIAM_RESULT_OK) return auroraiam_failure("reading AWS credentials from the environment", rc);
    char *token = NULL;
    rc = auroraiam_signer_rds_token_now(signer, host, port, user, region, AURORAIAM_DEFAULT_EXPIRES_IN, &token);
    auroraiam_signer_free(signer);
    if (rc != AURORAIAM_RESULT_OK) return auroraiam_failure("generating the token", rc);

    /* Keyword/value parameters: the token needs no escaping (inside a URI it would). */
    const char *keys[9] = {"host", "port", "user", "password", "dbname", "sslmode", NULL, NULL, NULL};
    const char *values[9] = {host, port_text, user, token, dbname ? dbname : "postgres",
                             ca ? "verify-full" : "require", NULL, NULL, NULL};
    int n = 6;
    if (ca) {
        keys[n] = "sslrootcert";
        values[n++] = ca;
    }
    if (hostaddr) {
        keys[n] = "hostaddr";
        values[n++] = hostaddr;
    }
    PGconn *conn = PQconnectdbParams(keys, values, 0);
    auroraiam_token_free(token); /* a bearer credential: drop our copy as soon as it is sent */
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "libpq_connect: connection to %s:%s as %s failed: %s", host, port_text, user,
                PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    PGresult *res = PQexec(conn, "SELECT current_user, version()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "libpq_connect: query failed: %s", PQerrorMessage(conn));
        PQclear(res);
        PQfinish(conn);
        return 1;
    }
    printf("connected as %s (TLS %s): %s\n", PQgetvalue(res, 0, 0), PQsslInUse(conn) ? "on" : "off",
           PQgetvalue(res, 0, 1));
    PQclear(res);
    PQfinish(conn);
    return 0;
}
