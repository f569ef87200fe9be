"""credentials= forms, auroraiam.Credentials, environment fallback and repr redaction."""

from __future__ import annotations

import collections
import pickle
import types
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import auroraiam
from auroraiam import CredentialsError, InvalidParameterError
from auroraiam._auroraiam import _has_default_chain

from conftest import AKID, AT, HOST, SECRET

TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE/+=" * 32  # ~800 characters, STS-shaped
ASIA = "ASIAIOSFODNN7EXAMPLE"


def sign(credentials: Any, at: Any = AT) -> str:
    return auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=credentials, signing_time=at)


PLAIN = sign(auroraiam.Credentials(AKID, SECRET))
TEMPORARY = sign(auroraiam.Credentials(ASIA, SECRET, TOKEN))


def test_reference_tokens_differ_only_by_credentials() -> None:
    assert "X-Amz-Security-Token" not in PLAIN
    assert "X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2F%2B%3D" in TEMPORARY


def test_credentials_object() -> None:
    c = auroraiam.Credentials(ASIA, SECRET, TOKEN, expiry=AT + 3600)
    assert (c.access_key_id, c.secret_access_key, c.session_token) == (ASIA, SECRET, TOKEN)
    assert c.expiry == datetime.fromtimestamp(AT + 3600, timezone.utc)
    assert c.expiry is not None and c.expiry.tzinfo is not None
    assert sign(c) == TEMPORARY
    keywords = auroraiam.Credentials(access_key_id=AKID, secret_access_key=SECRET, session_token=None, expiry=None)
    assert keywords.expiry is None and keywords.session_token is None
    assert sign(keywords) == PLAIN


def test_credentials_object_is_immutable_and_final() -> None:
    c = auroraiam.Credentials(AKID, SECRET)
    with pytest.raises(AttributeError):
        c.secret_access_key = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        type("Sub", (auroraiam.Credentials,), {})


def test_empty_session_token_is_absent() -> None:
    assert auroraiam.Credentials(AKID, SECRET, "").session_token is None
    assert sign({"aws_access_key_id": AKID, "aws_secret_access_key": SECRET, "aws_session_token": ""}) == PLAIN


@pytest.mark.parametrize(
    "expiry",
    [AT + 60, float(AT + 60), datetime.fromtimestamp(AT + 60, timezone.utc),
     datetime.fromtimestamp(AT + 60, timezone(timedelta(hours=3)))],
)
def test_expiry_forms(expiry: Any) -> None:
    c = auroraiam.Credentials(ASIA, SECRET, TOKEN, expiry)
    assert c.expiry == datetime.fromtimestamp(AT + 60, timezone.utc)
    assert sign(c) == TEMPORARY
    with pytest.raises(CredentialsError) as raised:
        sign(c, AT + 60)
    assert raised.value.code == "CREDENTIALS_EXPIRED"


@pytest.mark.parametrize("expiry", [datetime(2030, 1, 1), -1, float("nan")])
def test_bad_expiry(expiry: Any) -> None:
    with pytest.raises(CredentialsError) as raised:
        auroraiam.Credentials(ASIA, SECRET, TOKEN, expiry)
    assert raised.value.code == "INVALID_CREDENTIALS"
    assert "expiry" in str(raised.value)


@pytest.mark.parametrize("expiry", ["2030-01-01", True, []])
def test_expiry_wrong_type(expiry: Any) -> None:
    with pytest.raises(TypeError, match="expiry"):
        auroraiam.Credentials(ASIA, SECRET, TOKEN, expiry)


@pytest.mark.parametrize(
    "args, code",
    [((AKID, ""), "INVALID_CREDENTIALS"), (("", SECRET), "INVALID_CREDENTIALS"),
     (("AKID EXAMPLE", SECRET), "INVALID_CREDENTIALS"), ((AKID, "s\x00"), "INVALID_CREDENTIALS"),
     ((AKID, SECRET, "t\x00"), "INVALID_CREDENTIALS"), ((AKID, "S" * 1025), "INVALID_CREDENTIALS")],
)
def test_invalid_credentials(args: tuple[str, ...], code: str) -> None:
    with pytest.raises(CredentialsError) as raised:
        auroraiam.Credentials(*args)
    assert raised.value.code == code
    assert not isinstance(raised.value, ValueError)
    assert "SSSSSSSS" not in str(raised.value)


