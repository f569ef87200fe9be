"""Fault injection for the default credential chain through the Python Signer (docs/reliability.md):
the loopback emulator's IMDS endpoint resets the connection, stalls mid-body, answers 429,
garbage or a 16 MiB body; the ECS endpoint hands out credentials that already expired. Every case
is a CredentialsError with a specific code, naming the sources tried, without any secret, well
within the chain's 20 s timeout; the same signer then signs a token that verifies and does not
outlive its credentials. (The core test core/tests/credential_chain/faults.rs runs every endpoint,
the clock jumps and the timings.)
"""

from __future__ import annotations

import time

import pytest

import auroraiam
from auroraiam import CredentialsError, Signer

from aws_emulator import Emulator, emulator, imds  # noqa: F401 (fixtures)

HOST = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"


def verify(emulator: Emulator, token: str, expires_at: float) -> None:
    akid = auroraiam.parse_token(token).access_key_id
    minted = emulator.minted(akid)
    assert minted is not None, akid
    auroraiam.verify_token(token, {akid: minted["secret"]}, expect_hostname=HOST, expect_port=5432,
                           expect_username="app_user")
    assert expires_at <= minted["expiration_epoch"], "the token outlives its credentials"


@pytest.mark.parametrize("mode", ["reset", "stall", "throttle", "garbage", "huge"])
def test_imds_faults_are_a_specific_bounded_error(imds: Emulator, mode: str) -> None:
    imds.config(endpoints={"imds": {"mode": mode}})
    signer = Signer(HOST, 5432, "app_user")
    started = time.monotonic()
    with pytest.raises(CredentialsError) as raised:
        signer.get_token()
    elapsed = time.monotonic() - started
    e = raised.value
    assert e.code == "CREDENTIALS_PROVIDER_FAILED", e
    if mode == "huge":
        # The 16 MiB body is refused while it is read (256 KiB cap), unless the IMDS client's own
        # 1 s read timeout ends the read first (slow machine); either way well within a second.
        assert "the response body is longer than 262144 bytes" in str(e) or "timeout" in str(e).lower(), str(e)
        assert elapsed < 5, elapsed
    assert "EC2 instance metadata (IMDSv2): FAILED: " in str(e), str(e)
    for secret in ("fault/secret", "AAAAAAAAAAAAAAAA", "session=="):
        assert secret not in str(e)
    assert len(str(e)) < 4096
    assert elapsed < 20, elapsed
    # Not cached: the endpoint recovers and the same signer signs a good token.
    imds.config(endpoints={"imds": {"mode": "ok"}})
    token, expires_at = signer.get_token_with_expiry()
    verify(imds, token, expires_at.timestamp())


def test_expired_credentials_are_refused(imds: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", imds.url + "/ecs/credentials")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ecs-test-token")
    auroraiam._auroraiam._reset_default_chain()
    imds.config(endpoints={"ecs": {"lifetime": -120}})
    signer = Signer(HOST, 5432, "app_user")
    with pytest.raises(CredentialsError) as raised:
        signer.get_token()
    assert raised.value.code == "CREDENTIALS_EXPIRED", raised.value
    imds.config(endpoints={"ecs": {"lifetime": 900}})
    token, expires_at = signer.get_token_with_expiry()
    verify(imds, token, expires_at.timestamp())
