"""Python driver integrations past token expiry, against the local Aurora emulation (run by
e2e/run-tests.sh, as root; the verifier log is read to judge each run).

    python py_pools.py expiry|retry|reject INTEGRATION USER

INTEGRATION: psycopg, psycopg-pool, psycopg-async-pool, psycopg2-pool, asyncpg-pool,
sqlalchemy-psycopg, sqlalchemy-psycopg2, sqlalchemy-asyncpg, sqlalchemy-pymysql,
sqlalchemy-aiomysql, pymysql, aiomysql-pool, django-postgresql, django-mysql.

expiry: 3 s tokens; credentials from the default chain served by the loopback IMDS emulator
  (tests/emulators/aws_endpoints.py, 5 s lifetimes, every minted key registered in the server's
  key file), so they rotate mid-run. For 10 s a new physical connection is forced every 300 ms.
  Every connect must succeed; the verifier log (lines of USER only, so runs for different users
  can share a server) must show every token OK with 1..3 s left, signing times advancing (a new
  token at least every 3 s; connections opened meanwhile share the cached one), more than one
  access key; no token in reprs or log records.
  The emulator must have answered exactly one credential fetch per access key the tokens used
  (one fetch per rotation, no refetch per connection).
retry: credentials are a callable giving a revoked key (one the server's key file does not
  know) on its first call only; the connection must succeed after exactly one rejection
  (UNKNOWN_ACCESS_KEY then OK) and two credential calls (re-resolved for the retry).
reject: the callable always gives the revoked key; the connect fails with the driver's own error
  (after one retry), no token in its text, repr, traceback or the log records. psycopg_pool
  opens connections in the background: there getconn() ends with the pool's PoolTimeout and the
  pool logs the server's refusal.
Retry and reject use pools of one connection (a second concurrent attempt would take the same
cached, refused token and make the credential-call count ambiguous).
"""

from __future__ import annotations

import asyncio
import calendar
import logging
import os
import re
import subprocess
import sys
import time
import traceback
from typing import Any

SCENARIO, INTEGRATION, USER = sys.argv[1:4]
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MYSQL = INTEGRATION.endswith(("mysql", "mysql-pool")) or "pymysql" in INTEGRATION or "aiomysql" in INTEGRATION
SERVER = "mysql" if MYSQL else "pg"
PORT = int(os.environ["E2E_MYSQL_PORT" if MYSQL else "E2E_PG_PORT"])
LOG = os.environ["E2E_MYSQL_LOG" if MYSQL else "E2E_PG_LOG"]
KEYS = os.path.join(os.environ["AURORAIAM_E2E_STATE"], SERVER, "keys.conf")
CA = os.environ["E2E_CA"]
HOST = os.environ.get("E2E_HOST", "localhost")
REGION = os.environ.get("E2E_REGION", "us-east-1")
QUERY = "select current_user(), connection_id()" if MYSQL else "select current_user, pg_backend_pid()"
TOKEN_TEXT = re.compile(r"X-Amz-Signature|X-Amz-Credential|Action=connect")
FAILURES: list[str] = []
REPRS: list[str] = []
LOGGED: list[str] = []  # every log record (auroraiam's retry warning, the pools' own), formatted


class _Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        LOGGED.append(self.format(record))
        if "discarding closed connection" not in LOGGED[-1]:  # the test closes them on purpose
            print(LOGGED[-1], flush=True)


logging.basicConfig(level=logging.WARNING, handlers=[_Keep()])
# psycopg_pool opens connections in the background; a refused one is logged there, and the
# caller's getconn() ends with PoolTimeout (the pool's own error).
BACKGROUND_POOL = INTEGRATION in ("psycopg-pool", "psycopg-async-pool")


def check(ok: bool, what: str) -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {INTEGRATION}: {what}", flush=True)
    if not ok:
        FAILURES.append(what)


