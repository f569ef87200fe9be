"""Packaging: the installed wheel, its version, stubs (mypy stubtest), py.typed, examples."""

from __future__ import annotations

import inspect
import os
import py_compile
import re
import subprocess
import sys
from pathlib import Path

import pytest

import auroraiam

from conftest import EXAMPLES, REPO

PACKAGE = Path(auroraiam.__file__).parent


def test_imported_from_the_installed_wheel_not_the_source_tree() -> None:
    assert "site-packages" in PACKAGE.parts, PACKAGE
    assert (PACKAGE / "_errors.py").is_file()


def test_abi3_extension_stubs_and_py_typed() -> None:
    assert [p.name for p in PACKAGE.glob("_auroraiam*.so")] == ["_auroraiam.abi3.so"]
    assert (PACKAGE / "_auroraiam.pyi").is_file()
    assert (PACKAGE / "py.typed").is_file()


def test_version_is_the_workspace_version() -> None:
    text = (REPO / "Cargo.toml").read_text()
    section = text.split("[workspace.package]", 1)[1]
    match = re.search(r'^version\s*=\s*"([^"]+)"', section, re.M)
    assert match is not None
    assert auroraiam.__version__ == match.group(1)
    from importlib.metadata import version

    assert version("auroraiam") == match.group(1)


def test_public_names() -> None:
    assert sorted(auroraiam.__all__) == sorted([
        "AuroraIamError", "Credentials", "CredentialsError", "InvalidParameterError", "__version__",
        "generate_auth_token", "generate_db_auth_token", "generate_dsql_token",
        "TokenVerificationError", "TokenInfo", "Diagnostic", "parse_token", "diagnose_token", "verify_token",
        "redact_token", "Signer", "DsqlSigner",
        "rds_connect_policy", "dsql_connect_policy", "explain_policy", "create_user_sql", "CreateUserSql",
    ])
    for name in auroraiam.__all__:
        assert hasattr(auroraiam, name)
    assert type(auroraiam.Credentials).__name__ == "type"
    assert auroraiam.Credentials.__module__ == "auroraiam"


def test_signatures() -> None:
    assert str(inspect.signature(auroraiam.generate_auth_token)) == (
        "(hostname, port, username, region=None, *, credentials=None, expires_in=900, signing_time=None)"
    )
    assert str(inspect.signature(auroraiam.generate_dsql_token)) == (
        "(hostname, region=None, *, admin=False, credentials=None, expires_in=900, signing_time=None)"
    )


def test_boto3_compatible_signature_matches_botocore() -> None:
    signers = pytest.importorskip("botocore.signers")
    theirs = list(inspect.signature(signers.generate_db_auth_token).parameters)
    ours = list(inspect.signature(auroraiam.generate_db_auth_token).parameters)
    assert theirs[0] == "self"
    assert ours[: len(theirs) - 1] == theirs[1:] == ["DBHostname", "Port", "DBUsername", "Region"]


def mypy_env(tmp_path: Path) -> dict[str, str]:
    """mypy's cache goes to a temporary directory, not the source tree."""
    return {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "mypy-cache")}


def test_stubs_match_the_module(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    run = subprocess.run([sys.executable, "-m", "mypy.stubtest", "auroraiam"], capture_output=True, text=True,
                         timeout=300, env=mypy_env(tmp_path), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_typed_usage_checks_with_mypy(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    usage = tmp_path / "usage.py"
    usage.write_text(
        "from datetime import datetime, timezone\n"
        "import auroraiam\n"
        "c = auroraiam.Credentials('AKID', 'SECRET', expiry=datetime.now(timezone.utc))\n"
        "t: str = auroraiam.generate_auth_token('h', 5432, 'u', 'us-east-1', credentials=c, signing_time=1.5)\n"
        "d: str = auroraiam.generate_dsql_token('h', admin=True, credentials={'aws_access_key_id': 'a'})\n"
        "b: str = auroraiam.generate_db_auth_token(DBHostname='h', Port=1, DBUsername='u')\n"
        "try:\n    pass\nexcept auroraiam.InvalidParameterError as e:\n    code: str = e.code\n"
        "bad = auroraiam.generate_auth_token('h', '5432', 'u')\n"
    )
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(usage)],
                         capture_output=True, text=True, timeout=300, env=mypy_env(tmp_path), cwd=tmp_path)
    lines = [line for line in run.stdout.splitlines() if ": error:" in line]
    # Exactly one error: the str port on the last line.
    assert len(lines) == 1 and "usage.py:11:" in lines[0], run.stdout
    assert 'incompatible type "str"; expected "int"' in lines[0], run.stdout


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.py"))


def test_examples_exist() -> None:
    names = {p.name for p in example_files()}
    assert {"psycopg_connect.py", "sqlalchemy_engine.py", "asyncpg_connect.py", "pymysql_connect.py",
            "boto3_migration.py", "demo.py", "driver_integrations.py"} <= names, names


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_examples_compile(path: Path, tmp_path: Path) -> None:
    py_compile.compile(str(path), cfile=str(tmp_path / "x.pyc"), doraise=True)


def test_examples_check_with_mypy_strict(tmp_path: Path) -> None:
    # The examples as users copy them, against the installed package's types (py.typed) and the
    # drivers' own (drivers without type information are imported with an explicit ignore).
    pytest.importorskip("mypy")
    for driver in ("psycopg", "psycopg_pool", "sqlalchemy", "asyncpg", "pymysql", "aiomysql", "psycopg2"):
        pytest.importorskip(driver)
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, example_files())],
                         capture_output=True, text=True, timeout=300, env=mypy_env(tmp_path), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"no issues found in {len(example_files())} source files" in run.stdout, run.stdout


def test_import_and_first_token_load_no_other_modules() -> None:
    # Cold start: `import auroraiam` plus a first token should cost next to nothing over a bare
    # interpreter. Nothing beyond the package itself may be imported (no datetime, typing, ...).
    code = (
        "import sys; before = set(sys.modules); import auroraiam; "
        "auroraiam.generate_auth_token('db.cluster-x.us-east-1.rds.amazonaws.com', 5432, 'u', "
        "credentials={'aws_access_key_id': 'AKID', 'aws_secret_access_key': 'S'}); "
        "print(sorted(set(sys.modules) - before))"
    )
    run = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['auroraiam', 'auroraiam._auroraiam', 'auroraiam._errors']"
