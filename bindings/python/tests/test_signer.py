"""Signer and DsqlSigner with explicit credentials: every credentials= form, the cache and its
expiry rule, callables and botocore objects asked at each fetch, errors, repr without secrets.
(The default chain is in test_default_chain.py.)"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import auroraiam
from auroraiam import (
    AuroraIamError,
    CredentialsError,
    DsqlSigner,
    InvalidParameterError,
    Signer,
    parse_token,
    verify_token,
)

from auroraiam._auroraiam import _has_default_chain

from conftest import AKID, DSQL_HOST, HOST, SECRET

ASIA = "ASIAIOSFODNN7EXAMPLE"
SESSION = "IQoJb3JpZ2luX2VjEXAMPLE/+=" * 32
CREDS = auroraiam.Credentials(AKID, SECRET)


def rds(**options: Any) -> Signer:
    options.setdefault("credentials", CREDS)
    return Signer(HOST, 5432, "app_user", **options)


def same_as_one_shot(token: str, credentials: Any) -> None:
    """The signer's token is the free function's for the same inputs and second."""
    info = parse_token(token)
    if info.kind == "rds":
        again = auroraiam.generate_auth_token(info.hostname, info.port, info.username, info.region,  # type: ignore[arg-type]
                                              credentials=credentials, expires_in=info.expires_in,
                                              signing_time=info.signing_time)
    else:
        again = auroraiam.generate_dsql_token(info.hostname, info.region, admin=info.kind == "dsql-admin",
                                              credentials=credentials, expires_in=info.expires_in,
                                              signing_time=info.signing_time)
    assert token == again


def test_signer_makes_the_one_shot_token_and_caches_it() -> None:
    signer = rds()
    token = signer.get_token()
    same_as_one_shot(token, CREDS)
    assert abs(parse_token(token).signing_time.timestamp() - time.time()) < 5
    for _ in range(100):
        assert signer.get_token() is token or signer.get_token() == token
    got, expires_at = signer.get_token_with_expiry()
    assert got == token and expires_at == parse_token(token).expires_at
    assert signer._credential_fetch_count == 1
    verify_token(token, {AKID: SECRET}, expect_hostname=HOST, expect_port=5432, expect_username="app_user")


def test_dsql_signer() -> None:
    user = DsqlSigner(DSQL_HOST, credentials=CREDS, expires_in=3600)
    admin = DsqlSigner(DSQL_HOST, "us-east-1", admin=True, credentials=CREDS)
    u, a = user.get_token(), admin.get_token()
    assert "Action=DbConnect&" in u and "X-Amz-Expires=3600" in u
    assert "Action=DbConnectAdmin&" in a
    same_as_one_shot(u, CREDS)
    same_as_one_shot(a, CREDS)
    verify_token(a, {AKID: SECRET}, expect_kind="dsql-admin")
    with pytest.raises(InvalidParameterError) as raised:
        DsqlSigner(DSQL_HOST, credentials=CREDS, expires_in=604801)
    assert raised.value.code == "INVALID_EXPIRES_IN"


@pytest.mark.parametrize("form", [
    CREDS,
    {"aws_access_key_id": AKID, "aws_secret_access_key": SECRET},
    {"AccessKeyId": AKID, "SecretAccessKey": SECRET, "Expiration": datetime(9999, 1, 1, tzinfo=timezone.utc)},
    lambda: CREDS,
    lambda: {"aws_access_key_id": AKID, "aws_secret_access_key": SECRET},
], ids=["Credentials", "boto3 mapping", "STS mapping", "callable", "callable mapping"])
def test_every_credentials_form(form: Any) -> None:
    token = rds(credentials=form).get_token()
    verify_token(token, {AKID: SECRET})
    same_as_one_shot(token, CREDS)


def test_default_margin_is_the_cores() -> None:
    assert "refresh_margin=60" in repr(rds())
    assert "refresh_margin=60" in repr(rds(refresh_margin=None))
    # Short tokens: half their lifetime (a 60 s margin would leave nothing to hand out).
    short = rds(expires_in=60)
    assert "expires_in=60, refresh_margin=30" in repr(short)
    verify_token(short.get_token(), {AKID: SECRET})
    assert "refresh_margin=0" in repr(rds(expires_in=1))
    assert "refresh_margin=5" in repr(DsqlSigner(DSQL_HOST, credentials=CREDS, expires_in=10))


def test_token_never_outlives_its_credentials() -> None:
    # Credentials expiring in 10 minutes: the token's effective expiry is theirs.
    expiry = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=10)
    signer = rds(credentials=auroraiam.Credentials(ASIA, SECRET, SESSION, expiry))
    token, expires_at = signer.get_token_with_expiry()
    assert expires_at == expiry
    assert parse_token(token).expires_at > expiry  # the token itself would live longer
    # Fixed credentials that expire within the margin cannot make a usable token.
    soon = datetime.now(timezone.utc) + timedelta(seconds=30)
    with pytest.raises(CredentialsError) as raised:
        rds(credentials=auroraiam.Credentials(ASIA, SECRET, SESSION, soon)).get_token()
    assert raised.value.code == "CREDENTIALS_EXPIRED"
    assert SECRET not in str(raised.value) and SESSION[:20] not in str(raised.value)
    # With a shorter margin they can.
    rds(credentials=auroraiam.Credentials(ASIA, SECRET, SESSION, soon), refresh_margin=10).get_token()


def test_callable_is_called_at_each_fetch_and_rotates() -> None:
    calls: list[int] = []

    def provider() -> dict[str, Any]:
        calls.append(1)
        # 20 s credentials, margin 15: each can be used for about 5 s, so a rotation needs a
        # new call; the second call returns different keys.
        key = AKID if len(calls) == 1 else ASIA
        return {"AccessKeyId": key, "SecretAccessKey": SECRET, "SessionToken": SESSION,
                "Expiration": time.time() + 20}

    signer = rds(credentials=provider, refresh_margin=15)
    first = signer.get_token()
    for _ in range(10):
        assert signer.get_token() == first
    assert len(calls) == 1
    signer.invalidate()
    second = signer.get_token()
    assert len(calls) == 2 and parse_token(second).access_key_id == ASIA
    verify_token(second, {ASIA: SECRET})


def test_callable_failures_are_credentials_errors_with_the_cause() -> None:
    class VaultSealed(Exception):
        pass

    def sealed() -> Any:
        raise VaultSealed("sealed")

    with pytest.raises(CredentialsError) as raised:
        rds(credentials=sealed).get_token()
    e = raised.value
    assert e.code == "CREDENTIALS_PROVIDER_FAILED"
    assert "VaultSealed" in str(e) and "sealed" in repr(e.__cause__)
    assert isinstance(e.__cause__, VaultSealed)

    with pytest.raises(CredentialsError) as raised:
        rds(credentials=lambda: 42).get_token()
    assert raised.value.code == "CREDENTIALS_PROVIDER_FAILED"
    assert isinstance(raised.value.__cause__, TypeError) and "int" in str(raised.value)

    with pytest.raises(CredentialsError) as raised:
        rds(credentials=lambda: None).get_token()
    assert raised.value.code == "CREDENTIALS_NOT_FOUND"

    # Malformed credentials keep their own code (and say which field).
    with pytest.raises(CredentialsError) as raised:
        rds(credentials=lambda: {"aws_access_key_id": "", "aws_secret_access_key": SECRET}).get_token()
    assert raised.value.code == "INVALID_CREDENTIALS"
    with pytest.raises(CredentialsError) as raised:
        rds(credentials=lambda: {"aws_access_key_id": AKID}).get_token()
    assert raised.value.code == "INVALID_CREDENTIALS"
    assert SECRET not in str(raised.value)


def test_callable_failure_is_not_cached() -> None:
    fail = [True]

    def flaky() -> auroraiam.Credentials:
        if fail[0]:
            raise ConnectionError("try again")
        return CREDS

    signer = rds(credentials=flaky)
    with pytest.raises(CredentialsError):
        signer.get_token()
    fail[0] = False
    verify_token(signer.get_token(), {AKID: SECRET})


def test_callable_runs_in_a_worker_thread_for_get_token_async() -> None:
    where: list[str] = []

    def provider() -> auroraiam.Credentials:
        where.append(threading.current_thread().name)
        time.sleep(0.3)
        return CREDS

    signer = rds(credentials=provider)

    async def main() -> tuple[str, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        token = await signer.get_token_async()
        task.cancel()
        return token, ticks

    token, ticks = asyncio.run(main())
    verify_token(token, {AKID: SECRET})
    assert where and where[0] != threading.main_thread().name
    assert ticks >= 10, ticks
    assert asyncio.run(signer.get_token_async()) == token  # a cache hit
    assert len(where) == 1


def test_many_threads_share_one_callable_fetch() -> None:
    calls: list[int] = []

    def slow() -> auroraiam.Credentials:
        calls.append(1)
        time.sleep(0.2)
        return CREDS

    signer = rds(credentials=slow)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(signer.get_token())) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(tokens) == 16 and len(set(tokens)) <= 2  # racing threads may sign at two seconds
    assert len(calls) == 1


def test_real_botocore_credentials_objects() -> None:
    credentials = pytest.importorskip("botocore.credentials")
    static = credentials.Credentials(AKID, SECRET)
    verify_token(rds(credentials=static).get_token(), {AKID: SECRET})
    frozen = static.get_frozen_credentials()  # a ReadOnlyCredentials namedtuple
    verify_token(rds(credentials=frozen).get_token(), {AKID: SECRET})

    refreshes: list[int] = []
    expiry = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1)

    def refresh() -> dict[str, str]:
        refreshes.append(1)
        key = ASIA if len(refreshes) == 1 else "ASIAROTATEDEXAMPLE12"
        return {"access_key": key, "secret_key": SECRET, "token": SESSION, "expiry_time": expiry.isoformat()}

    refreshable = credentials.RefreshableCredentials.create_from_metadata(
        metadata=refresh(), refresh_using=refresh, method="test")
    signer = rds(credentials=refreshable)
    token, expires_at = signer.get_token_with_expiry()
    verify_token(token, {ASIA: SECRET})
    assert parse_token(token).has_session_token
    assert expires_at == parse_token(token).expires_at  # the credentials outlive the token
    # botocore's expiry is honoured: credentials expiring in 12 minutes cut the token short
    # (botocore refreshes them, within its 15-minute advisory window, to the same expiry).
    soon = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=12)
    short_metadata = {"access_key": ASIA, "secret_key": SECRET, "token": SESSION, "expiry_time": soon.isoformat()}
    short = credentials.RefreshableCredentials.create_from_metadata(
        metadata=short_metadata, refresh_using=lambda: short_metadata, method="test")
    assert rds(credentials=short).get_token_with_expiry()[1] == soon
    # Each fetch asks botocore again, so a rotation shows up after invalidate().
    refreshable._expiry_time = datetime.now(timezone.utc)  # due: botocore refreshes on the next ask
    signer.invalidate()
    assert parse_token(signer.get_token()).access_key_id == "ASIAROTATEDEXAMPLE12"


@pytest.mark.skipif(_has_default_chain(), reason="the slim build (--no-default-features) only")
def test_slim_build_refuses_profiles() -> None:
    with pytest.raises(CredentialsError) as raised:
        rds(credentials=None, profile="dev")
    assert raised.value.code == "CREDENTIALS_NOT_FOUND" and "credential-chain" in str(raised.value)
    assert repr(rds(credentials=None)).endswith("credentials=<environment>)")


def test_environment_when_credentials_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    verify_token(rds(credentials=None).get_token(), {AKID: SECRET})
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    with pytest.raises(CredentialsError) as raised:
        rds(credentials=None).get_token()  # conftest leaves nothing else to find
    assert raised.value.code == "CREDENTIALS_NOT_FOUND"


def test_repr_shows_no_secret() -> None:
    signer = rds(credentials=auroraiam.Credentials(ASIA, SECRET, SESSION))
    signer.get_token()
    text = repr(signer)
    assert text == ("auroraiam.Signer(hostname='mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com', port=5432, "
                    "username='app_user', region='us-east-1', expires_in=900, refresh_margin=60, "
                    "credentials=<static>)")
    dsql = DsqlSigner(DSQL_HOST, admin=True, credentials=lambda: CREDS, refresh_margin=30)
    assert repr(dsql).startswith(f"auroraiam.DsqlSigner(hostname='{DSQL_HOST}', region='us-east-1', admin=True, "
                                 "expires_in=900, refresh_margin=30, credentials=<callable ")
    for text in (repr(signer), repr(dsql), str(signer)):
        assert SECRET not in text and SESSION[:20] not in text and "Signature" not in text


def test_signers_are_typed_classes() -> None:
    assert isinstance(rds(), auroraiam._auroraiam._Signer)
    assert issubclass(DsqlSigner, auroraiam._auroraiam._Signer)
    assert asyncio.iscoroutinefunction(Signer.get_token_async)
    with pytest.raises(AttributeError):
        rds().hostname = "x"  # type: ignore[attr-defined]


@pytest.mark.parametrize("kwargs, error, code", [
    (dict(refresh_margin=900), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(refresh_margin=-1), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(refresh_margin=10**30), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(refresh_margin=1.5), TypeError, None),
    (dict(expires_in=901), InvalidParameterError, "INVALID_EXPIRES_IN"),
    (dict(expires_in=True), TypeError, None),
    (dict(profile="dev"), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(credentials=42), TypeError, None),
    (dict(credentials="AKID"), TypeError, None),
    (dict(credentials={"aws_access_key_id": AKID}), CredentialsError, "INVALID_CREDENTIALS"),
    (dict(credentials=None, profile=""), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(credentials=None, profile="a\0b"), InvalidParameterError, "INVALID_ARGUMENT"),
    (dict(credentials=None, profile=b"dev"), TypeError, None),
], ids=repr)
def test_bad_constructor_arguments(kwargs: dict[str, Any], error: type[Exception], code: str | None) -> None:
    if not _has_default_chain() and isinstance(kwargs.get("profile"), str) and kwargs.get("credentials", 1) is None:
        # A build without the chain refuses any profile= (it could not read one).
        error, code = CredentialsError, "CREDENTIALS_NOT_FOUND"
    with pytest.raises(error) as raised:
        rds(**kwargs)
    if code is not None:
        assert raised.value.code == code, raised.value  # type: ignore[attr-defined]


@pytest.mark.parametrize("args, code", [
    (("", 5432, "u"), "INVALID_HOSTNAME"),
    ((HOST, 0, "u"), "INVALID_PORT"),
    ((HOST, 10**100, "u"), "INVALID_PORT"),
    ((HOST, 5432, ""), "INVALID_USERNAME"),
    ((HOST, 5432, "u", "nowhere"), "INVALID_REGION"),
    (("10.0.0.1", 5432, "u"), "REGION_REQUIRED"),
    (("h\udc80", 5432, "u"), "INVALID_UTF8"),
    (("x" * 1024 * 1024, 5432, "u"), "INVALID_HOSTNAME"),
    ((HOST + "\0", 5432, "u"), "INVALID_HOSTNAME"),
])
def test_bad_endpoint_is_refused_at_construction(args: tuple[Any, ...], code: str) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        Signer(*args, credentials=CREDS)
    assert raised.value.code == code
    if code == "INVALID_PORT":
        assert str(args[1])[:40] in str(raised.value)


def test_wrong_types_at_construction() -> None:
    for args in [(None, 5432, "u"), (HOST, "5432", "u"), (HOST, True, "u"), (HOST, 5432, None), (HOST, 5432, "u", 1)]:
        with pytest.raises(TypeError):
            Signer(*args, credentials=CREDS)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        DsqlSigner(DSQL_HOST, admin=1, credentials=CREDS)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Signer(HOST, 5432, "u", "us-east-1", CREDS)  # type: ignore[misc]


def test_errors_are_auroraiam_errors() -> None:
    with pytest.raises(AuroraIamError):
        rds(credentials=lambda: None).get_token()
