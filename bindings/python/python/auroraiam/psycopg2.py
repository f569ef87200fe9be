"""psycopg2 with IAM tokens: ``connect()`` and pools that give every new physical connection a
current token.

    from auroraiam.psycopg2 import connect, ThreadedConnectionPool
    pool = ThreadedConnectionPool(1, 10, host="mydb.cluster-abc.us-east-1.rds.amazonaws.com",
                                  user="app_user", dbname="app", sslrootcert="/etc/ssl/rds-global-bundle.pem")

psycopg2's pools keep their connect arguments frozen, so these subclasses override the one
method that opens connections. Options as for ``auroraiam.psycopg``. Requires the
``psycopg2`` extra (psycopg2 or psycopg2-binary).
"""

from __future__ import annotations

from typing import Any

import psycopg2  # type: ignore
import psycopg2.extensions  # type: ignore
import psycopg2.pool  # type: ignore

from auroraiam._integration import (
    IamAuth, check_options, connect_with_retry, invalid, pg_tls, reject_password, reject_url_password,
)

__all__ = ["connect", "SimpleConnectionPool", "ThreadedConnectionPool"]

# psycopg2.connect's own keywords (not libpq keywords).
_PSYCOPG2_KEYWORDS = frozenset({"connection_factory", "cursor_factory", "async", "async_"})


def _check_libpq(params: dict[str, Any]) -> None:
    libpq = {k: v for k, v in params.items() if k not in _PSYCOPG2_KEYWORDS}
    try:
        psycopg2.extensions.parse_dsn(psycopg2.extensions.make_dsn(**{k: "x" for k in libpq}))
    except psycopg2.ProgrammingError:
        bad = [k for k in libpq if not _is_libpq_keyword(k)]
        check_options(bad, (), "psycopg2 (libpq)")
        raise invalid("invalid psycopg2 connection options") from None


def _is_libpq_keyword(key: str) -> bool:
    try:
        psycopg2.extensions.parse_dsn(f"{key}=x")
        return True
    except psycopg2.ProgrammingError:
        return False


class _Opener:
    """Connect keywords without a password, and the auth that supplies it."""

    __slots__ = ("auth", "params")

    def __init__(self, options: dict[str, Any]) -> None:
        params = dict(options)
        dsn = params.pop("dsn", None)
        if dsn:
            from_dsn = psycopg2.extensions.parse_dsn(dsn)
            reject_url_password(bool(from_dsn.get("password")), "the DSN")
            params = {**from_dsn, **params}
        reject_password(params)
        self.auth = IamAuth.from_options(params.pop("host", None), params.pop("port", None), params.pop("user", None),
                                         5432, params)
        _check_libpq(params)
        pg_tls(params)
        params.update(host=self.auth.host, port=self.auth.port, user=self.auth.user)
        self.params = params

    def connect(self) -> psycopg2.extensions.connection:
        params = self.params
        return connect_with_retry(self.auth, lambda token: psycopg2.connect(**params, password=token))

    def __repr__(self) -> str:
        return f"<auroraiam psycopg2 opener {self.auth!r}>"


def connect(dsn: str | None = None, **options: Any) -> psycopg2.extensions.connection:
    """``psycopg2.connect`` with a current IAM token as the password (see the module docs);
    ``dsn`` (a libpq URL or key=value string, without a password) is merged under the keywords."""
    return _Opener({**options, "dsn": dsn}).connect()


class _IamPoolMixin:
    _auroraiam: _Opener
    _pool: list[Any]
    _used: dict[Any, Any]
    _rused: dict[int, Any]

    def _connect(self, key: Any = None) -> psycopg2.extensions.connection:
        conn = self._auroraiam.connect()
        if key is not None:
            self._used[key] = conn
            self._rused[id(conn)] = key
        else:
            self._pool.append(conn)
        return conn

    def __repr__(self) -> str:
        return f"<auroraiam.psycopg2.{type(self).__name__} {self._auroraiam.auth!r}>"


class SimpleConnectionPool(_IamPoolMixin, psycopg2.pool.SimpleConnectionPool):  # type: ignore[misc]
    """``psycopg2.pool.SimpleConnectionPool`` whose new connections get current tokens."""

    def __init__(self, minconn: int, maxconn: int, **options: Any) -> None:
        self._auroraiam = _Opener(options)
        super().__init__(minconn, maxconn)


class ThreadedConnectionPool(_IamPoolMixin, psycopg2.pool.ThreadedConnectionPool):  # type: ignore[misc]
    """``psycopg2.pool.ThreadedConnectionPool`` whose new connections get current tokens."""

    def __init__(self, minconn: int, maxconn: int, **options: Any) -> None:
        self._auroraiam = _Opener(options)
        super().__init__(minconn, maxconn)
