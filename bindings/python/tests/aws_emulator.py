"""The loopback emulator of the AWS credential endpoints (tests/emulators/aws_endpoints.py) as
pytest fixtures, for the tests that reach the default credential chain.

`emulator` starts one emulator for the session (stopped by closing its stdin). `imds` points the
chain's instance-metadata source at it, on top of conftest's hermetic environment (no AWS_*
variable, empty shared files), resets its configuration and stats, and rebuilds the process-wide
chain so the new endpoint is used.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from auroraiam._auroraiam import _reset_default_chain

from conftest import REPO

SCRIPT = REPO / "tests" / "emulators" / "aws_endpoints.py"


@dataclass
class Emulator:
    url: str

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def config(self, **settings: Any) -> None:
        status, answer = self.call("POST", "/_control/config", settings)
        assert status == 200, answer

    def reset(self) -> None:
        assert self.call("POST", "/_control/reset", {})[0] == 200

    def stats(self) -> dict[str, int]:
        return self.call("GET", "/_control/stats")[1]  # type: ignore[no-any-return]

    def minted(self, access_key_id: str) -> dict[str, Any] | None:
        """secret, session_token, expiration_epoch of credentials the emulator minted, else None."""
        status, answer = self.call("GET", f"/_control/secret/{access_key_id}")
        return answer if status == 200 else None  # type: ignore[no-any-return]


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    process = subprocess.Popen([sys.executable, str(SCRIPT), "--port", "0"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("PORT "), f"the emulator printed {line!r} instead of its port"
        yield Emulator(f"http://127.0.0.1:{int(line[5:])}")
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def imds(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", emulator.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", emulator.url)  # never the real STS
    emulator.reset()
    _reset_default_chain()
    yield emulator
    emulator.reset()
    _reset_default_chain()
