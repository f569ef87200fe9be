"""Shared helpers: the conformance vectors (read in place from tests/vectors/) and AWS env isolation."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from auroraiam._auroraiam import _reset_default_chain

REPO = Path(__file__).resolve().parents[3]
VECTORS = REPO / "tests" / "vectors"
EXAMPLES = REPO / "examples" / "python"

HOST = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
DSQL_HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"
AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
AT = 1_795_694_400  # 2026-11-26T12:00:00Z

AWS_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case of every vector file (package.json & co. are not vector files)."""
    cases = []
    for path in sorted(VECTORS.glob("*.json")):
        if path.name in ("package.json", "package-lock.json"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["format"] == 1, path
        cases.extend((path.name, case) for case in data["cases"])
    return cases


CASES = load_cases()
TOKEN_CASES = [c for _, c in CASES if "expected_token" in c]
ERROR_CASES = [c for _, c in CASES if "expected_error" in c]


def case_id(case: dict[str, Any]) -> str:
    return str(case["id"])


@pytest.fixture(scope="session")
def empty_aws_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HOME with no .aws, and empty shared config and credentials files."""
    path = tmp_path_factory.mktemp("aws")
    (path / "home").mkdir()
    (path / "config").write_text("")
    (path / "credentials").write_text("")
    return path


@pytest.fixture(autouse=True)
def no_aws_env(monkeypatch: pytest.MonkeyPatch, empty_aws_dir: Path) -> Iterator[None]:
    """No test sees the developer's or CI's AWS configuration unless it sets it: no AWS_*
    variable, empty shared files, no instance metadata service; credentials=None then finds
    nothing. The process-wide default chain is rebuilt for each test's environment."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(empty_aws_dir / "home"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty_aws_dir / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty_aws_dir / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    _reset_default_chain()
    yield
    _reset_default_chain()


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)


def pytest_report_header(config: pytest.Config) -> list[str]:
    import auroraiam

    return [
        f"auroraiam {auroraiam.__version__} from {os.path.dirname(auroraiam.__file__)}",
        f"vectors: {len(TOKEN_CASES)} token cases, {len(ERROR_CASES)} error cases in {VECTORS}",
    ]
