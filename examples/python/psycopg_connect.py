"""PostgreSQL on Aurora / RDS with IAM authentication, psycopg 3.

    pip install auroraiam "psycopg[binary]"
    PGHOST=mydb.cluster-abc123.us-east-1.rds.amazonaws.com PGUSER=app_user python psycopg_connect.py

IAM authentication needs TLS. sslmode=require encrypts; for certificate and host checks use
sslmode=verify-full with sslrootcert pointing at the RDS CA bundle (global-bundle.pem).
"""

import os

import psycopg

import auroraiam

HOST = os.environ.get("PGHOST", "mydb.cluster-abc123.us-east-1.rds.amazonaws.com")
PORT = int(os.environ.get("PGPORT", "5432"))
USER = os.environ.get("PGUSER", "app_user")
DBNAME = os.environ.get("PGDATABASE", "postgres")


def connect() -> "psycopg.Connection[tuple[object, ...]]":
    # A fresh token per connection: it is valid for 15 minutes, and only at login.
    token = auroraiam.generate_auth_token(HOST, PORT, USER)  # credentials from the AWS_* env
    # Pass the token as a keyword: inside a libpq URI it would have to be percent-encoded.
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname=DBNAME, password=token, sslmode="require")


if __name__ == "__main__":
    with connect() as conn:
        print(conn.execute("select current_user, version()").fetchone())
