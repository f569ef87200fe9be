"""The error model: every core code maps to a Python exception with `.code`."""

from __future__ import annotations

import pickle

import auroraiam
from auroraiam import AuroraIamError, CredentialsError, InvalidParameterError, TokenVerificationError
from auroraiam._auroraiam import _error_codes

from conftest import ERROR_CASES

# Codes whose meaning is "bad or missing credentials" (core ErrorCode::is_credentials_error()).
CREDENTIAL_CODES = {"INVALID_CREDENTIALS", "CREDENTIALS_NOT_FOUND", "CREDENTIALS_EXPIRED"}


def test_hierarchy() -> None:
    assert issubclass(InvalidParameterError, AuroraIamError) and issubclass(InvalidParameterError, ValueError)
    assert issubclass(CredentialsError, AuroraIamError) and not issubclass(CredentialsError, ValueError)
    assert issubclass(AuroraIamError, Exception)
    assert issubclass(TokenVerificationError, AuroraIamError) and not issubclass(TokenVerificationError, ValueError)
    for cls in (AuroraIamError, InvalidParameterError, CredentialsError, TokenVerificationError):
        assert cls.__module__ == "auroraiam._errors"


def test_every_core_code_is_mapped() -> None:
    codes = _error_codes()
    assert len(codes) >= 11
    names = [name for name, _, _ in codes]
    assert len(set(names)) == len(names)
    for name, number, error in codes:
        assert isinstance(error, AuroraIamError)
        assert error.code == name
        assert 7001 <= number < 8000
        classes = (CredentialsError, InvalidParameterError, TokenVerificationError)
        assert [isinstance(error, cls) for cls in classes].count(True) == 1, name
        if name in CREDENTIAL_CODES:
            assert type(error) is CredentialsError
    assert {c["expected_error"] for c in ERROR_CASES} <= set(names)
    assert CREDENTIAL_CODES <= set(names)


def test_code_numbers_match_the_c_status_values() -> None:
    numbers = {name: number for name, number, _ in _error_codes()}
    assert numbers["INVALID_HOSTNAME"] == 7001 and numbers["INVALID_UTF8"] == 7009
    assert numbers["CREDENTIALS_EXPIRED"] == 7011


def test_exceptions_pickle_with_their_code() -> None:
    try:
        auroraiam.generate_auth_token("", 5432, "u", "us-east-1", credentials={"aws_access_key_id": "A",
                                      "aws_secret_access_key": "S"}, signing_time=0)
    except InvalidParameterError as e:
        copy = pickle.loads(pickle.dumps(e))
        assert (type(copy), copy.code, str(copy)) == (InvalidParameterError, "INVALID_HOSTNAME", str(e))
    else:
        raise AssertionError("empty hostname accepted")


def test_exceptions_can_be_raised_by_callers() -> None:
    e = CredentialsError("no credentials", "CREDENTIALS_NOT_FOUND")
    assert (str(e), e.code) == ("no credentials", "CREDENTIALS_NOT_FOUND")
