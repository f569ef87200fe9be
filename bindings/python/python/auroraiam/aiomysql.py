"""aiomysql with IAM tokens: ``connect()`` and ``create_pool()``; every new physical connection
sends a current token with ``mysql_clear_password`` over verified TLS.

    from auroraiam.aiomysql import create_pool
    pool = await create_pool(host="mydb.cluster-abc.us-east-1.rds.amazonaws.com", user="app_user",
                             db="app", ssl_ca="/etc/ssl/rds-global-bundle.pem")

TLS: an ``SSLContext`` from ``ssl_ca`` (default: the system store) verifying the chain and host
name, or your own ``ssl=`` context; turning TLS off is refused. Tokens are made off the event
loop when credentials must be fetched. Requires the ``aiomysql`` extra.
"""

from __future__ import annotations

import inspect
import ssl as _ssl
from typing import Any

import aiomysql  # type: ignore

from auroraiam._integration import IamAuth, connect_with_retry_async, invalid, is_auth_failure, ssl_context
from auroraiam.pymysql import prepare

__all__ = ["connect", "create_pool"]

_OPTIONS = (frozenset(inspect.signature(aiomysql.connect).parameters) | {"ssl_ca"}) - {"password", "loop"}
_POOL_OPTIONS = frozenset({"minsize", "maxsize", "echo", "pool_recycle", "loop"})


def _prepare(options: dict[str, Any]) -> tuple[IamAuth, dict[str, Any]]:
    auth, params = prepare(options, _OPTIONS, "aiomysql")
    cafile, given = params.pop("ssl_ca", None), params.get("ssl")
    if given is None:
        params["ssl"] = ssl_context(None, cafile)
    elif not isinstance(given, _ssl.SSLContext) or cafile is not None:
        raise invalid("ssl= must be an ssl.SSLContext (TLS cannot be turned off), not combined with ssl_ca=")
    return auth, params


async def connect(**options: Any) -> aiomysql.Connection:
    """``aiomysql.connect`` with a current IAM token (see the module docs)."""
    auth, params = _prepare(options)

    async def attempt(token: str) -> aiomysql.Connection:
        return await aiomysql.connect(**params, password=token)

    return await connect_with_retry_async(auth, attempt)


class _IamPool(aiomysql.Pool):  # type: ignore[misc]
    """aiomysql's pool opens connections only in ``_fill_free_pool`` (under ``self._cond``, so
    one at a time): the current token is put into its connect keywords just before, and taken
    out right after. aiomysql has no public hook for this (no callable password, no connect
    hook), so the extra pins ``aiomysql<0.4`` and ``tests/test_integrations.py`` checks that the
    method still exists and still connects through ``aiomysql.pool.connect``."""

    _auroraiam: IamAuth

    async def _fill_free_pool(self, override_min: bool) -> None:
        failed = 0
        try:
            while True:
                self._conn_kwargs["password"] = (await self._auroraiam.token_async() if failed == 0
                                                 else await self._auroraiam.fresh_token_async())
                try:
                    await super()._fill_free_pool(override_min)
                    return
                except Exception as e:
                    failed += 1
                    from auroraiam._auroraiam import _retry_auth_failure

                    if not (is_auth_failure(e) and _retry_auth_failure(failed)):
                        raise
        finally:
            self._conn_kwargs.pop("password", None)

    def __repr__(self) -> str:
        return f"<auroraiam.aiomysql pool {self._auroraiam!r}>"


async def create_pool(**options: Any) -> aiomysql.Pool:
    """``aiomysql.create_pool`` whose new connections get current tokens (one retry with a
    forced-fresh token on a refused one)."""
    pool_keys = {k: options.pop(k) for k in list(options) if k in _POOL_OPTIONS}
    auth, params = _prepare(options)
    import asyncio

    pool = _IamPool(loop=pool_keys.pop("loop", None) or asyncio.get_running_loop(),
                    minsize=pool_keys.pop("minsize", 1), maxsize=pool_keys.pop("maxsize", 10),
                    echo=pool_keys.pop("echo", False), pool_recycle=pool_keys.pop("pool_recycle", -1), **params)
    pool._auroraiam = auth
    if pool.minsize > 0:
        async with pool._cond:
            await pool._fill_free_pool(False)
    return pool
