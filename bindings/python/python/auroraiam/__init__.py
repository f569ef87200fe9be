"""Amazon Aurora / RDS IAM database authentication tokens and Aurora DSQL tokens.

A token is the password to send to the database: byte-identical to botocore's, made in about
a microsecond by a native core, without boto3.

    import auroraiam
    token = auroraiam.generate_auth_token(
        "mydb.cluster-abc.us-east-1.rds.amazonaws.com", 5432, "app_user")
"""

from auroraiam._errors import AuroraIamError, CredentialsError, InvalidParameterError, TokenVerificationError
from auroraiam._auroraiam import (
    CreateUserSql,
    Credentials,
    Diagnostic,
    TokenInfo,
    __version__,
    diagnose_token,
    generate_auth_token,
    generate_db_auth_token,
    generate_dsql_token,
    parse_token,
    redact_token,
    verify_token,
    create_user_sql,
    dsql_connect_policy,
    rds_connect_policy,
)

# Signer, DsqlSigner (and explain_policy) live in pure-Python modules loaded on first use (module __getattr__),
# so `import auroraiam` stays as cheap as the token functions need.
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from auroraiam._policy import explain_policy
    from auroraiam._signer import DsqlSigner, Signer


def __getattr__(name: str) -> object:
    if name in ("Signer", "DsqlSigner"):
        from auroraiam import _signer

        value = globals()[name] = getattr(_signer, name)
        return value
    if name == "explain_policy":
        from auroraiam import _policy

        value = globals()[name] = _policy.explain_policy
        return value
    raise AttributeError(f"module 'auroraiam' has no attribute {name!r}")


__all__ = [
    "AuroraIamError",
    "CreateUserSql",
    "Credentials",
    "CredentialsError",
    "Diagnostic",
    "DsqlSigner",
    "InvalidParameterError",
    "Signer",
    "TokenInfo",
    "TokenVerificationError",
    "__version__",
    "diagnose_token",
    "generate_auth_token",
    "generate_db_auth_token",
    "generate_dsql_token",
    "parse_token",
    "redact_token",
    "verify_token",
    "create_user_sql",
    "dsql_connect_policy",
    "explain_policy",
    "rds_connect_policy",
]
