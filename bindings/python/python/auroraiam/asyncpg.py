"""asyncpg with IAM tokens: ``connect()`` and ``create_pool()``; every new physical connection
gets a current token, made off the event loop when credentials must be fetched.

    from auroraiam.asyncpg import create_pool
    pool = await create_pool(host="mydb.cluster-abc.us-east-1.rds.amazonaws.com", user="app_user",
                             database="app", sslrootcert="/etc/ssl/rds-global-bundle.pem")

TLS: ``sslmode`` (default verify-full; disable/allow/prefer refused) with the CA bundle
``sslrootcert`` (default: the system store), or your own ``ssl=`` ``SSLContext``. Other options
as for ``auroraiam.psycopg``. Requires the ``asyncpg`` extra.
"""

from __future__ import annotations

import inspect
import ssl as _ssl
from typing import Any

import asyncpg  # type: ignore
import asyncpg.pool  # type: ignore

from auroraiam._integration import (
    IamAuth, check_options, connect_with_retry_async, invalid, postgres_url_options, reject_password, ssl_context,
)

__all__ = ["connect", "create_pool"]

_CONNECT_OPTIONS = frozenset(inspect.signature(asyncpg.connect).parameters) - {"dsn", "password"}
_POOL_OPTIONS = frozenset(inspect.signature(asyncpg.create_pool).parameters) - {"dsn", "connect", "password"}


def _prepare(options: dict[str, Any]) -> tuple[IamAuth, dict[str, Any]]:
    params = dict(options)
    dsn = params.pop("dsn", None)
    if dsn:
        params = {**postgres_url_options(dsn), **params}
    reject_password(params)
    auth = IamAuth.from_options(params.pop("host", None), params.pop("port", None), params.pop("user", None), 5432, params)
    sslmode, cafile, given = params.pop("sslmode", None), params.pop("sslrootcert", None), params.get("ssl")
    if given is None:
        params["ssl"] = ssl_context(sslmode, cafile)
    elif not isinstance(given, _ssl.SSLContext) or sslmode is not None or cafile is not None:
        raise invalid("ssl= must be an ssl.SSLContext (TLS cannot be turned off for IAM authentication), "
                      "and not combined with sslmode= / sslrootcert=")
    params.update(host=auth.host, port=auth.port, user=auth.user)
    return auth, params


async def _attempt(params: dict[str, Any], token: str, connector: Any = None, **extra: Any) -> asyncpg.Connection:
    return await (connector or asyncpg.connect)(**params, **extra, password=token)


async def connect(dsn: str | None = None, **options: Any) -> asyncpg.Connection:
    """``asyncpg.connect`` with a current IAM token (see the module docs); ``dsn`` (a
    ``postgresql://`` URL without a password) is merged under the keywords."""
    auth, params = _prepare({**options, "dsn": dsn})
    check_options(params, _CONNECT_OPTIONS, "asyncpg")
    return await connect_with_retry_async(auth, lambda token: _attempt(params, token))


def create_pool(dsn: str | None = None, **options: Any) -> asyncpg.pool.Pool:
    """``asyncpg.create_pool`` whose every new connection sends a current token and retries
    once on a refused one (asyncpg's ``connect=`` hook). Await it or use ``async with``, inside
    the event loop the pool will run on (asyncpg binds the pool to the loop running when it is
    created)."""
    options["dsn"] = dsn
    pool_keys = {k: options.pop(k) for k in list(options) if k in _POOL_OPTIONS and k not in _CONNECT_OPTIONS}
    auth, params = _prepare(options)
    check_options(params, _CONNECT_OPTIONS | _POOL_OPTIONS, "asyncpg")

    async def open_connection(*args: Any, **kwargs: Any) -> asyncpg.Connection:
        # The pool passes its dsn (None), loop, connection_class, record_class and the options.
        kwargs.pop("password", None)
        kw = {k: v for k, v in kwargs.items() if k not in params}
        return await connect_with_retry_async(auth, lambda token: _attempt(params, token, None, **kw))

    if pool_keys.get("loop") is None:
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            # asyncpg would bind the pool to another loop than the one awaiting it, and fail
            # later with "attached to a different loop".
            raise invalid("create_pool() must be called inside the running event loop the pool will "
                          "serve (await create_pool(...) in a coroutine), or be given loop=") from None
    return asyncpg.create_pool(connect=open_connection, **pool_keys)
