"""The shared bad-input table (tests/bad_inputs.json): every case raises an AuroraIamError
with its exact ``.code``. The same table runs through the Rust core, C, Node and the CLI."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

import auroraiam
from auroraiam import AuroraIamError

TABLE = pathlib.Path(__file__).resolve().parents[3] / "tests" / "bad_inputs.json"
CASES: list[dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]


def run(c: dict[str, Any]) -> object:
    if c["op"] == "generate":
        creds = auroraiam.Credentials(c["access_key_id"], c["secret_access_key"], c["session_token"])
        if c["kind"] == "rds":
            return auroraiam.generate_auth_token(
                c["hostname"], c["port"], c["username"], c["region"],
                credentials=creds, expires_in=c["expires_in"], signing_time=c["signing_time"])
        return auroraiam.generate_dsql_token(
            c["hostname"], c["region"], admin=c["kind"] == "dsql-admin",
            credentials=creds, expires_in=c["expires_in"], signing_time=c["signing_time"])
    if c["op"] == "parse":
        return auroraiam.parse_token(c["token"])
    options: dict[str, Any] = {k: c[k] for k in ("expect_kind", "expect_hostname", "expect_port",
                                                 "expect_username", "expect_region")}
    if c["max_clock_skew"] is not None:
        options["max_clock_skew"] = c["max_clock_skew"]
    return auroraiam.verify_token(c["token"], {c["access_key_id"]: c["secret_access_key"]}, now=c["now"], **options)


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_fails_with_its_code(case: dict[str, Any]) -> None:
    with pytest.raises(AuroraIamError) as raised:
        run(case)
    assert raised.value.code == case["expected_error"], f"{case['description']}: {raised.value!r}"
    # Messages never carry the secret.
    if case.get("secret_access_key"):
        assert case["secret_access_key"] not in str(raised.value)
