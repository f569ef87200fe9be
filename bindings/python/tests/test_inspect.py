"""Token inspection: parse_token, diagnose_token, verify_token, redact_token.

Every vector token parses back to its inputs and verifies with its secret; each tampering,
mismatch, past and future clock raises with the core's exact code; redaction hides the
signature and the session token; bad inputs give the documented exceptions.
"""

from __future__ import annotations

import collections
import pickle
import time
from collections.abc import Iterator, Mapping
import functools
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import auroraiam
from auroraiam import (
    AuroraIamError,
    CredentialsError,
    Diagnostic,
    InvalidParameterError,
    TokenInfo,
    TokenVerificationError,
    diagnose_token,
    parse_token,
    redact_token,
    verify_token,
)
from auroraiam._auroraiam import _error_codes

from conftest import AKID, AT, DSQL_HOST, HOST, SECRET, TOKEN_CASES, case_id

MAX_UNIX = 253_402_300_799  # 9999-12-31T23:59:59Z
ASIA = "ASIAIOSFODNN7EXAMPLE"
SESSION = "IQoJb3JpZ2luX2VjEXAMPLE/+=" * 32
TOKEN = auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=auroraiam.Credentials(ASIA, SECRET, SESSION),
                                      signing_time=AT)
PLAIN = auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=auroraiam.Credentials(AKID, SECRET),
                                      signing_time=AT)
DSQL = auroraiam.generate_dsql_token(DSQL_HOST, admin=True, credentials=auroraiam.Credentials(AKID, SECRET),
                                     expires_in=3600, signing_time=AT)
MB = 1024 * 1024


def secrets_of(case: dict[str, Any]) -> dict[str, str]:
    return {case["access_key_id"]: case["secret_access_key"]}


def verify_code(token: str, secrets: Any, **options: Any) -> str:
    with pytest.raises(AuroraIamError) as raised:
        verify_token(token, secrets, **options)
    return raised.value.code


_verify_code = verify_code


# ---------------------------------------------------------------------------------------------
# Every vector
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", TOKEN_CASES, ids=case_id)
def test_vector_token_parses_back_to_its_inputs(case: dict[str, Any]) -> None:
    token = case["expected_token"]
    info = parse_token(token)
    assert info.kind == case["kind"]
    assert info.hostname == case["hostname"]
    assert info.port == case["port"]
    assert info.username == case["username"]
    assert info.access_key_id == case["access_key_id"]
    if case["region"] is not None:
        assert info.region == case["region"]
    assert info.service == ("rds-db" if case["kind"] == "rds" else "dsql")
    assert info.signing_time == datetime.fromtimestamp(case["signing_time"], timezone.utc)
    assert info.signing_time.tzinfo is not None
    assert info.expires_in == case["expires_in"]
    expiry = case["signing_time"] + case["expires_in"]
    if expiry <= MAX_UNIX:
        assert info.expires_at == info.signing_time + timedelta(seconds=case["expires_in"])
    else:
        with pytest.raises(OverflowError):
            info.expires_at
    assert info.has_session_token == bool(case["session_token"])
    assert info.length == len(token.encode())
    assert info.remaining(case["signing_time"]) == case["expires_in"]
    assert "X-Amz-Signature" not in repr(info) and token[-64:] not in repr(info)


