"""Type stubs of the native module ``auroraiam._auroraiam`` (re-exported by ``auroraiam``)."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol, final

from typing_extensions import Self, TypeAlias, disjoint_base

from auroraiam._errors import AuroraIamError

__all__ = [
    "__version__",
    "Credentials",
    "generate_auth_token",
    "generate_dsql_token",
    "generate_db_auth_token",
    "_error_codes",
    "TokenInfo",
    "Diagnostic",
    "parse_token",
    "diagnose_token",
    "verify_token",
    "redact_token",
    "_Signer",
    "_connect_target",
    "_pg_sslmode",
    "_retry_auth_failure",
    "_is_auth_failure",
    "_reset_default_chain",
    "_has_default_chain",
    "CreateUserSql",
    "rds_connect_policy",
    "dsql_connect_policy",
    "_explain_policy_json",
    "create_user_sql",
    "_core_sign_loop",
    "_token_str_in_place",
]

__version__: str

class _KeyTriple(Protocol):
    """botocore ``ReadOnlyCredentials`` (``get_frozen_credentials()``) or a static ``Credentials``."""

    @property
    def access_key(self) -> str: ...
    @property
    def secret_key(self) -> str: ...
    @property
    def token(self) -> str | None: ...

class _Freezable(Protocol):
    """botocore ``Credentials`` / ``RefreshableCredentials`` (``session.get_credentials()``)."""

    def get_frozen_credentials(self) -> _KeyTriple: ...

_Instant: TypeAlias = datetime | int | float
"""An aware ``datetime`` or Unix seconds (``int`` or ``float``, fractions dropped)."""

_CredentialsLike: TypeAlias = Credentials | _Freezable | _KeyTriple | Mapping[str, Any]
"""``auroraiam.Credentials``, a botocore credentials object, or a mapping with boto3's keys
(``aws_access_key_id``, ``aws_secret_access_key``, ``aws_session_token``) or STS's
(``AccessKeyId``, ``SecretAccessKey``, ``SessionToken``, ``Expiration``)."""

@final
class Credentials:
    """AWS credentials for signing; ``repr()`` shows only the access key id.

    Validated on construction (``CredentialsError`` if malformed). Reusing one object across
    calls also reuses its derived signing keys.
    """

    def __new__(
        cls,
        access_key_id: str,
        secret_access_key: str,
        session_token: str | None = None,
        expiry: _Instant | None = None,
    ) -> Credentials: ...
    @property
    def access_key_id(self) -> str: ...
    @property
    def secret_access_key(self) -> str: ...
    @property
    def session_token(self) -> str | None: ...
    @property
    def expiry(self) -> datetime | None:
        """When temporary credentials expire (aware, UTC), else ``None``."""

def generate_auth_token(
    hostname: str,
    port: int,
    username: str,
    region: str | None = None,
    *,
    credentials: _CredentialsLike | None = None,
    expires_in: int = 900,
    signing_time: _Instant | None = None,
) -> str:
    """An RDS / Aurora IAM authentication token (the password for ``username``).

    ``region=None`` infers the region from the hostname; ``credentials=None`` uses the AWS SDKs'
    default credential chain (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` /
    ``AWS_SESSION_TOKEN`` first, then the shared config and credentials files with
    ``AWS_PROFILE``, SSO, ``aws login`` sessions, web identity, ECS/EKS, IMDSv2; a slim build
    reads only the environment variables); ``expires_in`` is 1..900 seconds; ``signing_time``
    defaults to now.

    Raises ``InvalidParameterError`` (a ``ValueError``) for a bad value, ``CredentialsError``
    for missing or invalid credentials, ``TypeError`` for an argument of the wrong type.
    """

def generate_dsql_token(
    hostname: str,
    region: str | None = None,
    *,
    admin: bool = False,
    credentials: _CredentialsLike | None = None,
    expires_in: int = 900,
    signing_time: _Instant | None = None,
) -> str:
    """An Aurora DSQL authentication token; ``admin=True`` for the ``admin`` role.

    ``expires_in`` is 1..604800 seconds; everything else as for ``generate_auth_token``.
    """

def generate_db_auth_token(
    DBHostname: str,
    Port: int,
    DBUsername: str,
    Region: str | None = None,
    *,
    credentials: _CredentialsLike | None = None,
    signing_time: _Instant | None = None,
) -> str:
    """Drop-in for ``boto3.client("rds").generate_db_auth_token`` (same names, 900 s lifetime).

    ``Region=None`` infers the region from the hostname.
    """

def _error_codes() -> list[tuple[str, int, AuroraIamError]]: ...

# Token inspection.

_TokenKind: TypeAlias = Literal["rds", "dsql", "dsql-admin"]

@final
class TokenInfo:
    """The fields of a token (``parse_token`` / ``verify_token``); immutable, ``repr()`` shows no
    signature and no session token."""

    @property
    def kind(self) -> _TokenKind: ...
    @property
    def hostname(self) -> str: ...
    @property
    def port(self) -> int | None: ...
    @property
    def username(self) -> str | None: ...
    @property
    def region(self) -> str: ...
    @property
    def service(self) -> str:
        """``'rds-db'`` or ``'dsql'``."""
    @property
    def access_key_id(self) -> str: ...
    @property
    def signing_time(self) -> datetime:
        """Aware, UTC."""
    @property
    def expires_in(self) -> int: ...
    @property
    def expires_at(self) -> datetime:
        """``signing_time + expires_in``; aware, UTC (``OverflowError`` past year 9999)."""
    @property
    def has_session_token(self) -> bool: ...
    @property
    def length(self) -> int: ...
    def remaining(self, now: _Instant | None = None) -> float:
        """Seconds of life left at ``now`` (default: the current time); negative once expired."""

@final
class Diagnostic:
    """One finding of ``diagnose_token``; compares by value, unpacks like a tuple."""

    __match_args__: ClassVar[tuple[str, str, str]]
    @property
    def code(self) -> str:
        """``EXPIRED``, ``NOT_YET_VALID``, ``REGION_MISMATCH``, ``HOST_MISMATCH``, ..."""
    @property
    def severity(self) -> Literal["error", "warning"]: ...
    @property
    def message(self) -> str: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def parse_token(token: str) -> TokenInfo:
    """The fields of ``token``, checked for shape (not for its signature).

    Raises ``InvalidParameterError`` with code ``TOKEN_MALFORMED`` (or ``INVALID_UTF8``).
    """

def diagnose_token(
    token: str,
    *,
    expect_hostname: str | None = None,
    expect_port: int | None = None,
    expect_username: str | None = None,
    now: _Instant | None = None,
    max_clock_skew: int = 300,
    pooler_length_limit: int = 1024,
) -> list[Diagnostic]:
    """Why a server would reject ``token`` (``'error'``) or what may cause trouble (``'warning'``),
    errors first; empty when nothing was found. Needs no secret."""

_Secrets: TypeAlias = Mapping[str, str] | Callable[[str], str | None]
"""Access key id -> secret access key: a mapping, or a callable returning ``None`` when unknown."""

def verify_token(
    token: str,
    secrets: _Secrets,
    *,
    now: _Instant | None = None,
    max_clock_skew: int = 300,
    expect_kind: _TokenKind | None = None,
    expect_hostname: str | None = None,
    expect_port: int | None = None,
    expect_username: str | None = None,
    expect_region: str | None = None,
) -> TokenInfo:
    """Verifies ``token`` as the server would (signature, lifetime, what it was made for).

    ``expect_kind=None`` expects an RDS token (pass ``'dsql'`` or ``'dsql-admin'`` for DSQL);
    ``max_clock_skew`` is 0..=3600 seconds (more is ``InvalidParameterError``
    ``INVALID_ARGUMENT``). Raises ``TokenVerificationError`` with the exact ``code``
    (``SIGNATURE_MISMATCH``, ``TOKEN_LIFETIME_TOO_LONG`` for an RDS token asking to live over
    900 s, ``TOKEN_EXPIRED``, ...), ``InvalidParameterError`` (``TOKEN_MALFORMED``) for text that
    is not a token, and whatever ``secrets`` raised.
    """

def redact_token(token: str) -> str:
    """``token`` with its signature and session token masked, for logs; never fails for a str.

    Text that does not parse as a token (a password, a connection string, an altered token) is
    masked whole: ``'<redacted: N bytes, not a token>'``; the result is at most 8192 bytes.
    """

# Cached tokens (the public classes are auroraiam.Signer and auroraiam.DsqlSigner).

_SignerCredentials: TypeAlias = _CredentialsLike | Callable[[], _CredentialsLike]
"""A ``credentials=`` form, or a zero-argument callable returning one (called at each fetch)."""

@disjoint_base
class _Signer:
    """Native base of ``Signer`` and ``DsqlSigner``."""

    def __new__(
        cls,
        dsql: bool,
        hostname: str,
        port: int | None,
        username: str | None,
        region: str | None,
        admin: bool | None,
        credentials: _SignerCredentials | None,
        profile: str | None,
        expires_in: int,
        refresh_margin: int | None,
    ) -> Self: ...
    def get_token(self) -> str:
        """The cached token while it has more than ``refresh_margin`` seconds of effective life
        left, else a new one (credentials are fetched first if they expire within the margin)."""
    def get_token_with_expiry(self) -> tuple[str, datetime]:
        """``(token, expires_at)``; ``expires_at`` (aware, UTC) is the earlier of signing time +
        ``expires_in`` and the credentials' expiry."""
    def invalidate(self) -> None:
        """Drops the cached token and credentials; the next call fetches and signs anew."""
    def get_fresh_token(self) -> str:
        """A forced-fresh token: cached token and credentials dropped, credentials re-resolved,
        a new token signed (and cached). For the one retry after a server refused a token."""
    def _cached_token(self) -> str | None: ...
    @property
    def _credential_fetch_count(self) -> int: ...

def _connect_target(
    dsql: bool, host: str | None, port: int | None, user: str | None, region: str | None
) -> tuple[Literal["rds", "dsql", "dsql-admin"], str, int | None, str]:
    """The checked endpoint a connection signs for: ``(kind, hostname, port, region)``."""
def _pg_sslmode(mode: str | None) -> str:
    """The PostgreSQL sslmode to use (``None``: verify-full); modes without TLS are refused."""
def _retry_auth_failure(failed_attempts: int) -> bool:
    """Whether a login refused for authentication after that many attempts is retried."""
def _is_auth_failure(sqlstate: object = None, errno: object = None, message: object = None) -> bool:
    """Whether a driver error with this SQLSTATE, MySQL error number or message is the server
    refusing the login's credentials (the core's rule); values of other types count as absent."""
def _reset_default_chain() -> None: ...
def _has_default_chain() -> bool: ...

# IAM policies and database accounts (docs/python.md, "Policies and database users").

def rds_connect_policy(
    region: str,
    account_id: str,
    resource_ids: Iterable[str],
    users: Iterable[str] | None = None,
    user_patterns: Iterable[str] | None = None,
) -> str:
    """The least-privilege identity policy (JSON text) allowing ``rds-db:connect`` as each of
    ``users`` (exact names) and ``user_patterns`` (IAM wildcards ``*`` and ``?``) to each database
    in ``resource_ids`` (``db-...``, ``cluster-...``, ``prx-...``: the resource id, not the name).

    Raises ``InvalidParameterError`` with code ``INVALID_REGION``, ``INVALID_ACCOUNT_ID``,
    ``INVALID_RESOURCE_ID`` (a name where the resource id belongs), ``INVALID_USERNAME`` or
    ``INVALID_ARGUMENT`` (no resource id, no user); ``TypeError`` for a bare ``str`` list.
    """

def dsql_connect_policy(
    account_id: str,
    clusters: Iterable[str],
    *,
    region: str | None = None,
    admin: bool = False,
) -> str:
    """The least-privilege identity policy (JSON text) allowing ``dsql:DbConnect`` (``admin=True``:
    ``dsql:DbConnectAdmin``) on each cluster: an endpoint name (cluster id and region taken from
    it) or, with ``region``, a bare cluster id.

    Raises ``InvalidParameterError`` (``INVALID_HOSTNAME``, ``INVALID_RESOURCE_ID``,
    ``INVALID_ACCOUNT_ID``, ``INVALID_REGION``, ``INVALID_ARGUMENT``).
    """

def _explain_policy_json(
    policy: str,
    *,
    region: str | None = None,
    account_id: str | None = None,
    resource_id: str | None = None,
    user: str | None = None,
    token: str | None = None,
) -> str: ...

@final
class CreateUserSql:
    """The SQL creating an IAM-authenticated database user (``create_user_sql``); immutable."""

    @property
    def statements(self) -> tuple[str, ...]:
        """The statements, each ending with ``;``."""
    @property
    def warnings(self) -> tuple[str, ...]:
        """Things to read before running the SQL (e.g. the master user losing its password)."""
    @property
    def sql(self) -> str:
        """The statements one per line, with a trailing newline (ready for psql / mariadb)."""

def create_user_sql(
    dialect: Literal["postgresql", "postgres", "pg", "mysql", "mariadb", "dsql"] | str,
    user: str,
    *,
    master_user: str | None = None,
    role_arn: str | None = None,
) -> CreateUserSql:
    """The SQL that creates database user ``user`` logging in with IAM tokens, every name quoted
    for ``dialect``. ``master_user``: the instance's master user (for it the SQL changes the
    existing user, with a warning); ``role_arn``: required for ``dsql``, refused otherwise.

    Raises ``InvalidParameterError`` (``INVALID_USERNAME``: empty, NUL or control character, too
    long, reserved; ``INVALID_ARN``, ``INVALID_ACCOUNT_ID``, ``INVALID_ARGUMENT``).
    """
def _core_sign_loop(credentials: Credentials, hostname: str, port: int, username: str, calls: int) -> None:
    """The core signing an RDS token ``calls`` times, nothing of the binding in between (benchmarks)."""
def _token_str_in_place() -> bool:
    """Whether tokens are written straight into their ``str`` (checked at import)."""
