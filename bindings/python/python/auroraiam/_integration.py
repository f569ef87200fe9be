"""What every driver integration shares (``auroraiam.psycopg``, ``.sqlalchemy``, ...).

The rules come from the core (``ConnectTarget``: region inference, DSQL cluster-id expansion and
admin token kind; ``pg_sslmode``: TLS required; ``LoginFailure``: which SQLSTATEs, MySQL error
numbers and messages mean a refused login; ``retry_auth_failure``: one retry); this module wires
them to drivers: where an exception keeps its SQLSTATE or error number, how TLS options are
spelled, how a connect call gets its token. Imports no driver.
"""

from __future__ import annotations

import logging
import os
import threading

from auroraiam._auroraiam import _connect_target, _is_auth_failure, _pg_sslmode, _retry_auth_failure
from auroraiam._errors import InvalidParameterError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ssl
    from collections.abc import Awaitable, Callable, Iterable, Mapping
    from typing import Any

    from auroraiam._auroraiam import _SignerCredentials
    from auroraiam._signer import DsqlSigner, Signer

from typing import TypeVar

T = TypeVar("T")

__all__ = ["IamAuth"]

log = logging.getLogger("auroraiam")

#: Keyword arguments every integration takes for itself (never passed to a driver).
AUTH_OPTIONS = ("region", "credentials", "profile", "expires_in", "refresh_margin", "dsql", "signer")


def invalid(message: str) -> InvalidParameterError:
    """The error every integration raises for bad settings (``code`` ``INVALID_ARGUMENT``)."""
    return InvalidParameterError(message, "INVALID_ARGUMENT")


class IamAuth:
    """IAM tokens for one database endpoint and user: the checked target (DSQL cluster id
    expanded, region inferred) and the ``Signer`` / ``DsqlSigner`` that caches its tokens.
    ``repr()`` shows no secret."""

    __slots__ = ("signer", "host", "port", "user", "region", "kind")

    signer: Signer | DsqlSigner
    host: str
    port: int
    user: str
    region: str
    kind: str

    def __init__(
        self,
        host: str | None,
        port: int | None,
        user: str | None,
        *,
        default_port: int,
        region: str | None = None,
        dsql: bool = False,
        credentials: _SignerCredentials | None = None,
        profile: str | None = None,
        expires_in: int = 900,
        refresh_margin: int | None = None,
        signer: Signer | DsqlSigner | None = None,
    ) -> None:
        port = default_port if port is None else int(port)
        kind, hostname, _, region_ = _connect_target(bool(dsql), host, port, user, region)
        assert user is not None  # checked by the core
        if signer is None:
            from auroraiam._signer import DsqlSigner, Signer

            if kind == "rds":
                signer = Signer(hostname, port, user, region_, credentials=credentials, profile=profile,
                                expires_in=expires_in, refresh_margin=refresh_margin)
            else:
                signer = DsqlSigner(hostname, region_, admin=kind == "dsql-admin", credentials=credentials,
                                    profile=profile, expires_in=expires_in, refresh_margin=refresh_margin)
        self.signer, self.host, self.port, self.user, self.region, self.kind = signer, hostname, port, user, region_, kind

    @classmethod
    def from_options(cls, host: str | None, port: int | None, user: str | None, default_port: int,
                     options: dict[str, Any]) -> IamAuth:
        """Pops the auroraiam options (``AUTH_OPTIONS``) out of ``options`` and returns the auth:
        the same one for the same endpoint, user and options, so calls such as
        ``auroraiam.psycopg.connect(...)`` repeated with equal arguments share one cached token
        (a credentials object, callable or signer counts as the same only if it is the same
        object)."""
        ours = {k: options.pop(k) for k in AUTH_OPTIONS if k in options}
        try:
            key = (host, port, user, default_port, tuple(sorted((k, _key_part(v)) for k, v in ours.items())))
        except TypeError:  # an unhashable oddity: not shared
            return cls(host, port, user, default_port=default_port, **ours)
        with _SHARED_LOCK:
            hit = _SHARED.get(key)
        if hit is not None:
            return hit[1]
        auth = cls(host, port, user, default_port=default_port, **ours)
        with _SHARED_LOCK:
            if len(_SHARED) >= _SHARED_MAX:
                _SHARED.clear()
            # The option values are kept alive with the auth, so an id() in the key is never reused.
            _SHARED[key] = (tuple(ours.values()), auth)
        return auth

    def token(self) -> str:
        """The cached token (a new one when it nears expiry)."""
        return self.signer.get_token()

    def fresh_token(self) -> str:
        """A forced-fresh token (credentials re-resolved), for the one retry."""
        return self.signer.get_fresh_token()

    async def token_async(self) -> str:
        """``token()`` without blocking the event loop on a credential fetch."""
        return await self.signer.get_token_async()

    async def fresh_token_async(self) -> str:
        """``fresh_token()`` in a worker thread."""
        return await self.signer.get_fresh_token_async()

    def __repr__(self) -> str:
        return (f"IamAuth(host={self.host!r}, port={self.port}, user={self.user!r}, region={self.region!r}, "
                f"kind={self.kind!r}, signer={self.signer!r})")