@pytest.mark.parametrize("case", TOKEN_CASES, ids=case_id)
def test_vector_token_verifies_and_each_tampering_is_named(case: dict[str, Any]) -> None:
    token, at = case["expected_token"], case["signing_time"]
    secrets = secrets_of(case)
    # Verification expects an RDS token unless told otherwise: every check names the case's kind.
    verify_token = functools.partial(auroraiam.verify_token, expect_kind=case["kind"])
    verify_code = functools.partial(_verify_code, expect_kind=case["kind"])
    info = verify_token(token, secrets, now=at)
    assert (info.kind, info.hostname, info.access_key_id) == (case["kind"], case["hostname"], case["access_key_id"])
    # The same through a callable and through a non-dict mapping.
    verify_token(token, lambda key: secrets.get(key), now=at)
    verify_token(token, collections.ChainMap(secrets), now=at, expect_region=info.region)

    assert verify_code(token, {case["access_key_id"]: case["secret_access_key"] + "x"}, now=at) == "SIGNATURE_MISMATCH"
    assert verify_code(token, {}, now=at) == "UNKNOWN_ACCESS_KEY"
    flipped = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert verify_code(flipped, secrets, now=at) == "SIGNATURE_MISMATCH"
    authority, query = token.split("/?", 1)
    if not authority.startswith("["):
        moved = ("y" if authority.startswith("x") else "x") + authority[1:] + "/?" + query
        assert verify_code(moved, secrets, now=at) == "SIGNATURE_MISMATCH"
    if case["port"] is not None:
        port = case["port"]
        other = 65534 if port == 65535 else port + 1
        assert verify_code(token.replace(f":{port}/?", f":{other}/?", 1), secrets, now=at) == "SIGNATURE_MISMATCH"
        assert verify_code(token.replace("&DBUser=", "&DBUser=x", 1), secrets, now=at) == "SIGNATURE_MISMATCH"
        assert verify_code(token, secrets, now=at, expect_username="someone-else") == "USER_MISMATCH"
        assert verify_code(token, secrets, now=at, expect_port=other) == "PORT_MISMATCH"
    assert verify_code(token, secrets, now=at, expect_hostname="elsewhere.example.com") == "HOST_MISMATCH"
    assert verify_code(token, secrets, now=at, expect_region="xx-nowhere-1") == "REGION_MISMATCH"
    other_kind = "dsql" if case["kind"] == "rds" else "rds"
    assert _verify_code(token, secrets, now=at, expect_kind=other_kind) == "KIND_MISMATCH"
    expiry = at + case["expires_in"]
    if expiry <= MAX_UNIX:
        assert verify_code(token, secrets, now=expiry) == "TOKEN_EXPIRED"
        verify_token(token, secrets, now=expiry - 1)
    if at >= 301:
        assert verify_code(token, secrets, now=at - 301) == "TOKEN_NOT_YET_VALID"
        verify_token(token, secrets, now=at - 300)
        verify_token(token, secrets, now=at - 301, max_clock_skew=301)


@pytest.mark.parametrize("case", TOKEN_CASES, ids=case_id)
def test_vector_redaction_hides_signature_and_session_token(case: dict[str, Any]) -> None:
    token = case["expected_token"]
    red = redact_token(token)
    signature = token[token.rindex("X-Amz-Signature=") + 16:]
    assert signature not in red
    assert red.startswith(token.split("/?", 1)[0] + "/?")
    if case["session_token"] and len(case["session_token"]) >= 8:
        encoded = token.split("X-Amz-Security-Token=", 1)[1].split("&", 1)[0]
        assert encoded not in red and "X-Amz-Security-Token=<redacted:" in red


# ---------------------------------------------------------------------------------------------
# API shape
# ---------------------------------------------------------------------------------------------


def test_verification_failures_are_token_verification_errors() -> None:
    with pytest.raises(TokenVerificationError) as raised:
        verify_token(TOKEN, {ASIA: SECRET + "x"}, now=AT)
    e = raised.value
    assert e.code == "SIGNATURE_MISMATCH" and isinstance(e, AuroraIamError) and not isinstance(e, ValueError)
    assert SECRET not in str(e) and TOKEN[-64:] not in str(e)
    copy = pickle.loads(pickle.dumps(e))
    assert (type(copy), copy.code, str(copy)) == (TokenVerificationError, e.code, str(e))
    # Text that is not a token is bad input, not a failed verification.
    with pytest.raises(InvalidParameterError) as bad:
        verify_token("not a token", {ASIA: SECRET})
    assert bad.value.code == "TOKEN_MALFORMED"


