"""Bad inputs: each gives the documented exception, never a crash, hang or wrong token."""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest

import auroraiam
from auroraiam import CredentialsError, InvalidParameterError

from conftest import AKID, AT, DSQL_HOST, HOST, SECRET

CREDS = auroraiam.Credentials(AKID, SECRET)
MB = 1024 * 1024


def rds(**overrides: Any) -> str:
    args: dict[str, Any] = dict(hostname=HOST, port=5432, username="app_user", region=None,
                                credentials=CREDS, expires_in=900, signing_time=AT)
    args.update(overrides)
    return auroraiam.generate_auth_token(**args)


def dsql(**overrides: Any) -> str:
    args: dict[str, Any] = dict(hostname=DSQL_HOST, region=None, admin=False, credentials=CREDS,
                                expires_in=900, signing_time=AT)
    args.update(overrides)
    return auroraiam.generate_dsql_token(**args)


def dropin(**overrides: Any) -> str:
    args: dict[str, Any] = dict(DBHostname=HOST, Port=5432, DBUsername="app_user", credentials=CREDS,
                                signing_time=AT)
    args.update(overrides)
    return auroraiam.generate_db_auth_token(**args)


def test_baseline_is_valid() -> None:
    assert rds().startswith(HOST + ":5432/?Action=connect&DBUser=app_user&")
    assert dsql().startswith(DSQL_HOST + "/?Action=DbConnect&")
    assert dsql(admin=True).startswith(DSQL_HOST + "/?Action=DbConnectAdmin&")
    assert dropin() == rds()


def raises_type_error(call: Callable[[], object], name: str) -> None:
    with pytest.raises(TypeError) as raised:
        call()
    assert not isinstance(raised.value, auroraiam.AuroraIamError)
    assert name in str(raised.value), str(raised.value)


@pytest.mark.parametrize(
    "field, value",
    [
        ("hostname", None), ("hostname", b"db.example.com"), ("hostname", 5),
        ("port", None), ("port", "5432"), ("port", 5432.0), ("port", True), ("port", False),
        ("username", None), ("username", b"app_user"), ("username", ["app_user"]),
        ("region", 1), ("region", b"us-east-1"),
        ("expires_in", "900"), ("expires_in", 900.0), ("expires_in", True),
        ("signing_time", "2026-11-26T12:00:00Z"), ("signing_time", True), ("signing_time", [AT]),
        ("credentials", 5), ("credentials", "AKID:SECRET"), ("credentials", (AKID, SECRET)),
    ],
)
def test_wrong_types_are_type_errors_naming_the_parameter(field: str, value: Any) -> None:
    raises_type_error(lambda: rds(**{field: value}), field)


@pytest.mark.parametrize(
    "field, value",
    [("hostname", None), ("region", 3), ("admin", 1), ("admin", "yes"), ("admin", None),
     ("expires_in", 1.5), ("signing_time", object())],
)
def test_wrong_types_dsql(field: str, value: Any) -> None:
    if field == "admin" and value is None:
        assert dsql(admin=None) == dsql(admin=False)  # None means the default, like every other option
        return
    raises_type_error(lambda: dsql(**{field: value}), field)


@pytest.mark.parametrize("field, value", [("DBHostname", None), ("Port", "5432"), ("Port", True),
                                          ("DBUsername", 7), ("Region", 1)])
def test_boto3_compatible_function_names_its_own_parameters(field: str, value: Any) -> None:
    raises_type_error(lambda: dropin(**{field: value}), field)


def test_missing_and_unknown_arguments_are_type_errors() -> None:
    with pytest.raises(TypeError):
        auroraiam.generate_auth_token(HOST, 5432)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        rds(expires=900)
    with pytest.raises(TypeError):
        auroraiam.generate_auth_token(HOST, 5432, "u", "us-east-1", CREDS)  # type: ignore[misc]


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("port", 0, "INVALID_PORT"), ("port", -1, "INVALID_PORT"), ("port", 65536, "INVALID_PORT"),
        ("port", 2**63, "INVALID_PORT"), ("port", -(2**63) - 1, "INVALID_PORT"), ("port", 10**100, "INVALID_PORT"),
        ("port", 2**63 - 1, "INVALID_PORT"), ("port", -(2**63), "INVALID_PORT"),
        ("expires_in", 0, "INVALID_EXPIRES_IN"), ("expires_in", 901, "INVALID_EXPIRES_IN"),
        ("expires_in", 2**64, "INVALID_EXPIRES_IN"), ("expires_in", -(10**30), "INVALID_EXPIRES_IN"),
        ("signing_time", -1, "INVALID_SIGNING_TIME"), ("signing_time", 2**63, "INVALID_SIGNING_TIME"),
        ("signing_time", 10**40, "INVALID_SIGNING_TIME"), ("signing_time", float("nan"), "INVALID_SIGNING_TIME"),
        ("signing_time", float("inf"), "INVALID_SIGNING_TIME"), ("signing_time", -0.5, "INVALID_SIGNING_TIME"),
        ("signing_time", 253_402_300_800, "INVALID_SIGNING_TIME"),
    ],
)
def test_out_of_range_numbers(field: str, value: Any, code: str) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        rds(**{field: value})
    assert raised.value.code == code
    assert isinstance(raised.value, ValueError)
    assert not isinstance(raised.value, OverflowError)
    assert field in str(raised.value)
    if isinstance(value, int) and abs(value) >= 2**63:
        # The message shows the caller's number, not a saturated one.
        assert str(value)[:20] in str(raised.value), str(raised.value)