_SHARED: dict[tuple[Any, ...], tuple[tuple[Any, ...], IamAuth]] = {}
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 64


def _key_part(value: Any) -> Any:
    """An option value as part of the sharing key: plain values by value (a credentials mapping
    by its items), anything else (Credentials, callables, signers) by identity."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return ("mapping", tuple(sorted((str(k), _key_part(v)) for k, v in value.items())))
    return ("object", id(value))


def is_auth_failure(exc: BaseException) -> bool:
    """Whether ``exc`` (a driver's exception, or one wrapping it) is the server refusing the
    login's credentials, by the core's rule (``_is_auth_failure``: SQLSTATE 28P01/28000, MySQL
    error 1045, or a message saying so, for psycopg2 and psycopg 3 connection errors). Looks at
    ``exc`` and up to four exceptions it wraps (``.orig``, ``__cause__``)."""
    seen = 0
    e: BaseException | None = exc
    while e is not None and seen < 5:
        seen += 1
        args = getattr(e, "args", ())
        errno = args[0] if args else None
        if _is_auth_failure(getattr(e, "sqlstate", None), errno, str(e)) or _is_auth_failure(getattr(e, "pgcode", None)):
            return True
        e = getattr(e, "orig", None) or e.__cause__
    return False


def connect_with_retry(auth: IamAuth, connect: Callable[[str], T]) -> T:
    """``connect(token)``; if the server refuses the login for authentication, once more with a
    forced-fresh token (the core's retry policy). Any other error, and the second refusal, is
    the driver's own exception, unchanged. The token is never bound to a local name here."""
    failed = 0
    while True:
        try:
            return connect(auth.token() if failed == 0 else auth.fresh_token())
        except Exception as e:
            failed += 1
            if not (is_auth_failure(e) and _retry_auth_failure(failed)):
                raise
            _log_retry(auth)


async def connect_with_retry_async(auth: IamAuth, connect: Callable[[str], Awaitable[T]]) -> T:
    """``connect_with_retry`` for coroutines; tokens never made on the event loop thread when
    that may need credential I/O."""
    failed = 0
    while True:
        try:
            return await connect(await auth.token_async() if failed == 0 else await auth.fresh_token_async())
        except Exception as e:
            failed += 1
            if not (is_auth_failure(e) and _retry_auth_failure(failed)):
                raise
            _log_retry(auth)


def _log_retry(auth: IamAuth) -> None:
    log.warning("auroraiam: the server refused the IAM token for user %r at %s:%s; retrying once with a "
                "fresh token and re-resolved credentials", auth.user, auth.host, auth.port)


def reject_password(options: Mapping[str, Any], where: str = "") -> None:
    """A password given by the caller is an error: the integration sends a fresh token."""
    for key in ("password", "passwd"):
        if options.get(key) not in (None, ""):
            raise invalid(f"{key}= must not be given{where}: auroraiam sends a fresh IAM token as the password "
                          "of every new connection")


def reject_url_password(has_password: bool, what: str = "the connection URL / DSN") -> None:
    """A password inside a URL or DSN is an error, like a ``password=`` argument."""
    if has_password:
        raise invalid(f"{what} must not contain a password: auroraiam sends a fresh IAM token as the password "
                      "of every new connection")


def postgres_url_options(dsn: str) -> dict[str, Any]:
    """A ``postgresql://`` URL (asyncpg's ``dsn=``) as connect keywords: host, port, user,
    database and the query parameters. A password in it is an error."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    u = urlsplit(dsn)
    if u.scheme not in ("postgresql", "postgres"):
        raise invalid(f"dsn= must be a postgresql:// URL (got scheme {u.scheme!r})")
    reject_url_password(u.password is not None)
    out: dict[str, Any] = dict(parse_qsl(u.query))
    if u.hostname:
        out["host"] = unquote(u.hostname)
    if u.port is not None:
        out["port"] = u.port
    if u.username:
        out["user"] = unquote(u.username)
    if u.path.strip("/"):
        out["database"] = unquote(u.path.lstrip("/"))
    return out


def check_options(options: Iterable[str], known: Iterable[str], driver: str) -> None:
    """Unknown keyword options are an error naming them (not a driver ``TypeError`` later)."""
    known_set = set(known)
    unknown = sorted(k for k in options if k not in known_set)
    if unknown:
        raise invalid(f"unknown {driver} connection option{'s' if len(unknown) > 1 else ''} "
                      f"{', '.join(repr(k) for k in unknown)} (neither a {driver} option nor one of "
                      f"auroraiam's: {', '.join(AUTH_OPTIONS)})")


def check_ca_file(path: str | None, name: str) -> None:
    """A CA bundle path given but missing is an error now, not a TLS failure later."""
    if path is not None and path != "system" and not os.path.isfile(path):
        raise invalid(f"{name}={path!r}: no such CA bundle file")


def pg_tls(options: dict[str, Any]) -> None:
    """PostgreSQL (libpq) TLS options in place: ``sslmode`` defaults to verify-full and may not
    turn TLS off; ``sslrootcert`` (the CA bundle) is checked to exist."""
    options["sslmode"] = _pg_sslmode(options.get("sslmode"))
    check_ca_file(options.get("sslrootcert"), "sslrootcert")


def ssl_context(sslmode: str | None, cafile: str | None) -> ssl.SSLContext:
    """An ``ssl.SSLContext`` for drivers that take one (asyncpg, aiomysql), following the
    libpq sslmode meaning: verify-full checks chain and host name, verify-ca the chain only,
    require encrypts without checking. ``cafile`` None: the system's CA store."""
    import ssl

    mode = _pg_sslmode(sslmode)
    check_ca_file(cafile, "CA bundle")
    if cafile is None and mode == "verify-full":
        return system_ssl_context()
    ctx = ssl.create_default_context(cafile=cafile)
    if mode != "verify-full":
        ctx.check_hostname = False
    if mode == "require":
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


_SYSTEM_CONTEXT: list[ssl.SSLContext] = []


def system_ssl_context() -> ssl.SSLContext:
    """One verify-full ``SSLContext`` over the system CA store, made once (loading the store
    costs tens of milliseconds) and shared by every connection that gives no CA bundle."""
    if not _SYSTEM_CONTEXT:
        import ssl

        with _SHARED_LOCK:
            if not _SYSTEM_CONTEXT:
                _SYSTEM_CONTEXT.append(ssl.create_default_context())
    return _SYSTEM_CONTEXT[0]


def mysql_tls_refused(options: Mapping[str, Any]) -> None:
    """MySQL: asking for no TLS is an error (the token travels as a clear-text password)."""
    if options.get("ssl_disabled") or options.get("ssl") is False:
        raise invalid("TLS cannot be turned off: IAM authentication sends the token with mysql_clear_password, "
                      "which must travel over TLS (give ssl_ca= the CA bundle path)")