def test_every_verification_code_maps_to_token_verification_error() -> None:
    verification = {"UNKNOWN_ACCESS_KEY", "SIGNATURE_MISMATCH", "TOKEN_EXPIRED", "TOKEN_NOT_YET_VALID", "HOST_MISMATCH",
                    "PORT_MISMATCH", "USER_MISMATCH", "REGION_MISMATCH", "KIND_MISMATCH"}
    classes = {name: type(error) for name, _, error in _error_codes()}
    assert verification <= set(classes)
    for name in verification:
        assert classes[name] is TokenVerificationError, name
    assert classes["TOKEN_MALFORMED"] is InvalidParameterError
    assert classes["INVALID_ARGUMENT"] is InvalidParameterError
    assert classes["CREDENTIALS_PROVIDER_FAILED"] is CredentialsError


def test_token_info_fields_and_repr() -> None:
    info = parse_token(TOKEN)
    assert isinstance(info, TokenInfo) and type(info).__module__ == "auroraiam"
    assert (info.kind, info.port, info.username, info.region) == ("rds", 5432, "app_user", "us-east-1")
    assert info.has_session_token and info.access_key_id == ASIA
    assert info.signing_time == datetime.fromtimestamp(AT, timezone.utc)
    assert info.expires_at == datetime.fromtimestamp(AT + 900, timezone.utc)
    assert info.expires_at.utcoffset() == timedelta(0)
    assert info.remaining(AT + 100) == 800.0 and isinstance(info.remaining(AT), float)
    assert info.remaining(datetime.fromtimestamp(AT + 1000, timezone.utc)) == -100.0
    assert abs(info.remaining() - (AT + 900 - time.time())) < 5  # default: the current time
    text = repr(info)
    assert text.startswith("auroraiam.TokenInfo(kind='rds', hostname=")
    assert "has_session_token=True" in text
    for secret in (SECRET, SESSION[:20], TOKEN[-64:], "X-Amz-Signature", "Security-Token"):
        assert secret not in text
    dsql = parse_token(DSQL)
    assert (dsql.kind, dsql.port, dsql.username, dsql.service, dsql.expires_in) == ("dsql-admin", None, None, "dsql", 3600)


def test_token_info_is_immutable_and_not_constructible() -> None:
    info = parse_token(TOKEN)
    with pytest.raises(AttributeError):
        info.hostname = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        TokenInfo()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        pickle.dumps(info)


def test_diagnose_finds_what_the_server_would_reject() -> None:
    assert diagnose_token(PLAIN, now=AT + 10, expect_hostname=HOST, expect_port=5432, expect_username="app_user") == []
    found = diagnose_token(TOKEN, now=AT + 1000, expect_hostname="other.example.com", expect_port=3306,
                           expect_username="bob", pooler_length_limit=100)
    codes = [d.code for d in found]
    assert codes[:4] == ["EXPIRED", "HOST_MISMATCH", "PORT_MISMATCH", "USER_MISMATCH"]
    assert "TOO_LONG_FOR_POOLERS" in codes
    severities = [d.severity for d in found]
    assert severities == sorted(severities)  # errors first ("error" < "warning")
    warning = next(d for d in found if d.code == "TOO_LONG_FOR_POOLERS")
    assert warning.severity == "warning"
    assert [d.code for d in diagnose_token(PLAIN, now=AT - 301)] == ["NOT_YET_VALID"]
    assert diagnose_token(PLAIN, now=AT - 301, max_clock_skew=301) == []
    # The default pooler limit is 1024 bytes; the 800-character session token makes this one longer.
    assert [d.code for d in diagnose_token(TOKEN, now=AT)] == ["TOO_LONG_FOR_POOLERS"]
    assert diagnose_token(TOKEN, now=AT, pooler_length_limit=len(TOKEN)) == []
    # Defaults: now is the current time.
    old = auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=auroraiam.Credentials(AKID, SECRET),
                                        signing_time=int(time.time()) - 1000)
    assert [d.code for d in diagnose_token(old)] == ["EXPIRED"]
    assert verify_code(old, {AKID: SECRET}) == "TOKEN_EXPIRED"
    fresh = auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=auroraiam.Credentials(AKID, SECRET))
    assert diagnose_token(fresh) == [] and verify_token(fresh, {AKID: SECRET}).remaining() > 890


