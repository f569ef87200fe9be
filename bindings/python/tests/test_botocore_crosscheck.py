"""Live cross-check against the installed botocore (beyond the committed vectors)."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from typing import Any
from unittest import mock

import pytest

import auroraiam

botocore_session = pytest.importorskip("botocore.session")


def botocore_token(host: str, port: int, user: str, region: str, creds: dict[str, Any], at: int) -> str:
    session = botocore_session.Session()
    session.set_config_variable("config_file", "/dev/null")
    client = session.create_client("rds", region_name=region, **creds)
    instant = datetime.fromtimestamp(at, timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=instant):
        return str(client.generate_db_auth_token(host, port, user, region))


def test_random_inputs_match_botocore() -> None:
    rng = random.Random(20161107)
    alphabet = "abcXYZ019-_.~ +/=&?#%@é日😀\t"
    for _ in range(25):
        host = f"db{rng.randrange(1000)}.cluster-{rng.randrange(10**6)}.eu-west-{rng.randint(1, 3)}.rds.amazonaws.com"
        user = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        port = rng.randint(1, 65535)
        region = host.split(".")[2]
        at = rng.randint(0, 4_102_444_800)
        creds: dict[str, Any] = {"aws_access_key_id": "ASIA" + str(rng.randrange(10**16)),
                                 "aws_secret_access_key": "".join(rng.choice("abc/+XYZ") for _ in range(40)),
                                 "aws_session_token": "tok/+=" * rng.randint(1, 100)}
        want = botocore_token(host, port, user, region, creds, at)
        assert auroraiam.generate_db_auth_token(host, port, user, credentials=creds, signing_time=at) == want
        assert auroraiam.generate_auth_token(host, port, user, region, credentials=creds, signing_time=at) == want
