"""Type stubs of the native module ``auroraiam._auroraiam`` (re-exported by ``auroraiam``)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, final

from typing_extensions import TypeAlias

from auroraiam._errors import AuroraIamError

__all__ = [
    "__version__",
    "Credentials",
    "generate_auth_token",
    "generate_dsql_token",
    "generate_db_auth_token",
    "_error_codes",
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

    ``region=None`` infers the region from the hostname; ``credentials=None`` reads
    ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN``; ``expires_in`` is
    1..900 seconds; ``signing_time`` defaults to now.

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