def test_diagnostic_is_a_value() -> None:
    d = diagnose_token(PLAIN, now=AT + 900)[0]
    assert isinstance(d, Diagnostic) and type(d).__module__ == "auroraiam"
    code, severity, message = d
    assert (code, severity) == ("EXPIRED", "error") and message == d.message and len(d) == 3
    same = diagnose_token(PLAIN, now=AT + 900)[0]
    assert d == same and hash(d) == hash(same) and d is not same
    assert d != diagnose_token(PLAIN, now=AT + 901)[0]
    assert repr(d).startswith("auroraiam.Diagnostic(code='EXPIRED', severity='error', message='expired 0 s ago")
    assert Diagnostic.__match_args__ == ("code", "severity", "message")  # class patterns work
    with pytest.raises(AttributeError):
        d.code = "X"  # type: ignore[misc]


def test_verify_returns_the_fields_and_checks_every_expectation() -> None:
    info = verify_token(TOKEN, {ASIA: SECRET}, now=AT, expect_kind="rds", expect_hostname=HOST.upper(),
                        expect_port=5432, expect_username="app_user", expect_region="us-east-1")
    assert isinstance(info, TokenInfo) and info.has_session_token
    verify_token(DSQL, {AKID: SECRET}, now=AT + 3599, expect_kind="dsql-admin", expect_hostname=DSQL_HOST)
    assert verify_code(DSQL, {AKID: SECRET}, now=AT + 3600, expect_kind="dsql-admin") == "TOKEN_EXPIRED"
    assert verify_code(DSQL, {AKID: SECRET}, now=AT, expect_kind="dsql-admin", expect_port=5432) == "PORT_MISMATCH"
    # With no expect_kind, verification expects an RDS token.
    assert verify_code(DSQL, {AKID: SECRET}, now=AT) == "KIND_MISMATCH"
    # now as an aware datetime.
    verify_token(TOKEN, {ASIA: SECRET}, now=datetime.fromtimestamp(AT + 899, timezone.utc))
    assert verify_code(TOKEN, {ASIA: SECRET}, now=datetime.fromtimestamp(AT + 900, timezone.utc)) == "TOKEN_EXPIRED"


def test_secrets_lookups() -> None:
    asked: list[str] = []

    def lookup(key: str) -> str | None:
        asked.append(key)
        return SECRET if key == ASIA else None

    verify_token(TOKEN, lookup, now=AT)
    assert asked == [ASIA]
    assert verify_code(TOKEN, lambda key: None, now=AT) == "UNKNOWN_ACCESS_KEY"
    assert verify_code(TOKEN, {ASIA: None}, now=AT) == "UNKNOWN_ACCESS_KEY"

    class Vault(Mapping[str, str]):
        def __getitem__(self, key: str) -> str:
            if key != ASIA:
                raise KeyError(key)
            return SECRET

        def __iter__(self) -> Iterator[str]:
            return iter([ASIA])

        def __len__(self) -> int:
            return 1

    verify_token(TOKEN, Vault(), now=AT)
    assert verify_code(PLAIN, Vault(), now=AT) == "UNKNOWN_ACCESS_KEY"

    # What secrets raises propagates unchanged.
    def broken(key: str) -> str:
        raise RuntimeError("vault is sealed")

    with pytest.raises(RuntimeError, match="vault is sealed"):
        verify_token(TOKEN, broken, now=AT)
    with pytest.raises(TypeError, match="secret"):
        verify_token(TOKEN, {ASIA: b"bytes"}, now=AT)
    with pytest.raises(TypeError, match="secrets"):
        verify_token(TOKEN, [ASIA, SECRET], now=AT)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError) as raised:
        verify_token(TOKEN, {ASIA: "ab\udc80"}, now=AT)
    assert raised.value.code == "INVALID_UTF8"


def test_redact_token() -> None:
    red = redact_token(TOKEN)
    assert red.startswith(f"{HOST}:5432/?Action=connect&DBUser=app_user&")
    assert "X-Amz-Signature=<redacted:64 chars>" in red
    assert "X-Amz-Security-Token=<redacted:" in red
    assert TOKEN[-64:] not in red and SESSION[:30] not in red
    assert redact_token("not a token") == "<redacted: 11 bytes, not a token>"
    assert "\udc80" not in redact_token("host/?X-Amz-Signature=ab\udc80")
    assert redact_token("") == "<redacted: 0 bytes, not a token>"
    assert len(redact_token("x" * MB)) < 100