@pytest.mark.parametrize("args", [(None, SECRET), (AKID, None), (AKID, SECRET, 5), (b"AKID", SECRET)])
def test_credentials_wrong_types(args: tuple[Any, ...]) -> None:
    with pytest.raises(TypeError):
        auroraiam.Credentials(*args)


def test_repr_redacts_secret_and_session_token() -> None:
    c = auroraiam.Credentials(ASIA, SECRET, TOKEN, expiry=AT)
    for shown in (repr(c), str(c), f"{c!r}", repr([c]), repr({"c": c})):
        assert SECRET not in shown and TOKEN[:20] not in shown and "wJalr" not in shown
        assert ASIA in shown
    assert repr(c) == (
        "auroraiam.Credentials(access_key_id='ASIAIOSFODNN7EXAMPLE', secret_access_key='<redacted>', "
        "session_token='<redacted>', expiry='2026-11-26T12:00:00Z')"
    )
    assert repr(auroraiam.Credentials(AKID, SECRET)) == (
        "auroraiam.Credentials(access_key_id='AKIAIOSFODNN7EXAMPLE', secret_access_key='<redacted>', "
        "session_token=None, expiry=None)"
    )


def test_credentials_do_not_pickle() -> None:
    # Pickling would write the secret to wherever the pickle goes.
    with pytest.raises(TypeError):
        pickle.dumps(auroraiam.Credentials(AKID, SECRET))


def test_boto3_mapping() -> None:
    assert sign({"aws_access_key_id": AKID, "aws_secret_access_key": SECRET}) == PLAIN
    assert sign({"aws_access_key_id": ASIA, "aws_secret_access_key": SECRET, "aws_session_token": TOKEN}) == TEMPORARY
    assert sign({"aws_access_key_id": AKID, "aws_secret_access_key": SECRET, "aws_session_token": None}) == PLAIN


def test_sts_mapping_with_expiration() -> None:
    sts = {"AccessKeyId": ASIA, "SecretAccessKey": SECRET, "SessionToken": TOKEN,
           "Expiration": datetime.fromtimestamp(AT + 900, timezone.utc)}
    assert sign(sts) == TEMPORARY
    with pytest.raises(CredentialsError) as raised:
        sign(sts, AT + 900)
    assert raised.value.code == "CREDENTIALS_EXPIRED"
    with pytest.raises(CredentialsError) as raised:
        sign({**sts, "Expiration": datetime(2030, 1, 1)})
    assert raised.value.code == "INVALID_CREDENTIALS"


def test_other_mappings() -> None:
    assert sign(types.MappingProxyType({"aws_access_key_id": AKID, "aws_secret_access_key": SECRET})) == PLAIN
    assert sign(collections.OrderedDict(AccessKeyId=AKID, SecretAccessKey=SECRET)) == PLAIN


@pytest.mark.parametrize(
    "mapping", [{}, {"aws_access_key_id": AKID}, {"aws_secret_access_key": SECRET}, {"access_key": AKID}]
)
def test_incomplete_mapping(mapping: dict[str, str]) -> None:
    with pytest.raises(CredentialsError) as raised:
        sign(mapping)
    assert raised.value.code == "INVALID_CREDENTIALS"
    assert "aws_access_key_id" in str(raised.value)


def test_mapping_values_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match="aws_access_key_id"):
        sign({"aws_access_key_id": 5, "aws_secret_access_key": SECRET})
    with pytest.raises(TypeError, match="SessionToken"):
        sign({"AccessKeyId": AKID, "SecretAccessKey": SECRET, "SessionToken": b"x"})


def test_frozen_credentials_shape() -> None:
    ReadOnly = collections.namedtuple("ReadOnly", ["access_key", "secret_key", "token"])
    assert sign(ReadOnly(ASIA, SECRET, TOKEN)) == TEMPORARY

    class Refreshable:
        def get_frozen_credentials(self) -> Any:
            return ReadOnly(AKID, SECRET, None)

    assert sign(Refreshable()) == PLAIN


