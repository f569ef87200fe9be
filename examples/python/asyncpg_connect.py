"""asyncpg pool that asks for a fresh IAM token whenever it opens a connection.

    pip install auroraiam asyncpg

asyncpg accepts a callable as `password` and calls it for every new connection. Signing takes
about a microsecond and reads credentials from memory / the environment, so calling it on the
event loop does not block it.
"""

import asyncio
import os

import asyncpg  # type: ignore[import-untyped]  # (no type information shipped)

import auroraiam

HOST = os.environ.get("PGHOST", "mydb.cluster-abc123.us-east-1.rds.amazonaws.com")
PORT = int(os.environ.get("PGPORT", "5432"))
USER = os.environ.get("PGUSER", "app_user")
DBNAME = os.environ.get("PGDATABASE", "postgres")


def token() -> str:
    return auroraiam.generate_auth_token(HOST, PORT, USER)


async def main() -> None:
    pool = await asyncpg.create_pool(host=HOST, port=PORT, user=USER, database=DBNAME, password=token, ssl="require")
    async with pool.acquire() as conn:
        print(await conn.fetchval("select current_user"))
    await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