# ---------------------------------------------------------------------------------------------
# Bad inputs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [parse_token, redact_token, diagnose_token,
                                      lambda t: verify_token(t, {ASIA: SECRET})])
@pytest.mark.parametrize("value", [None, b"token", 5, ["x"]], ids=repr)
def test_token_of_the_wrong_type_is_a_type_error(function: Any, value: Any) -> None:
    with pytest.raises(TypeError, match="token must be str"):
        function(value)


@pytest.mark.parametrize("text", [
    "", "garbage", "host/?", TOKEN.replace("Action=connect", "Action=drop"), TOKEN[:-10],
    TOKEN.replace("/?", "\0/?"), TOKEN + "\0", "x" * MB, TOKEN + "&" + "a" * MB,
    TOKEN.replace("X-Amz-Date=20261126T120000Z", "X-Amz-Date=yesterday"),
    TOKEN.replace("X-Amz-Expires=900", "X-Amz-Expires=-1"),
], ids=lambda t: repr(t[:30]) + f"...({len(t)})")
def test_malformed_tokens_are_token_malformed(text: str) -> None:
    for function in (parse_token, diagnose_token, lambda t: verify_token(t, {ASIA: SECRET}, now=AT)):
        with pytest.raises(InvalidParameterError) as raised:
            function(text)
        assert raised.value.code == "TOKEN_MALFORMED", (function, raised.value)
        assert len(str(raised.value)) < 1000 and SECRET not in str(raised.value)
    assert isinstance(redact_token(text), str)


def test_lone_surrogate_is_invalid_utf8() -> None:
    for function in (parse_token, diagnose_token, lambda t: verify_token(t, {ASIA: SECRET})):
        with pytest.raises(InvalidParameterError) as raised:
            function(TOKEN + "\udc80")
        assert raised.value.code == "INVALID_UTF8" and "token" in str(raised.value)


@pytest.mark.parametrize("options, error, code", [
    (dict(now=float("nan")), InvalidParameterError, "INVALID_SIGNING_TIME"),
    (dict(now=-1), InvalidParameterError, "INVALID_SIGNING_TIME"),
    (dict(now=datetime(2026, 1, 1)), InvalidParameterError, "INVALID_SIGNING_TIME"),
    (dict(now="2026-01-01"), TypeError, None),
    (dict(now=True), TypeError, None),
    (dict(expect_port=0), InvalidParameterError, "INVALID_PORT"),
    (dict(expect_port=65536), InvalidParameterError, "INVALID_PORT"),
    (dict(expect_port=10**100), InvalidParameterError, "INVALID_PORT"),
    (dict(expect_port="5432"), TypeError, None),
    (dict(max_clock_skew=-1), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(max_clock_skew=2**32), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(max_clock_skew=1.5), TypeError, None),
    (dict(expect_hostname=b"h"), TypeError, None),
    (dict(expect_username="u\udc80"), InvalidParameterError, "INVALID_UTF8"),
], ids=repr)
def test_bad_options(options: dict[str, Any], error: type[Exception], code: str | None) -> None:
    calls = [lambda: verify_token(TOKEN, {ASIA: SECRET}, **options)]
    if "expect_kind" not in options:
        calls.append(lambda: diagnose_token(TOKEN, **options))
    for call in calls:
        with pytest.raises(error) as raised:
            call()
        if code is not None:
            assert raised.value.code == code  # type: ignore[attr-defined]
            field = next(iter(options))
            assert field in str(raised.value), str(raised.value)


def test_bad_expect_kind_and_pooler_limit() -> None:
    with pytest.raises(InvalidParameterError) as raised:
        verify_token(TOKEN, {ASIA: SECRET}, now=AT, expect_kind="postgres")  # type: ignore[arg-type]
    assert raised.value.code == "INVALID_ARGUMENT" and "expect_kind" in str(raised.value)
    with pytest.raises(TypeError):
        verify_token(TOKEN, {ASIA: SECRET}, now=AT, expect_kind=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError) as raised:
        diagnose_token(TOKEN, pooler_length_limit=-5)
    assert raised.value.code == "INVALID_ARGUMENT" and "pooler_length_limit" in str(raised.value)
    with pytest.raises(TypeError):
        diagnose_token(TOKEN, TOKEN)  # type: ignore[misc]


