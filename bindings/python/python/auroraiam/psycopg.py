"""psycopg 3 with IAM tokens: every new physical connection gets a current token.

    from auroraiam.psycopg import connect, connection_class
    conn = connect(host="mydb.cluster-abc.us-east-1.rds.amazonaws.com", user="app_user",
                   dbname="app", sslrootcert="/etc/ssl/rds-global-bundle.pem")

    from psycopg_pool import ConnectionPool
    pool = ConnectionPool(connection_class=connection_class(
        host="mydb.cluster-abc.us-east-1.rds.amazonaws.com", user="app_user", dbname="app",
        sslrootcert="/etc/ssl/rds-global-bundle.pem"), max_lifetime=3300)

Options besides libpq's: ``region`` (inferred from the endpoint name), ``credentials`` /
``profile`` (default: the default credential chain), ``expires_in``, ``refresh_margin``,
``dsql`` (Aurora DSQL: ``host`` may be the 26-character cluster id; user ``admin`` gets the
admin token), ``signer`` (an existing ``Signer``/``DsqlSigner``). ``sslmode`` defaults to
verify-full; disable/allow/prefer are refused. A login refused for authentication is retried
once with a forced-fresh token (credentials re-resolved). Requires the ``psycopg`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import psycopg

from auroraiam._integration import (
    IamAuth, check_options, connect_with_retry, connect_with_retry_async, pg_tls, reject_password, reject_url_password,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["connect", "connect_async", "connection_class", "async_connection_class", "pool_kwargs", "IamConnection", "AsyncIamConnection"]

# psycopg.Connection.connect's own keywords (not libpq keywords).
_PSYCOPG_KEYWORDS = frozenset({"autocommit", "prepare_threshold", "context", "row_factory", "cursor_factory"})
_libpq_keywords: frozenset[str] | None = None


def _known() -> frozenset[str]:
    global _libpq_keywords
    if _libpq_keywords is None:
        _libpq_keywords = frozenset(d.keyword.decode() for d in psycopg.pq.Conninfo.get_defaults())
    return _libpq_keywords | _PSYCOPG_KEYWORDS


def _prepare(options: dict[str, Any], conninfo: str = "") -> tuple[IamAuth, dict[str, Any]]:
    """Splits the auroraiam options from the driver's, checks them, and returns the auth and
    the connect keywords (without a password)."""
    params = dict(options)
    if conninfo:
        from_conninfo = psycopg.conninfo.conninfo_to_dict(conninfo)
        reject_url_password(bool(from_conninfo.get("password")), "the conninfo / URL")
        params = {**from_conninfo, **params}
    reject_password(params)
    auth = IamAuth.from_options(params.pop("host", None), params.pop("port", None), params.pop("user", None), 5432, params)
    check_options(params, _known(), "psycopg (libpq)")
    pg_tls(params)
    params.update(host=auth.host, port=auth.port, user=auth.user)
    return auth, params


def connect(conninfo: str = "", **options: Any) -> psycopg.Connection[Any]:
    """``psycopg.connect`` with a current IAM token as the password (see the module docs);
    ``conninfo`` (a libpq URL or key=value string, without a password) is merged under the
    keywords."""
    auth, params = _prepare(options, conninfo)
    return connect_with_retry(auth, lambda token: psycopg.Connection.connect(**params, password=token))


async def connect_async(conninfo: str = "", **options: Any) -> psycopg.AsyncConnection[Any]:
    """``psycopg.AsyncConnection.connect`` with a current IAM token (made off the event loop
    when credentials must be fetched)."""
    auth, params = _prepare(options, conninfo)

    async def attempt(token: str) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(**params, password=token)

    return await connect_with_retry_async(auth, attempt)


def connection_class(conninfo: str = "", **options: Any) -> type[psycopg.Connection[Any]]:
    """A ``psycopg.Connection`` subclass whose ``connect()`` (what ``psycopg_pool.ConnectionPool``
    calls for every new physical connection) sends a current token and retries once on a
    refused one. Pass it as ``ConnectionPool(connection_class=...)`` (the pool's ``conninfo``
    and ``kwargs`` may add libpq options, but no password)."""
    auth, params = _prepare(options, conninfo)

    return type("IamConnection", (IamConnection,), {"_auroraiam": (auth, params)})


def async_connection_class(conninfo: str = "", **options: Any) -> type[psycopg.AsyncConnection[Any]]:
    """``connection_class`` for ``psycopg_pool.AsyncConnectionPool`` (tokens made off the event
    loop when credentials must be fetched)."""
    auth, params = _prepare(options, conninfo)

    return type("AsyncIamConnection", (AsyncIamConnection,), {"_auroraiam": (auth, params)})


class IamConnection(psycopg.Connection[Any]):
    """Base of the classes ``connection_class()`` returns (each bound to one endpoint)."""

    _auroraiam: tuple[IamAuth, dict[str, Any]]

    @classmethod
    def connect(cls, conninfo: str = "", **kwargs: Any) -> IamConnection:
        auth, params = cls._auroraiam
        extra = _extra(conninfo, kwargs)
        parent: Any = super()

        def attempt(token: str) -> IamConnection:
            conn: IamConnection = parent.connect(**{**params, **extra, "password": token})
            return conn

        return connect_with_retry(auth, attempt)


class AsyncIamConnection(psycopg.AsyncConnection[Any]):
    """Base of the classes ``async_connection_class()`` returns (each bound to one endpoint)."""

    _auroraiam: tuple[IamAuth, dict[str, Any]]

    @classmethod
    async def connect(cls, conninfo: str = "", **kwargs: Any) -> AsyncIamConnection:
        auth, params = cls._auroraiam
        extra = _extra(conninfo, kwargs)
        parent: Any = super()

        async def attempt(token: str) -> AsyncIamConnection:
            conn: AsyncIamConnection = await parent.connect(**{**params, **extra, "password": token})
            return conn

        return await connect_with_retry_async(auth, attempt)


def pool_kwargs(conninfo: str = "", **options: Any) -> Callable[[], dict[str, Any]]:
    """A callable for ``psycopg_pool`` ≥ 3.3's ``kwargs=``: called for every new connection, it
    returns the connect keywords with the current token (no retry; ``connection_class`` has one)."""
    auth, params = _prepare(options, conninfo)
    return lambda: {**params, "password": auth.token()}


def _extra(conninfo: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """What a pool adds at connect time (its conninfo and kwargs): no password, known options."""
    from_conninfo = psycopg.conninfo.conninfo_to_dict(conninfo) if conninfo else {}
    reject_url_password(bool(from_conninfo.get("password")), "the pool's conninfo")
    extra = {**from_conninfo, **kwargs}
    reject_password(extra, " to the pool")
    check_options(extra, _known(), "psycopg (libpq)")
    if "sslmode" in extra:
        pg_tls(extra)
    return extra