def log_lines(start: int) -> list[dict[str, Any]]:
    with open(LOG, encoding="utf-8") as f:
        lines = f.read().splitlines()[start:]
    quoted_user = '"' + USER.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = []
    for line in lines:
        if f"user={quoted_user}" not in line:
            continue
        m = re.search(r"result=([A-Z_]+)", line)
        key = re.search(r"signed by (\S+) at (\S+),", line)
        left = re.search(r", (-?\d+) s left", line)
        out.append({"result": m and m.group(1), "key": key and key.group(1), "at": key and key.group(2),
                    "left": int(left.group(1)) if left else None})
    return out


def log_length() -> int:
    with open(LOG, encoding="utf-8") as f:
        return len(f.read().splitlines())


def pg(**extra: Any) -> dict[str, Any]:
    return {"host": HOST, "port": PORT, "user": USER, "region": REGION, **extra}


class Driver:
    """One integration behind one interface: ``once()`` opens a new physical connection (or
    forces the pool to), runs QUERY and returns (user, session id)."""

    def __init__(self, auth: dict[str, Any], size: int = 2) -> None:
        self.auth = auth
        self.size = size  # the pools' largest size (1: one connection attempt at a time)
        self.loop = asyncio.new_event_loop()
        self.obj: Any = None
        self.setup()

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def setup(self) -> None:
        a, kind = self.auth, INTEGRATION
        if kind == "psycopg-pool":
            from psycopg_pool import ConnectionPool

            from auroraiam.psycopg import connection_class

            self.obj = ConnectionPool(connection_class=connection_class(**pg(dbname="postgres", sslrootcert=CA, **a)),
                                      min_size=1, max_size=self.size, open=True, timeout=10 if self.size > 1 else 4)
        elif kind == "psycopg-async-pool":
            from psycopg_pool import AsyncConnectionPool

            from auroraiam.psycopg import async_connection_class

            async def make() -> Any:
                pool = AsyncConnectionPool(
                    connection_class=async_connection_class(**pg(dbname="postgres", sslrootcert=CA, **a)),
                    min_size=1, max_size=self.size, open=False, timeout=10 if self.size > 1 else 4)
                await pool.open()
                return pool

            self.obj = self.run(make())
        elif kind == "psycopg2-pool":
            from auroraiam.psycopg2 import ThreadedConnectionPool

            self.obj = ThreadedConnectionPool(1, self.size, **pg(dbname="postgres", sslrootcert=CA, **a))
        elif kind == "asyncpg-pool":
            from auroraiam.asyncpg import create_pool

            async def make_asyncpg() -> Any:  # asyncpg's pool binds to the running loop
                return await create_pool(**pg(database="postgres", sslrootcert=CA, min_size=1, max_size=self.size, **a))

            self.obj = self.run(make_asyncpg())
        elif kind.startswith("sqlalchemy-"):
            from urllib.parse import quote

            driver = kind.split("-", 1)[1]
            backend = "mysql" if MYSQL else "postgresql"
            url = f"{backend}+{driver}://{quote(USER, safe='')}@{HOST}:{PORT}/{'' if MYSQL else 'postgres'}"
            tls = {"ssl_ca": CA} if MYSQL else {"sslrootcert": CA}
            if driver in ("asyncpg", "aiomysql"):
                from auroraiam.sqlalchemy import create_async_engine

                self.obj = create_async_engine(url, region=REGION, pool_size=self.size, **tls, **a)
            else:
                from auroraiam.sqlalchemy import create_engine

                self.obj = create_engine(url, region=REGION, pool_size=self.size, **tls, **a)
        elif kind == "aiomysql-pool":
            from auroraiam.aiomysql import create_pool

            async def make_aiomysql() -> Any:
                return await create_pool(host=HOST, port=PORT, user=USER, region=REGION, ssl_ca=CA, minsize=0,
                                         maxsize=self.size, **a)

            self.obj = self.run(make_aiomysql())
        elif kind.startswith("django-"):
            import django
            from django.conf import settings

            engine = "auroraiam.django." + kind.split("-", 1)[1]
            options: dict[str, Any] = {"region": REGION, **a}
            options.update({"ssl": {"ca": CA}} if MYSQL else {"sslrootcert": CA})
            settings.configure(DATABASES={"default": {
                "ENGINE": engine, "HOST": HOST, "PORT": PORT, "USER": USER,
                "NAME": "" if MYSQL else "postgres", "OPTIONS": options}}, USE_TZ=True)
            django.setup()
            from django.db import connection

            self.obj = connection

    def once(self) -> tuple[str, str]:
        a, kind = self.auth, INTEGRATION
        if kind == "psycopg":
            from auroraiam.psycopg import connect

            with connect(**pg(dbname="postgres", sslrootcert=CA, **a)) as conn:
                REPRS.append(repr(conn))
                row = conn.execute(QUERY).fetchone()
        elif kind == "psycopg-pool":
            conn = self.obj.getconn()
            try:
                REPRS.append(repr(conn))
                row = conn.execute(QUERY).fetchone()
                conn.commit()
            finally:
                conn.close()  # a closed connection returned makes the pool open a new one
                self.obj.putconn(conn)
        elif kind == "psycopg-async-pool":
            async def go() -> Any:
                conn = await self.obj.getconn()
                try:
                    cur = await conn.execute(QUERY)
                    result = await cur.fetchone()
                    await conn.commit()
                    return result
                finally:
                    await conn.close()
                    await self.obj.putconn(conn)

            row = self.run(go())
        elif kind == "psycopg2-pool":
            conn = self.obj.getconn()
            try:
                with conn.cursor() as cur:
                    cur.execute(QUERY)
                    row = cur.fetchone()
            finally:
                self.obj.putconn(conn, close=True)
        elif kind == "asyncpg-pool":
            async def go() -> Any:
                async with self.obj.acquire() as conn:
                    result = await conn.fetchrow(QUERY)
                await self.obj.expire_connections()  # the next acquire opens a new connection
                return tuple(result)

            row = self.run(go())
        elif kind.startswith("sqlalchemy-"):
            from sqlalchemy import text

            if kind.endswith(("asyncpg", "aiomysql")):
                async def go() -> Any:
                    async with self.obj.connect() as conn:
                        result = (await conn.execute(text(QUERY))).one()
                        await conn.invalidate()  # the pool opens a new DBAPI connection next time
                        return tuple(result)

                row = self.run(go())
            else:
                with self.obj.connect() as conn:
                    row = tuple(conn.execute(text(QUERY)).one())
                    conn.invalidate()
        elif kind == "pymysql":
            from auroraiam.pymysql import connect

            conn = connect(host=HOST, port=PORT, user=USER, region=REGION, ssl_ca=CA, **a)
            try:
                REPRS.append(repr(conn))
                with conn.cursor() as cur:
                    cur.execute(QUERY)
                    row = cur.fetchone()
            finally:
                conn.close()
        elif kind == "aiomysql-pool":
            async def go() -> Any:
                conn = await self.obj.acquire()
                try:
                    async with conn.cursor() as cur:
                        await cur.execute(QUERY)
                        return await cur.fetchone()
                finally:
                    conn.close()  # a closed connection is dropped on release
                    self.obj.release(conn)

            row = self.run(go())
        elif kind.startswith("django-"):
            self.obj.close()
            with self.obj.cursor() as cur:
                cur.execute(QUERY)
                row = cur.fetchone()
        else:
            raise SystemExit(f"unknown integration {kind}")
        return str(row[0]), str(row[1])

    def close(self) -> None:
        REPRS.append(repr(self.obj))
        kind = INTEGRATION
        try:
            if kind in ("psycopg-pool", "psycopg2-pool"):
                self.obj.close() if kind == "psycopg-pool" else self.obj.closeall()
            elif kind == "psycopg-async-pool" or kind == "asyncpg-pool":
                self.run(self.obj.close())
            elif kind.startswith("sqlalchemy-"):
                if kind.endswith(("asyncpg", "aiomysql")):
                    self.run(self.obj.dispose())
                else:
                    self.obj.dispose()
            elif kind == "aiomysql-pool":
                self.obj.close()
                self.run(self.obj.wait_closed())
            elif kind.startswith("django-"):
                self.obj.close()
        finally:
            self.loop.close()


