"""Amazon Aurora / RDS IAM database authentication tokens and Aurora DSQL tokens.

A token is the password to send to the database: byte-identical to botocore's, made in about
a microsecond by a native core, without boto3.

    import auroraiam
    token = auroraiam.generate_auth_token(
        "mydb.cluster-abc.us-east-1.rds.amazonaws.com", 5432, "app_user")
"""

from auroraiam._errors import AuroraIamError, CredentialsError, InvalidParameterError, TokenVerificationError
from auroraiam._auroraiam import (
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
)

__all__ = [
    "AuroraIamError",
    "Credentials",
    "CredentialsError",
    "Diagnostic",
    "InvalidParameterError",
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
]