def test_remaining_rejects_bad_times() -> None:
    info = parse_token(TOKEN)
    with pytest.raises(InvalidParameterError) as raised:
        info.remaining(float("inf"))
    assert raised.value.code == "INVALID_SIGNING_TIME"
    with pytest.raises(TypeError):
        info.remaining("now")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Security fixes (issue #18)
# ---------------------------------------------------------------------------------------------

# botocore 1.43.11 (tests/vectors/generate.py rds_presign) for db.example.com:5432, user app,
# us-east-1, signed at 1700000000 by BOTO_KEY with X-Amz-Expires 3600 and 604800.
BOTO_KEY, BOTO_SECRET, BOTO_AT = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 1_700_000_000
BOTO_HEAD = ("db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
             "AKIAIOSFODNN7EXAMPLE%2F20231114%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20231114T221320Z")
LONG_LIVED = {
    3600: BOTO_HEAD + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=d5745e39572c3e98c5ae1e34048bac7770ffdbadd9a9a529c08da71fce13f61d",
    604800: BOTO_HEAD + "&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=0d5b68cfdd87636903b08bd12e4aa0c75fca7682acca76256a04cb8a2fa4cf0b",
}


@pytest.mark.parametrize("expires", sorted(LONG_LIVED))
def test_rds_tokens_living_longer_than_900_s_are_refused(expires: int) -> None:
    token = LONG_LIVED[expires]
    for kind in (None, "rds"):
        with pytest.raises(TokenVerificationError) as raised:
            verify_token(token, {BOTO_KEY: BOTO_SECRET}, now=BOTO_AT + 10, expect_kind=kind)
        assert raised.value.code == "TOKEN_LIFETIME_TOO_LONG"
        assert f"{expires} s" in str(raised.value) and "900" in str(raised.value)
    assert parse_token(token).expires_in == expires  # still readable, and diagnosed:
    assert "EXPIRES_IN_TOO_LONG" in [d.code for d in diagnose_token(token, now=BOTO_AT)]
    codes = {name: number for name, number, _ in _error_codes()}
    assert codes["TOKEN_LIFETIME_TOO_LONG"] == 7028


def test_max_clock_skew_is_capped_at_an_hour() -> None:
    verify_token(TOKEN, {ASIA: SECRET}, now=AT - 3600, max_clock_skew=3600)
    for skew in (3601, 86_400, 2**32 - 1, 10**5000):
        with pytest.raises(InvalidParameterError) as raised:
            verify_token(TOKEN, {ASIA: SECRET}, now=AT, max_clock_skew=skew)
        assert raised.value.code == "INVALID_ARGUMENT" and "3600" in str(raised.value)


@pytest.mark.parametrize("text", [
    "postgres://app:hunter2@db:5432/?sslmode=require",
    "db:5432/?password=hunter2",
    "db:5432/?Action=connect&DBUser=app&hunter2",
    "h\n/?x=hunter2\x1b[2J",
])
def test_redact_masks_whatever_is_not_a_token_whole(text: str) -> None:
    assert redact_token(text) == f"<redacted: {len(text.encode())} bytes, not a token>"
    assert redact_token(TOKEN + "&password=hunter2") == f"<redacted: {len(TOKEN) + 17} bytes, not a token>"


def test_errors_quote_and_cut_echoed_text() -> None:
    evil = "db:5432/?Action=connect&X%0A%1B[2J" + "y" * 500 + "=%zz"
    for call in (parse_token, lambda t: verify_token(t, {ASIA: SECRET})):
        with pytest.raises(InvalidParameterError) as raised:
            call(evil)
        message = str(raised.value)
        assert raised.value.code == "TOKEN_MALFORMED"
        assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in message) and len(message) < 300, message