def imds_fetches(url: str) -> int:
    """Credential fetches the emulator answered so far."""
    import json
    import urllib.request

    with urllib.request.urlopen(url + "/_control/stats", timeout=5) as r:
        return int(json.load(r)["imds"])


def start_imds(lifetime: int) -> tuple[subprocess.Popen[str], str]:
    script = os.path.join(REPO, "tests", "emulators", "aws_endpoints.py")
    child = subprocess.Popen([sys.executable, script, "--port", "0", "--lifetime", str(lifetime), "--register-keys", KEYS],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    line = child.stdout.readline()
    return child, "http://127.0.0.1:" + re.search(r"PORT (\d+)", line).group(1)  # type: ignore[union-attr]


def expiry() -> None:
    emulator, url = start_imds(5)
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = url
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/auroraiam-e2e"
    before = log_length()
    seen: list[str] = []
    failed = 0
    db = Driver({"expires_in": 3})
    started = time.monotonic()
    try:
        while time.monotonic() - started < 10:
            try:
                user, session = db.once()
                if user.split("@")[0] != USER.split("@")[0] and not user.startswith(USER):
                    raise RuntimeError(f"logged in as {user}")
                seen.append(session)
            except Exception as e:
                failed += 1
                print(f"connect failed: {type(e).__name__}: {e}", flush=True)
            time.sleep(0.3)
    finally:
        db.close()
        fetches = imds_fetches(url)
        assert emulator.stdin is not None
        emulator.stdin.close()
        emulator.wait(5)
    span = time.monotonic() - started
    time.sleep(0.2)
    lines = log_lines(before)
    keys = {line["key"] for line in lines}
    check(failed == 0, f"every connect succeeded ({len(seen)} over {span:.1f} s, {failed} failed)")
    check(len(seen) >= 15 and len(set(seen)) == len(seen), f"each query ran on a new physical connection ({len(set(seen))} distinct sessions)")
    check(len(lines) >= len(seen), f"a verifier line for every new connection ({len(lines)} lines, {len(seen)} connections)")
    check(all(line["result"] == "OK" for line in lines), f"every token verified (results: {sorted({str(line['result']) for line in lines})})")
    lefts = [line["left"] for line in lines if line["left"] is not None]
    check(bool(lefts) and all(1 <= x <= 3 for x in lefts), f"every token was fresh: 1..3 s of its 3 s left ({min(lefts, default=None)}..{max(lefts, default=None)})")
    signed = sorted({calendar.timegm(time.strptime(str(line["at"]), "%Y-%m-%dT%H:%M:%SZ")) for line in lines if line["at"]})
    gaps = [b - a for a, b in zip(signed, signed[1:])]
    # Tokens come from the cache until they near expiry: connections opened close together share
    # one; every token here is used only while 1..3 s of it are left, so a new one every <= 3 s.
    check(len(signed) >= span / 3 and max(gaps, default=99) <= 3,
          f"a newly signed token at least every 3 s ({len(signed)} tokens over {span:.1f} s, largest gap {max(gaps, default=None)} s)")
    check(span > 9, f"the pool outlived its first token by {span - 3:.1f} s (3 s tokens)")
    check(len(keys) >= 2 and all(str(k).startswith("ASIA") for k in keys), f"credentials rotated mid-run ({len(keys)} IMDS access keys)")
    check(fetches == len(keys), f"one credential fetch per rotation ({fetches} IMDS fetches, {len(keys)} keys used)")
    check(not any(TOKEN_TEXT.search(r) for r in REPRS), f"no token in the repr of pools, engines, connections ({len(REPRS)} checked)")
    check(not any(TOKEN_TEXT.search(m) for m in LOGGED), f"no token in what was logged ({len(LOGGED)} records)")


# An access key the servers' key file does not know: a key revoked since it was handed out.
REVOKED_KEY = "AKIAREVOKEDEXAMPLE01"


def provider(recovers: bool) -> tuple[Any, list[int]]:
    calls: list[int] = []

    def credentials() -> dict[str, str]:
        calls.append(1)
        if recovers and len(calls) > 1:
            return {"aws_access_key_id": os.environ["E2E_ACCESS_KEY_ID"],
                    "aws_secret_access_key": os.environ["E2E_SECRET_ACCESS_KEY"]}
        return {"aws_access_key_id": REVOKED_KEY, "aws_secret_access_key": "revoked-secret-of-a-revoked-key"}

    return credentials, calls


def retry() -> None:
    fn, calls = provider(True)
    before = log_length()
    db = Driver({"credentials": fn}, size=1)
    try:
        user, _ = db.once()
        check(user.startswith(USER.split("@")[0]), f"connected as {user} after a rejected first token")
    except Exception as e:
        check(False, f"connect after a rejected first token: {type(e).__name__}: {e}")
    finally:
        db.close()
    results = [line["result"] for line in log_lines(before)]
    check(results[:2] == ["UNKNOWN_ACCESS_KEY", "OK"] and all(r == "OK" for r in results[1:]),
          f"verifier saw the rejection, then the fresh token ({results})")
    check(len(calls) == 2, f"credentials resolved anew for the retry ({len(calls)} calls)")


def reject() -> None:
    fn, _ = provider(False)
    before = log_length()
    error: BaseException | None = None
    db = None
    try:
        db = Driver({"credentials": fn}, size=1)
        db.once()
    except Exception as e:
        error = e
    finally:
        if db is not None:
            try:
                db.close()
            except Exception:
                pass
    expected = "Access denied for user" if MYSQL else "PAM authentication failed for user"
    text = f"{error!s} {error!r} " + "".join(traceback.format_exception(type(error), error, error.__traceback__)) if error else ""
    driver_module = type(error).__module__.split(".")[0] if error else ""
    summary = f"({driver_module}.{type(error).__name__}): {str(error).strip()[:160]}"
    results = [line["result"] for line in log_lines(before)]
    if BACKGROUND_POOL:
        check(type(error).__name__ == "PoolTimeout", f"getconn() ends with the pool's own error {summary}")
        check(any(expected in m for m in LOGGED), f"the pool logged the driver's refusal ({expected!r})")
        check(len(results) >= 2 and all(r == "UNKNOWN_ACCESS_KEY" for r in results),
              f"every attempt rejected for the revoked key ({results})")
    else:
        check(error is not None and expected in str(error), f"the driver's own error {summary}")
        check(len(results) == 2 and all(r == "UNKNOWN_ACCESS_KEY" for r in results),
              f"2 attempts, each rejected for the revoked key ({results})")
    check(driver_module != "auroraiam", "the error is not auroraiam's")
    check(not TOKEN_TEXT.search(text), "no token in the error's text, repr or traceback")
    check(not any(TOKEN_TEXT.search(m) for m in LOGGED), f"no token in what was logged ({len(LOGGED)} records)")


if __name__ == "__main__":
    try:
        {"expiry": expiry, "retry": retry, "reject": reject}[SCENARIO]()
    except Exception as e:
        traceback.print_exc()
        check(False, f"{SCENARIO}: {type(e).__name__}: {e}")
    sys.exit(1 if FAILURES else 0)
