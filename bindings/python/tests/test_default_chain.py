"""credentials=None: the default credential chain, here against the loopback IMDSv2 emulator.

Tokens verify with the secret the emulator minted; credentials are fetched once per rotation
for the whole process (free functions and signers, any number of threads); asyncio keeps
running during a slow fetch; a down or refusing endpoint gives a clear, bounded error.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timezone
from typing import Any

import pytest

import auroraiam
from auroraiam import CredentialsError, DsqlSigner, Signer, parse_token, verify_token
from auroraiam._auroraiam import _has_default_chain

from aws_emulator import Emulator, closed_port, emulator, imds  # noqa: F401 (fixtures)
from conftest import AKID, DSQL_HOST, HOST, SECRET

pytestmark = pytest.mark.skipif(not _has_default_chain(), reason="built without the credential-chain feature")


def verify_minted(emulator: Emulator, token: str, now: float | None = None, **expect: Any) -> dict[str, Any]:
    """The token verifies with the secret the emulator minted for its access key id."""
    info = parse_token(token)
    minted = emulator.minted(info.access_key_id)
    assert minted is not None, f"the emulator did not mint {info.access_key_id}"
    at = int(time.time() if now is None else now)
    verify_token(token, {info.access_key_id: minted["secret"]}, now=at, expect_region="us-east-1", **expect)
    assert info.has_session_token
    return minted


def rds_signer(**options: Any) -> Signer:
    return Signer(HOST, 5432, "app_user", **options)


def test_signer_gets_credentials_from_imds_and_the_token_verifies(imds: Emulator) -> None:
    signer = rds_signer()
    token, expires_at = signer.get_token_with_expiry()
    assert "X-Amz-Credential=ASIA" in token
    minted = verify_minted(imds, token, expect_hostname=HOST, expect_port=5432, expect_username="app_user")
    info = parse_token(token)
    # Byte-identical to the one-shot token for the same credentials and second.
    same = auroraiam.generate_auth_token(
        HOST, 5432, "app_user", credentials=auroraiam.Credentials(info.access_key_id, minted["secret"],
                                                                   minted["session_token"]),
        signing_time=info.signing_time)
    assert token == same
    # The effective expiry is the earlier of the token's and the credentials' (900 s each here).
    want = min(info.expires_at, datetime.fromtimestamp(minted["expiration_epoch"], timezone.utc))
    assert expires_at == want and expires_at.tzinfo is not None
    # Cached: the same token, no new fetch; the free functions share the process-wide credentials.
    for _ in range(50):
        assert signer.get_token() == token
    free = auroraiam.generate_auth_token(HOST, 5432, "app_user")
    assert parse_token(free).access_key_id == info.access_key_id
    verify_minted(imds, auroraiam.generate_dsql_token(DSQL_HOST), expect_kind="dsql")
    other = rds_signer(expires_in=300)
    assert parse_token(other.get_token()).access_key_id == info.access_key_id
    assert imds.stats()["imds"] == 1
    assert signer._credential_fetch_count == 1


def test_dsql_signer_and_free_functions_use_the_chain(imds: Emulator) -> None:
    admin = DsqlSigner(DSQL_HOST, admin=True, expires_in=3600)
    token = admin.get_token()
    assert "Action=DbConnectAdmin&" in token and "X-Amz-Expires=3600" in token
    verify_minted(imds, token, expect_kind="dsql-admin", expect_hostname=DSQL_HOST)
    for _ in range(3):
        verify_minted(imds, auroraiam.generate_auth_token(HOST, 5432, "app_user"), expect_kind="rds")
        verify_minted(imds, auroraiam.generate_db_auth_token(HOST, 5432, "app_user"))
    assert imds.stats()["imds"] == 1


def test_environment_credentials_come_first_and_are_read_at_each_call(imds: Emulator,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    assert parse_token(auroraiam.generate_auth_token(HOST, 5432, "app_user")).access_key_id == AKID
    assert parse_token(rds_signer().get_token()).access_key_id == AKID
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    verify_minted(imds, auroraiam.generate_auth_token(HOST, 5432, "app_user"))
    assert imds.stats()["imds"] == 1


def test_sixteen_threads_share_one_fetch_per_rotation(imds: Emulator) -> None:
    # Credentials live 8 s; with a 5 s margin each is handed out for about 3 s.
    imds.config(lifetime=8)
    signer = rds_signer(refresh_margin=5)
    seen: dict[str, list[float]] = {}
    lock = threading.Lock()
    stop = time.monotonic() + 7.0
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            while time.monotonic() < stop:
                token = signer.get_token()
                now = time.time()
                with lock:
                    first_last = seen.setdefault(token, [now, now])
                    first_last[1] = now
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=hammer) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    keys = set()
    for token, (first, last) in seen.items():
        minted = verify_minted(imds, token, now=last)
        # Never handed out with its credentials expiring within the margin (whole seconds).
        assert minted["expiration_epoch"] - last > 4, (minted["expiration_epoch"], last)
        keys.add(parse_token(token).access_key_id)
    # One fetch per rotation, not one per thread: 7 s of 3 s rotations.
    fetches = imds.stats()["imds"]
    assert fetches == len(keys), (fetches, keys)
    assert 2 <= fetches <= 4, fetches


def test_get_token_async_keeps_the_event_loop_running(imds: Emulator) -> None:
    imds.config(delay_ms=900)  # under the IMDS client's 1 s read timeout
    signer = rds_signer()

    async def main() -> tuple[str, int, float]:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        started = time.monotonic()
        try:
            token = await signer.get_token_async()
        finally:
            elapsed = time.monotonic() - started
            done.set()
            await task
        return token, ticks, elapsed

    token, ticks, elapsed = asyncio.run(main())
    verify_minted(imds, token)
    assert elapsed >= 0.85, elapsed
    # About 90 ticks of 10 ms; a blocked event loop would give one or two.
    assert ticks >= 30, (ticks, elapsed)

    # A cache hit is answered at once, without a worker thread.
    async def again() -> str:
        return await signer.get_token_async()

    started = time.monotonic()
    assert asyncio.run(again()) == token
    assert time.monotonic() - started < 0.5
    assert imds.stats()["imds"] == 1


def test_a_blocked_fetch_leaves_other_python_threads_running(imds: Emulator) -> None:
    imds.config(delay_ms=900)
    counter = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal counter
        while not stop.is_set():
            counter += 1

    t = threading.Thread(target=count)
    t.start()
    try:
        before = counter
        time.sleep(0.2)
        rate = (counter - before) / 0.2  # increments per second while this thread sleeps
        before, started = counter, time.monotonic()
        token = auroraiam.generate_auth_token(HOST, 5432, "app_user")
        during, elapsed = counter - before, time.monotonic() - started
    finally:
        stop.set()
        t.join()
    verify_minted(imds, token)
    assert elapsed >= 0.85, elapsed
    # The counting thread kept running while the free function waited for the fetch; with the
    # GIL held it would have had a switch interval or two (a few ms) of the 900.
    assert during > 0.3 * rate * elapsed, (during, rate, elapsed)


@pytest.mark.parametrize("failure", ["down", "denied"])
def test_endpoint_down_or_refusing_is_a_clear_bounded_error(imds: Emulator, monkeypatch: pytest.MonkeyPatch,
                                                           failure: str) -> None:
    if failure == "down":
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    else:
        imds.config(mode=failure)
    signer = rds_signer()
    for call in (signer.get_token, lambda: auroraiam.generate_auth_token(HOST, 5432, "app_user"),
                 lambda: asyncio.run(signer.get_token_async())):
        started = time.monotonic()
        with pytest.raises(CredentialsError) as raised:
            call()
        elapsed = time.monotonic() - started
        e = raised.value
        assert e.code in ("CREDENTIALS_PROVIDER_FAILED", "CREDENTIALS_NOT_FOUND"), e
        for source in ("environment", "profile", "web identity", "container", "instance metadata"):
            assert source in str(e), (source, str(e))
        assert elapsed < 25, elapsed
    # Failures are not cached: once the endpoint answers, the same signer works.
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url)
    imds.config(mode="ok")
    auroraiam._auroraiam._reset_default_chain()
    if failure == "down":
        signer = rds_signer()  # the chain reads its endpoint when built
    verify_minted(imds, signer.get_token())


def test_invalidate_refetches(imds: Emulator) -> None:
    signer = rds_signer()
    first = signer.get_token()
    signer.invalidate()
    second = signer.get_token()
    assert parse_token(first).access_key_id != parse_token(second).access_key_id
    verify_minted(imds, second)
    assert imds.stats()["imds"] == 2


def test_profile_selects_shared_file_credentials(imds: Emulator, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Any) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile dev]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTXXXXX")  # skipped with an explicit profile
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
    token = rds_signer(profile="dev").get_token()
    verify_token(token, {AKID: SECRET})
    assert "profile 'dev'" in repr(rds_signer(profile="dev")) or 'profile "dev"' in repr(rds_signer(profile="dev"))
    with pytest.raises(CredentialsError) as raised:
        rds_signer(profile="missing").get_token()
    assert raised.value.code == "CREDENTIALS_NOT_FOUND" and "missing" in str(raised.value)
    assert imds.stats()["imds"] == 0  # an explicit profile never falls through to the instance role
