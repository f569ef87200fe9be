"""Per-connection overhead of the driver integrations (a benchmark script, not a test).

    make bench-python-integrations          # builds the wheel, a venv with the drivers, runs this
    python bench/integrations_bench.py [--quick]

1. Wiring only (always): what an integration adds to each new connection when its token comes
   from the cache (options checked, cached token fetched, retry wrapper), measured with the
   driver's connect replaced by a stub returning at once; against the plain driver call through
   the same stub. Medians of interleaved repetitions, in microseconds.
2. Real connects (when the local emulation's settings are in the environment: `sudo make e2e-up`,
   then `source /var/lib/auroraiam-e2e/env`): the integration's connect (token from cache)
   against the plain driver's connect given a token made beforehand, to the local PostgreSQL
   and MariaDB over TLS, interleaved; medians in milliseconds and the ratio. On a loaded
   machine the difference is within the noise of a TLS handshake and a PAM check.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

HOST = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
CREDS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}


def interleaved(pairs: dict[str, Callable[[], Any]], rounds: int, inner: int) -> dict[str, float]:
    """Median seconds per call of each callable, rounds interleaved so drift hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in pairs}
    for _ in range(rounds):
        for name, fn in pairs.items():
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(values) for name, values in samples.items()}


class Stub:
    """What a stubbed driver connect returns."""


def wiring(rounds: int, inner: int) -> None:
    print("1. wiring per new connection, token from cache, driver connect stubbed (median µs)")
    print(f"   {'integration':<38} {'plain':>8} {'auroraiam':>10} {'added':>8}")
    rows: list[tuple[str, dict[str, float]]] = []

    import psycopg

    import auroraiam.psycopg as ap

    real = psycopg.Connection.connect
    psycopg.Connection.connect = classmethod(lambda cls, conninfo="", **kw: Stub())  # type: ignore[method-assign,assignment]
    try:
        opts = {"host": HOST, "user": "app_user", "dbname": "app", "credentials": CREDS}
        cls = ap.connection_class(**opts)
        token = ap._prepare(dict(opts))[0].token()
        rows.append(("psycopg connect()", interleaved({
            "plain": lambda: psycopg.Connection.connect(host=HOST, user="app_user", dbname="app", password=token,
                                                        sslmode="verify-full"),
            "auroraiam": lambda: ap.connect(**opts)}, rounds, inner)))
        rows.append(("psycopg_pool connection_class.connect()", interleaved({
            "plain": lambda: psycopg.Connection.connect(host=HOST, user="app_user", dbname="app", password=token,
                                                        sslmode="verify-full"),
            "auroraiam": lambda: cls.connect()}, rounds, inner)))
    finally:
        psycopg.Connection.connect = real  # type: ignore[method-assign]

    import pymysql  # type: ignore[import-untyped]

    import auroraiam.pymysql as am

    real_my = pymysql.connect
    pymysql.connect = lambda **kw: Stub()
    try:
        mopts = {"host": HOST, "port": 3306, "user": "app_user", "credentials": CREDS}
        rows.append(("PyMySQL connect()", interleaved({
            "plain": lambda: pymysql.connect(host=HOST, port=3306, user="app_user", password=token, ssl_ca=None),
            "auroraiam": lambda: am.connect(**mopts)}, rounds, inner)))
    finally:
        pymysql.connect = real_my

    import asyncpg  # type: ignore[import-untyped]

    import auroraiam.asyncpg as aa
    from auroraiam._integration import connect_with_retry_async

    async def stub_connect(**kw: Any) -> Stub:
        return Stub()

    real_pg = asyncpg.connect
    asyncpg.connect = stub_connect
    try:
        loop = asyncio.new_event_loop()
        popts = {"host": HOST, "user": "app_user", "database": "app", "credentials": CREDS}
        auth, params = aa._prepare(dict(popts))
        loop.run_until_complete(auth.token_async())  # warm the cache
        rows.append(("asyncpg pool connect (create_pool's hook)", interleaved({
            "plain": lambda: loop.run_until_complete(stub_connect(**params, password=token)),
            "auroraiam": lambda: loop.run_until_complete(
                connect_with_retry_async(auth, lambda tok: aa._attempt(params, tok)))}, rounds, inner)))
        loop.close()
    finally:
        asyncpg.connect = real_pg

    for name, r in rows:
        print(f"   {name:<38} {r['plain'] * 1e6:8.1f} {r['auroraiam'] * 1e6:10.1f} {(r['auroraiam'] - r['plain']) * 1e6:8.1f}")


def real_connects(rounds: int) -> None:
    env = os.environ
    if not all(k in env for k in ("E2E_PG_PORT", "E2E_MYSQL_PORT", "E2E_CA", "E2E_ACCESS_KEY_ID")):
        print("2. real connects: skipped (no local emulation settings; sudo make e2e-up, then "
              "source /var/lib/auroraiam-e2e/env)")
        return
    import psycopg
    import pymysql

    import auroraiam
    import auroraiam.psycopg as ap
    import auroraiam.pymysql as am

    creds = {"aws_access_key_id": env["E2E_ACCESS_KEY_ID"], "aws_secret_access_key": env["E2E_SECRET_ACCESS_KEY"]}
    host, ca, region = env.get("E2E_HOST", "localhost"), env["E2E_CA"], env.get("E2E_REGION", "us-east-1")
    pg_port, my_port = int(env["E2E_PG_PORT"]), int(env["E2E_MYSQL_PORT"])
    pg_signer = auroraiam.Signer(host, pg_port, "app_user", region, credentials=creds)
    my_signer = auroraiam.Signer(host, my_port, "app_user", region, credentials=creds)

    def pg_plain() -> None:
        psycopg.connect(host=host, port=pg_port, user="app_user", dbname="postgres", sslmode="verify-full",
                        sslrootcert=ca, password=pg_signer.get_token()).close()

    def pg_ours() -> None:
        ap.connect(host=host, port=pg_port, user="app_user", dbname="postgres", sslrootcert=ca, region=region,
                   signer=pg_signer).close()

    def my_plain() -> None:
        pymysql.connect(host=host, port=my_port, user="app_user", password=my_signer.get_token(), ssl_ca=ca,
                        ssl_verify_cert=True, ssl_verify_identity=True).close()

    def my_ours() -> None:
        am.connect(host=host, port=my_port, user="app_user", ssl_ca=ca, region=region, signer=my_signer).close()

    print("2. real connects to the local emulation over TLS, token from cache (median ms)")
    print(f"   {'driver':<38} {'plain':>8} {'auroraiam':>10} {'ratio':>8}")
    for name, plain, ours in (("psycopg 3 -> PostgreSQL", pg_plain, pg_ours), ("PyMySQL -> MariaDB", my_plain, my_ours)):
        r = interleaved({"plain": plain, "auroraiam": ours}, rounds, 1)
        print(f"   {name:<38} {r['plain'] * 1e3:8.2f} {r['auroraiam'] * 1e3:10.2f} {r['auroraiam'] / r['plain']:7.3f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = ap.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    wiring(rounds=15 if args.quick else 51, inner=200 if args.quick else 1000)
    real_connects(rounds=10 if args.quick else 40)


if __name__ == "__main__":
    main()
