"""Every shared conformance vector: byte-identical tokens, right exception class and `.code`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import auroraiam
from auroraiam import AuroraIamError, CredentialsError, InvalidParameterError

from conftest import CASES, ERROR_CASES, TOKEN_CASES, case_id

CREDENTIAL_CODES = {"INVALID_CREDENTIALS", "CREDENTIALS_NOT_FOUND", "CREDENTIALS_EXPIRED"}


def generate(case: dict[str, Any], credentials: Any, signing_time: Any = None) -> str:
    """One case through the public API, as the Rust reference harness does."""
    when = case["signing_time"] if signing_time is None else signing_time
    if case["kind"] == "rds":
        return auroraiam.generate_auth_token(
            case["hostname"], case["port"], case["username"], case["region"],
            credentials=credentials, expires_in=case["expires_in"], signing_time=when,
        )
    return auroraiam.generate_dsql_token(
        case["hostname"], case["region"], admin=case["kind"] == "dsql-admin",
        credentials=credentials, expires_in=case["expires_in"], signing_time=when,
    )


def as_mapping(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "aws_access_key_id": case["access_key_id"],
        "aws_secret_access_key": case["secret_access_key"],
        "aws_session_token": case["session_token"],
    }


def as_object(case: dict[str, Any]) -> auroraiam.Credentials:
    return auroraiam.Credentials(case["access_key_id"], case["secret_access_key"], case["session_token"])


def test_vector_files_are_all_there() -> None:
    assert {name for name, _ in CASES} == {"rds.json", "dsql.json", "errors.json", "public.json"}
    assert len(TOKEN_CASES) >= 450 and len(ERROR_CASES) >= 140


@pytest.mark.parametrize("case", TOKEN_CASES, ids=case_id)
def test_token_vector(case: dict[str, Any]) -> None:
    want = case["expected_token"]
    assert generate(case, as_mapping(case)) == want
    assert generate(case, as_object(case)) == want


@pytest.mark.parametrize("case", TOKEN_CASES[::7], ids=case_id)
def test_token_vector_with_other_time_forms(case: dict[str, Any]) -> None:
    want, t = case["expected_token"], case["signing_time"]
    creds = as_object(case)
    assert generate(case, creds, datetime.fromtimestamp(t, timezone.utc)) == want
    assert generate(case, creds, datetime.fromtimestamp(t, timezone(timedelta(hours=-7)))) == want
    assert generate(case, creds, t + 0.999) == want


@pytest.mark.parametrize("case", ERROR_CASES, ids=case_id)
def test_error_vector(case: dict[str, Any]) -> None:
    code = case["expected_error"]
    cls = CredentialsError if code in CREDENTIAL_CODES else InvalidParameterError
    with pytest.raises(cls) as raised:
        generate(case, as_mapping(case))
    assert raised.value.code == code, str(raised.value)
    # Same through a Credentials object (credential errors then come from its constructor).
    with pytest.raises(cls) as raised:
        generate(case, as_object(case))
    assert raised.value.code == code
    assert isinstance(raised.value, AuroraIamError)
    assert case["secret_access_key"] not in str(raised.value) or len(case["secret_access_key"]) < 8


RDS_900 = [c for c in TOKEN_CASES if c["kind"] == "rds" and c["expires_in"] == 900]


@pytest.mark.parametrize("case", RDS_900, ids=case_id)
def test_boto3_compatible_function(case: dict[str, Any]) -> None:
    token = auroraiam.generate_db_auth_token(
        DBHostname=case["hostname"], Port=case["port"], DBUsername=case["username"], Region=case["region"],
        credentials=as_mapping(case), signing_time=case["signing_time"],
    )
    assert token == case["expected_token"]


def test_boto3_compatible_function_covers_many_vectors() -> None:
    assert len(RDS_900) >= 200