@pytest.mark.parametrize("field, sign, code", [
    ("port", 1, "INVALID_PORT"), ("port", -1, "INVALID_PORT"), ("expires_in", 1, "INVALID_EXPIRES_IN"),
])
def test_ints_too_large_to_print_get_the_field_code(field: str, sign: int, code: str) -> None:
    # Past CPython's 4300-digit int-to-text limit str(value) raises ValueError; the binding must
    # still raise the field's error (not that ValueError) and describe the value by its size.
    value = sign * 10**5000
    with pytest.raises(InvalidParameterError) as raised:
        rds(**{field: value})
    assert raised.value.code == code and field in str(raised.value)
    assert f"an int of {value.bit_length()} bits" in str(raised.value), str(raised.value)


def test_int_subclasses_are_ints() -> None:
    import enum

    class Port(enum.IntEnum):
        POSTGRES = 5432

    assert rds(port=Port.POSTGRES) == rds()


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("hostname", "db\x00.example.com", "INVALID_HOSTNAME"), ("hostname", "", "INVALID_HOSTNAME"),
        ("hostname", "https://" + HOST, "INVALID_HOSTNAME"), ("hostname", HOST + ":5432", "INVALID_HOSTNAME"),
        ("username", "app\x00user", "INVALID_USERNAME"), ("username", "", "INVALID_USERNAME"),
        ("region", "us-east-1\x00", "INVALID_REGION"), ("region", "", "INVALID_REGION"),
        ("hostname", "10.0.0.1", "REGION_REQUIRED"),
    ],
)
def test_bad_values(field: str, value: str, code: str) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        rds(**{field: value})
    assert raised.value.code == code


@pytest.mark.parametrize("field", ["hostname", "username", "region"])
def test_lone_surrogates_are_invalid_utf8_naming_the_field(field: str) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        rds(**{field: "ab\udc80cd"})
    assert raised.value.code == "INVALID_UTF8"
    assert field in str(raised.value)


def test_lone_surrogates_elsewhere() -> None:
    with pytest.raises(InvalidParameterError) as raised:
        dsql(hostname="x\ud800.dsql.us-east-1.on.aws")
    assert (raised.value.code, "hostname" in str(raised.value)) == ("INVALID_UTF8", True)
    with pytest.raises(InvalidParameterError) as raised:
        dropin(DBUsername="\udfff")
    assert (raised.value.code, "DBUsername" in str(raised.value)) == ("INVALID_UTF8", True)
    for field in ("access_key_id", "secret_access_key", "session_token"):
        args = {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None}
        args[field] = "x\udc00"
        with pytest.raises(InvalidParameterError) as raised:
            auroraiam.Credentials(**args)
        assert raised.value.code == "INVALID_UTF8" and field in str(raised.value)
    with pytest.raises(InvalidParameterError) as raised:
        rds(credentials={"aws_access_key_id": AKID, "aws_secret_access_key": "s\udc00"})
    assert raised.value.code == "INVALID_UTF8" and "aws_secret_access_key" in str(raised.value)


def test_valid_non_ascii_is_not_a_surrogate_problem() -> None:
    assert "DBUser=%F0%9F%98%80" in rds(username="\U0001F600")


@pytest.mark.parametrize(
    "field, code",
    [("hostname", "INVALID_HOSTNAME"), ("username", "INVALID_USERNAME"), ("region", "INVALID_REGION")],
)
def test_one_megabyte_strings(field: str, code: str) -> None:
    big = "a" * MB
    started = time.perf_counter()
    with pytest.raises(InvalidParameterError) as raised:
        rds(**{field: big})
    assert raised.value.code == code
    assert len(str(raised.value)) < 400  # the value is quoted short, not echoed whole
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("field", ["access_key_id", "secret_access_key", "session_token"])
def test_one_megabyte_credentials(field: str) -> None:
    args = {"access_key_id": AKID, "secret_access_key": SECRET, "session_token": None}
    args[field] = "A" * MB
    with pytest.raises(CredentialsError) as raised:
        auroraiam.Credentials(**args)
    assert raised.value.code == "INVALID_CREDENTIALS"
    assert "AAAAAAAAAA" not in str(raised.value)


def test_dsql_bad_values() -> None:
    with pytest.raises(InvalidParameterError) as raised:
        dsql(expires_in=604_801)
    assert raised.value.code == "INVALID_EXPIRES_IN"
    assert dsql(expires_in=604_800)
    with pytest.raises(InvalidParameterError) as raised:
        dsql(hostname=HOST)
    assert raised.value.code == "REGION_REQUIRED"


def test_remembered_requests_never_leak_between_calls() -> None:
    # The last validated request is reused for identical arguments; anything else is validated anew.
    base = rds()
    assert rds() == base
    with pytest.raises(InvalidParameterError):
        rds(port=0)
    assert rds() == base
    assert rds(region="us-east-1") == base  # the inferred region, given explicitly
    assert rds(region="eu-west-1") != base
    assert rds(port=5433) != base and rds(username="app_userx") != base and rds(expires_in=899) != base
    assert rds(hostname=HOST.upper()) != base
    assert dsql(admin=True) != dsql(admin=False)
    assert rds() == base