def test_real_botocore_credentials() -> None:
    credentials = pytest.importorskip("botocore.credentials")
    static = credentials.Credentials(ASIA, SECRET, TOKEN)
    assert sign(static) == TEMPORARY
    assert sign(static.get_frozen_credentials()) == TEMPORARY
    refreshable = credentials.RefreshableCredentials.create_from_metadata(
        metadata={"access_key": AKID, "secret_key": SECRET, "token": None,
                  "expiry_time": "2999-01-01T00:00:00Z"},
        refresh_using=lambda: {}, method="test",
    )
    assert sign(refreshable) == PLAIN


def test_botocore_static_credentials_are_read_on_every_call() -> None:
    # botocore's own Credentials class is read attribute by attribute (what its
    # get_frozen_credentials() returns); a change between calls is seen, and a subclass that
    # overrides get_frozen_credentials() is asked through it.
    credentials = pytest.importorskip("botocore.credentials")
    static = credentials.Credentials(AKID, SECRET)
    assert sign(static) == PLAIN
    static.access_key, static.token = ASIA, TOKEN
    assert sign(static) == TEMPORARY
    static.secret_key = SECRET[::-1]
    assert sign(static) == sign(auroraiam.Credentials(ASIA, SECRET[::-1], TOKEN))

    class Rotating(credentials.Credentials):  # type: ignore[misc]
        def get_frozen_credentials(self) -> Any:
            return credentials.ReadOnlyCredentials(AKID, SECRET, None, None)

    assert sign(Rotating(ASIA, "not-used", TOKEN)) == PLAIN


def test_real_botocore_session_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    session = pytest.importorskip("botocore.session")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ASIA)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    assert sign(session.get_session().get_credentials()) == TEMPORARY


def test_environment_when_credentials_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CredentialsError) as raised:
        sign(None)
    assert raised.value.code == "CREDENTIALS_NOT_FOUND"
    if _has_default_chain():  # the default chain: every source it tried (conftest disables them)
        assert "environment" in str(raised.value) and "instance metadata" in str(raised.value)
    else:
        assert "AWS_ACCESS_KEY_ID" in str(raised.value)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    with pytest.raises(CredentialsError) as raised:
        sign(None)
    assert raised.value.code == "CREDENTIALS_NOT_FOUND"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    assert sign(None) == PLAIN
    assert auroraiam.generate_auth_token(HOST, 5432, "app_user", signing_time=AT) == PLAIN
    # Changes to os.environ are seen by the next call (no stale cached credentials).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ASIA)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    assert sign(None) == TEMPORARY
    monkeypatch.setenv("AWS_SESSION_TOKEN", "")
    assert sign(None) == sign(auroraiam.Credentials(ASIA, SECRET))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "bad\x01" * 300)
    with pytest.raises(CredentialsError) as raised:
        sign(None)
    assert raised.value.code == "INVALID_CREDENTIALS" and "bad" not in str(raised.value)


def test_alternating_credentials_never_reuse_the_wrong_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    other_secret = SECRET[::-1]
    other = sign(auroraiam.Credentials(AKID, other_secret))
    assert other != PLAIN
    for _ in range(3):
        assert sign({"aws_access_key_id": AKID, "aws_secret_access_key": other_secret}) == other
        assert sign(None) == PLAIN
        assert sign({"aws_access_key_id": ASIA, "aws_secret_access_key": SECRET, "aws_session_token": TOKEN}) == TEMPORARY
        expiring = {"AccessKeyId": AKID, "SecretAccessKey": SECRET, "Expiration": AT}
        with pytest.raises(CredentialsError):
            sign(expiring)
        assert sign({**expiring, "Expiration": AT + 1}) == PLAIN


def test_credential_errors_are_not_value_errors() -> None:
    with pytest.raises(CredentialsError) as raised:
        sign({"aws_access_key_id": "", "aws_secret_access_key": SECRET})
    assert not isinstance(raised.value, (ValueError, InvalidParameterError))
