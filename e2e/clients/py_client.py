"""One login through a Python driver with a token from the auroraiam Python package.

    python py_client.py psycopg|asyncpg|pymysql USER [--sign-host H] [--sign-port P] [--region R]

Connects over TLS (certificate checked against $E2E_CA) to 127.0.0.1 / localhost on
$E2E_PG_PORT or $E2E_MYSQL_PORT, runs SELECT current_user and prints the result. Credentials
come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. The --sign-* options
make a token for something else than the server expects (rejection tests).
"""

import argparse
import asyncio
import os
import ssl

import auroraiam

CA = os.environ["E2E_CA"]
HOST = os.environ.get("E2E_HOST", "localhost")
REGION = os.environ.get("E2E_REGION", "us-east-1")


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("driver", choices=["psycopg", "asyncpg", "pymysql"])
    p.add_argument("user")
    p.add_argument("--sign-host", default=HOST)
    p.add_argument("--sign-port", type=int)
    p.add_argument("--region", default=REGION)
    return p.parse_args()


def token(a: argparse.Namespace, port: int) -> str:
    return auroraiam.generate_auth_token(a.sign_host, a.sign_port or port, a.user, a.region)


def psycopg_login(a: argparse.Namespace) -> str:
    import psycopg

    port = int(os.environ["E2E_PG_PORT"])
    # The token as a keyword argument: inside a libpq URI it would need percent-encoding.
    with psycopg.connect(
        host=HOST, port=port, user=a.user, dbname="postgres", password=token(a, port),
        sslmode="verify-full", sslrootcert=CA,
    ) as conn:
        return conn.execute("select current_user").fetchone()[0]


def asyncpg_login(a: argparse.Namespace) -> str:
    import asyncpg

    port = int(os.environ["E2E_PG_PORT"])

    async def password() -> str:  # asyncpg calls it for every new connection
        return token(a, port)

    async def run() -> str:
        context = ssl.create_default_context(cafile=CA)  # verifies the chain and the host name
        conn = await asyncpg.connect(host=HOST, port=port, user=a.user, database="postgres", password=password, ssl=context)
        try:
            return await conn.fetchval("select current_user")
        finally:
            await conn.close()

    return asyncio.run(run())


def pymysql_login(a: argparse.Namespace) -> str:
    import pymysql

    port = int(os.environ["E2E_MYSQL_PORT"])
    # Flat ssl_* arguments only: combined with ssl={...}, ssl_verify_cert replaces the dict and
    # the CA is silently dropped.
    conn = pymysql.connect(
        host=HOST, port=port, user=a.user, password=token(a, port),
        ssl_ca=CA, ssl_verify_cert=True, ssl_verify_identity=True,
    )
    try:
        with conn.cursor() as cur:
            cur.execute("select current_user()")
            return cur.fetchone()[0]
    finally:
        conn.close()


if __name__ == "__main__":
    args = parse()
    print({"psycopg": psycopg_login, "asyncpg": asyncpg_login, "pymysql": pymysql_login}[args.driver](args))
