"""The core's connection rules as the driver integrations see them (auroraiam._auroraiam)."""

import asyncio

import pytest

import auroraiam
from auroraiam import _auroraiam as native

ID = "abcdefghijklmnopqrstuvwx12"
CREDS = {"aws_access_key_id": "AKIAIOSFODNNEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


def test_dsql_cluster_id_expands_and_admin_gets_the_admin_kind() -> None:
    assert native._connect_target(True, ID, None, "admin", "us-east-1") == (
        "dsql-admin", f"{ID}.dsql.us-east-1.on.aws", None, "us-east-1")
    assert native._connect_target(True, f"{ID}.dsql.eu-west-1.on.aws", 5432, "app", None)[0::3] == ("dsql", "eu-west-1")
    with pytest.raises(auroraiam.InvalidParameterError) as e:
        native._connect_target(True, ID, None, "app", None)
    assert e.value.code == "REGION_REQUIRED"
    with pytest.raises(auroraiam.InvalidParameterError, match="26 lower-case") as e:
        native._connect_target(True, ID[:-1], None, "app", "us-east-1")
    assert e.value.code == "INVALID_HOSTNAME"


def test_rds_region_is_inferred_and_missing_settings_are_named() -> None:
    host = "db.cluster-x.eu-west-1.rds.amazonaws.com"
    assert native._connect_target(False, host, 5432, "u", None) == ("rds", host, 5432, "eu-west-1")
    with pytest.raises(auroraiam.InvalidParameterError, match="host is missing"):
        native._connect_target(False, None, 5432, "u", None)
    with pytest.raises(auroraiam.InvalidParameterError, match="region is required"):
        native._connect_target(False, "127.0.0.1", 5432, "u", None)


def test_sslmode_and_retry_policy() -> None:
    assert native._pg_sslmode(None) == "verify-full"
    assert native._pg_sslmode("require") == "require"
    for mode in ("disable", "allow", "prefer"):
        with pytest.raises(auroraiam.InvalidParameterError, match="must travel over TLS"):
            native._pg_sslmode(mode)
    assert [native._retry_auth_failure(n) for n in (0, 1, 2)] == [False, True, False]


def test_auth_failures_are_the_cores_rule() -> None:
    assert native._is_auth_failure("28P01") and native._is_auth_failure("28000")
    assert native._is_auth_failure(errno=1045)
    assert native._is_auth_failure(message='FATAL:  PAM authentication failed for user "app"')
    assert not native._is_auth_failure("3D000", 1049, 'database "x" does not exist')
    assert not native._is_auth_failure()
    # Values of other types count as absent, never raise.
    assert not native._is_auth_failure(28000, "1045", b"PAM authentication failed")
    assert not native._is_auth_failure(errno=2**80)


def test_driver_errors_are_recognised_through_wrappers() -> None:
    from auroraiam._integration import is_auth_failure

    class PgError(Exception):
        sqlstate = "28P01"

    class Psycopg2Error(Exception):
        pgcode = "28000"

    wrapped = RuntimeError("pool failed")
    wrapped.__cause__ = PgError("refused")
    assert is_auth_failure(PgError()) and is_auth_failure(Psycopg2Error()) and is_auth_failure(wrapped)
    assert is_auth_failure(Exception(1045, "Access denied for user 'app'@'h' (using password: YES)"))
    assert is_auth_failure(Exception('connection failed: FATAL:  password authentication failed for user "app"'))
    assert not is_auth_failure(Exception(1049, "Unknown database 'x'"))
    assert not is_auth_failure(ConnectionRefusedError(111, "Connection refused"))


def test_fresh_token_re_resolves_the_credentials() -> None:
    calls = []

    def creds() -> dict:
        calls.append(1)
        return {**CREDS, "aws_access_key_id": f"AKIAROTATEDEXAMPLE{len(calls):02d}"}

    s = auroraiam.Signer("db.cluster-x.us-east-1.rds.amazonaws.com", 5432, "u", credentials=creds)
    first = s.get_token()
    assert s.get_token() is first and len(calls) == 1
    fresh = s.get_fresh_token()
    assert len(calls) == 2 and "AKIAROTATEDEXAMPLE02" in fresh and fresh != first
    assert s.get_token() is fresh
    again = asyncio.run(s.get_fresh_token_async())
    assert len(calls) == 3 and "AKIAROTATEDEXAMPLE03" in again
