"""SQLAlchemy with IAM tokens: every new DBAPI connection gets a current token, through the
documented ``do_connect`` event, for sync and async engines (psycopg, psycopg2, asyncpg, pymysql,
aiomysql dialects).

    from auroraiam.sqlalchemy import create_engine
    engine = create_engine("postgresql+psycopg://app_user@mydb.cluster-abc.us-east-1.rds.amazonaws.com/app",
                           sslrootcert="/etc/ssl/rds-global-bundle.pem")

The URL carries no password (one is an error). auroraiam options (``region``, ``credentials``,
``profile``, ``expires_in``, ``refresh_margin``, ``dsql``, ``signer``) are keywords; the CA bundle
is ``sslrootcert=`` (PostgreSQL) or ``ssl_ca=`` (MySQL); everything else goes to SQLAlchemy.
``attach(engine, ...)`` wires an engine you made yourself. Requires the ``sqlalchemy`` extra.
"""

from __future__ import annotations

import ssl
from typing import Any

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

from auroraiam._auroraiam import _pg_sslmode
from auroraiam._integration import (
    AUTH_OPTIONS, IamAuth, connect_with_retry, invalid, mysql_tls_refused, pg_tls, ssl_context,
)

__all__ = ["create_engine", "create_async_engine", "attach"]

_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}
_DRIVERS = ("psycopg", "psycopg2", "asyncpg", "pymysql", "aiomysql")


def _url(url: str | URL) -> URL:
    u = make_url(url)
    if u.password is not None:
        raise invalid("the database URL must not contain a password: auroraiam sends a fresh IAM token as the "
                      "password of every new connection")
    return u


def _split(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    ours = {k: options.pop(k) for k in (*AUTH_OPTIONS, "sslrootcert", "ssl_ca", "sslmode", "ssl_disabled")
            if k in options}
    return ours, options


def _engine(create: Any, u: URL, rest: dict[str, Any]) -> Any:
    """``create(u, **rest)``; SQLAlchemy's TypeError for an unknown keyword becomes a clear error
    that also lists auroraiam's own options."""
    try:
        return create(u, **rest)
    except TypeError as e:
        if not str(e).startswith("Invalid argument(s)"):
            raise
        unknown = sorted(k for k in rest if repr(k) in str(e).split(" sent to ")[0])
        raise invalid(f"unknown create_engine option{'s' if len(unknown) > 1 else ''} "
                      f"{', '.join(map(repr, unknown)) or str(e)} (neither SQLAlchemy's for "
                      f"{u.get_backend_name()}+{u.get_driver_name()} nor one of auroraiam's: "
                      f"{', '.join(AUTH_OPTIONS)}, sslrootcert, ssl_ca, sslmode)") from None


def create_engine(url: str | URL, **options: Any) -> Engine:
    """``sqlalchemy.create_engine`` with IAM tokens for every new connection."""
    u = _url(url)
    ours, rest = _split(dict(options))
    _check_tls(u, ours)
    engine: Engine = _engine(sqlalchemy.create_engine, u, rest)
    attach(engine, **ours)
    return engine


def create_async_engine(url: str | URL, **options: Any) -> Any:
    """``sqlalchemy.ext.asyncio.create_async_engine`` with IAM tokens for every new connection
    (tokens made off the event loop when credentials must be fetched)."""
    from sqlalchemy.ext.asyncio import create_async_engine as _create

    u = _url(url)
    ours, rest = _split(dict(options))
    _check_tls(u, ours)
    engine = _engine(_create, u, rest)
    attach(engine, **ours)
    return engine


def _check_tls(u: URL, ours: dict[str, Any]) -> None:
    """A request for no TLS, in the URL's query or the keywords, is an error now (not at the
    first connect)."""
    if u.get_backend_name() == "postgresql":
        for mode in (ours.get("sslmode"), u.query.get("sslmode"), u.query.get("ssl")):
            if isinstance(mode, str) and mode not in ("true", "True"):
                _pg_sslmode(mode)
    else:
        flag = u.query.get("ssl_disabled")
        if ours.get("ssl_disabled") or (isinstance(flag, str) and flag.lower() in ("1", "true", "yes", "on")):
            mysql_tls_refused({"ssl_disabled": True})


def attach(engine: Any, *, sslrootcert: str | None = None, ssl_ca: str | None = None, sslmode: str | None = None,
           ssl_disabled: bool | None = None, **auth_options: Any) -> IamAuth:
    """Adds the ``do_connect`` listener to ``engine`` (an ``Engine`` or ``AsyncEngine``): every
    new connection gets a current token, TLS on (verify-full with the CA bundle), and one retry
    with a forced-fresh token on a refused one. Returns the ``IamAuth`` (its ``signer`` caches)."""
    sync_engine: Engine = getattr(engine, "sync_engine", engine)
    u = sync_engine.url
    if u.password is not None:
        raise invalid("the engine's URL must not contain a password")
    backend, driver = u.get_backend_name(), u.get_driver_name()
    if backend not in _DEFAULT_PORTS or driver not in _DRIVERS:
        raise invalid(f"dialect {backend}+{driver} is not supported (PostgreSQL: psycopg, psycopg2, asyncpg; "
                      "MySQL: pymysql, aiomysql)")
    _check_tls(u, {"sslmode": sslmode, "ssl_disabled": ssl_disabled})
    unknown = sorted(set(auth_options) - set(AUTH_OPTIONS))
    if unknown:
        raise invalid(f"unknown auroraiam option(s) {', '.join(map(repr, unknown))}")
    auth = IamAuth(u.host, u.port, u.username, default_port=_DEFAULT_PORTS[backend], **auth_options)
    dialect = sync_engine.dialect
    is_async = bool(getattr(dialect, "is_async", False))

    def tls(cparams: dict[str, Any]) -> None:
        if backend == "postgresql" and driver != "asyncpg":
            if sslmode is not None:
                cparams.setdefault("sslmode", sslmode)
            if sslrootcert is not None:
                cparams.setdefault("sslrootcert", sslrootcert)
            pg_tls(cparams)
        elif driver == "asyncpg":
            if not isinstance(cparams.get("ssl"), ssl.SSLContext):
                mode = cparams.pop("ssl", None) or cparams.pop("sslmode", None) or sslmode
                cparams["ssl"] = ssl_context(mode if isinstance(mode, str) else None, sslrootcert)
        else:
            mysql_tls_refused(cparams)
            given = cparams.get("ssl")
            if not isinstance(given, ssl.SSLContext):
                ca = ssl_ca or sslrootcert or (given.get("ca") if isinstance(given, dict) else None)
                cparams["ssl"] = ssl_context(None, ca)

    @event.listens_for(sync_engine, "do_connect")
    def _do_connect(dialect: Any, conn_rec: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        cparams.pop("password", None)
        tls(cparams)
        if is_async:
            from sqlalchemy.util import await_only

            failed = 0
            while True:
                token = await_only(auth.token_async() if failed == 0 else auth.fresh_token_async())
                try:
                    return dialect.connect(*cargs, **cparams, password=token)
                except Exception as e:
                    del token
                    failed += 1
                    from auroraiam._auroraiam import _retry_auth_failure
                    from auroraiam._integration import _log_retry, is_auth_failure

                    if not (is_auth_failure(e) and _retry_auth_failure(failed)):
                        raise
                    _log_retry(auth)
        return connect_with_retry(auth, lambda token: dialect.connect(*cargs, **cparams, password=token))

    return auth
