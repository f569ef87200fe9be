"""MySQL on Aurora / RDS with IAM authentication, PyMySQL.

    pip install auroraiam pymysql

The server asks for the `mysql_clear_password` plugin, which PyMySQL answers with the token as
given, so TLS is mandatory. Verify the server with the RDS CA bundle (global-bundle.pem).

PyMySQL pitfall: the flat `ssl_*` arguments REPLACE an `ssl={...}` dict. `ssl={"ca": CA}`
together with `ssl_verify_cert=True` silently drops the CA. Use one style: here the flat one.
"""

import os

import pymysql  # type: ignore[import-untyped]  # (no type information shipped)

import auroraiam

HOST = os.environ.get("MYSQL_HOST", "mydb.cluster-abc123.us-east-1.rds.amazonaws.com")
PORT = int(os.environ.get("MYSQL_PORT", "3306"))
USER = os.environ.get("MYSQL_USER", "app_user")
CA = os.environ.get("RDS_CA_BUNDLE", "/etc/ssl/certs/rds-global-bundle.pem")


def connect() -> pymysql.connections.Connection:
    return pymysql.connect(
        host=HOST,
        port=PORT,
        user=USER,
        password=auroraiam.generate_auth_token(HOST, PORT, USER),
        ssl_ca=CA,
        ssl_verify_identity=True,  # certificate and host name checked against CA
    )


if __name__ == "__main__":
    with connect() as conn, conn.cursor() as cur:
        cur.execute("select current_user()")
        print(cur.fetchone())
