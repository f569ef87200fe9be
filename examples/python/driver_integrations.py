"""Every auroraiam driver integration in one place: each function opens a connection or pool
whose every new physical connection sends a current IAM token (cached by one Signer, renewed
before expiry, one retry with fresh credentials on a refused login). Type-checked with
``mypy --strict`` by the test suite.

    python driver_integrations.py psycopg|psycopg-pool|psycopg2-pool|asyncpg-pool|sqlalchemy|pymysql|aiomysql-pool

Settings from the environment: DB_HOST (the endpoint name the token is signed for), DB_PORT,
DB_USER, DB_NAME, DB_CA (the CA bundle, e.g. rds-global-bundle.pem); credentials from the
default chain (environment, profile, SSO, web identity, ECS/EKS, IMDS).
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

HOST = os.environ.get("DB_HOST", "mydb.cluster-abc.us-east-1.rds.amazonaws.com")
USER = os.environ.get("DB_USER", "app_user")
NAME = os.environ.get("DB_NAME", "app")
CA = os.environ.get("DB_CA", "/etc/ssl/certs/rds-global-bundle.pem")


def pg_port() -> int:
    return int(os.environ.get("DB_PORT", "5432"))


def my_port() -> int:
    return int(os.environ.get("DB_PORT", "3306"))


def with_psycopg() -> Any:
    from auroraiam.psycopg import connect

    with connect(host=HOST, port=pg_port(), user=USER, dbname=NAME, sslrootcert=CA) as conn:
        return conn.execute("select current_user").fetchone()


def with_psycopg_pool() -> Any:
    from psycopg_pool import ConnectionPool

    from auroraiam.psycopg import connection_class

    cls = connection_class(host=HOST, port=pg_port(), user=USER, dbname=NAME, sslrootcert=CA)
    with ConnectionPool(connection_class=cls, min_size=1, max_size=4, max_lifetime=3300) as pool:
        with pool.connection() as conn:
            return conn.execute("select current_user").fetchone()


def with_psycopg2_pool() -> Any:
    from auroraiam.psycopg2 import ThreadedConnectionPool

    pool = ThreadedConnectionPool(1, 4, host=HOST, port=pg_port(), user=USER, dbname=NAME, sslrootcert=CA)
    conn = pool.getconn()
    try:
        with conn.cursor() as cur:
            cur.execute("select current_user")
            return cur.fetchone()
    finally:
        pool.putconn(conn)
        pool.closeall()


async def with_asyncpg_pool() -> Any:
    from auroraiam.asyncpg import create_pool

    async with create_pool(host=HOST, port=pg_port(), user=USER, database=NAME, sslrootcert=CA) as pool:
        return await pool.fetchval("select current_user")


def with_sqlalchemy() -> Any:
    from sqlalchemy import text

    from auroraiam.sqlalchemy import create_engine

    engine = create_engine(f"postgresql+psycopg://{USER}@{HOST}:{pg_port()}/{NAME}", sslrootcert=CA,
                           pool_pre_ping=True)
    with engine.connect() as conn:
        return conn.execute(text("select current_user")).scalar_one()


def with_pymysql() -> Any:
    from auroraiam.pymysql import connect

    conn = connect(host=HOST, port=my_port(), user=USER, database=NAME, ssl_ca=CA)
    try:
        with conn.cursor() as cur:
            cur.execute("select current_user()")
            return cur.fetchone()
    finally:
        conn.close()


async def with_aiomysql_pool() -> Any:
    from auroraiam.aiomysql import create_pool

    pool = await create_pool(host=HOST, port=my_port(), user=USER, db=NAME, ssl_ca=CA, maxsize=4)
    try:
        async with pool.acquire() as conn, conn.cursor() as cur:
            await cur.execute("select current_user()")
            return await cur.fetchone()
    finally:
        pool.close()
        await pool.wait_closed()


def main(which: str) -> None:
    sync = {"psycopg": with_psycopg, "psycopg-pool": with_psycopg_pool, "psycopg2-pool": with_psycopg2_pool,
            "sqlalchemy": with_sqlalchemy, "pymysql": with_pymysql}
    if which in sync:
        print(sync[which]())
    elif which == "asyncpg-pool":
        print(asyncio.run(with_asyncpg_pool()))
    elif which == "aiomysql-pool":
        print(asyncio.run(with_aiomysql_pool()))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
