"""Calling conventions of the token functions (METH_FASTCALL builtins): positional and keyword
binding, CPython-style TypeErrors, introspection, no reference leaks."""

from __future__ import annotations

import gc
import inspect
import sys
from typing import Any, Callable

import pytest

import auroraiam

from conftest import AKID, AT, DSQL_HOST, HOST, SECRET

CREDS = auroraiam.Credentials(AKID, SECRET)
REFERENCE = auroraiam.generate_auth_token(HOST, 5432, "app_user", "us-east-1", credentials=CREDS, signing_time=AT)


def test_every_binding_of_the_same_call() -> None:
    gen = auroraiam.generate_auth_token
    kw: dict[str, Any] = {"credentials": CREDS, "signing_time": AT}
    assert gen(HOST, 5432, "app_user", "us-east-1", **kw) == REFERENCE
    assert gen(HOST, 5432, "app_user", region="us-east-1", **kw) == REFERENCE
    assert gen(HOST, 5432, username="app_user", region="us-east-1", **kw) == REFERENCE
    assert gen(hostname=HOST, port=5432, username="app_user", region="us-east-1", **kw) == REFERENCE
    assert gen(signing_time=AT, credentials=CREDS, region="us-east-1", username="app_user", port=5432,
               hostname=HOST) == REFERENCE
    # Keyword names that are not interned strings (built at run time) bind all the same.
    built = {"".join(["cred", "entials"]): CREDS, "".join(["signing", "_time"]): AT}
    assert gen(HOST, 5432, "app_user", "us-east-1", **built) == REFERENCE
    assert gen(*[HOST, 5432, "app_user", "us-east-1"], **kw) == REFERENCE
    assert gen(HOST, 5432, "app_user", None, **kw) == gen(HOST, 5432, "app_user", **kw)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: auroraiam.generate_auth_token(HOST, 5432, "u", "us-east-1", CREDS),
         "generate_auth_token() takes at most 4 positional arguments (5 given)"),
        (lambda: auroraiam.generate_auth_token(HOST, 5432, "u", hostname=HOST),
         "generate_auth_token() got multiple values for argument 'hostname'"),
        (lambda: auroraiam.generate_auth_token(HOST, 5432, "u", Region="us-east-1"),
         "generate_auth_token() got an unexpected keyword argument 'Region'"),
        (lambda: auroraiam.generate_auth_token(HOST),
         "generate_auth_token() missing 2 required arguments: 'port', 'username'"),
        (lambda: auroraiam.generate_auth_token(),
         "generate_auth_token() missing 3 required arguments: 'hostname', 'port', 'username'"),
        (lambda: auroraiam.generate_dsql_token(DSQL_HOST, "us-east-1", True),
         "generate_dsql_token() takes at most 2 positional arguments (3 given)"),
        (lambda: auroraiam.generate_dsql_token(region="us-east-1"),
         "generate_dsql_token() missing 1 required argument: 'hostname'"),
        (lambda: auroraiam.generate_db_auth_token(HOST, 5432, "u", expires_in=900),
         "generate_db_auth_token() got an unexpected keyword argument 'expires_in'"),
        (lambda: auroraiam.generate_db_auth_token(HOST, 5432, DBHostname=HOST, DBUsername="u"),
         "generate_db_auth_token() got multiple values for argument 'DBHostname'"),
    ],
)
def test_binding_errors_read_like_cpython(call: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError) as raised:
        call()
    assert str(raised.value) == message


def test_non_string_keyword_names_are_rejected() -> None:
    with pytest.raises(TypeError):
        auroraiam.generate_auth_token(HOST, 5432, "u", **{1: 2})  # type: ignore[misc]


@pytest.mark.parametrize("name", ["generate_auth_token", "generate_dsql_token", "generate_db_auth_token"])
def test_introspection(name: str) -> None:
    function = getattr(auroraiam, name)
    assert function.__name__ == name
    assert function.__module__ == "auroraiam._auroraiam"
    assert function.__doc__ and "token" in function.__doc__
    assert inspect.isbuiltin(function)
    assert str(inspect.signature(function)).startswith("(")


def test_tokens_are_ordinary_strings_written_in_place() -> None:
    # The core writes each token straight into a new str (checked once at import); the result is
    # an ordinary str: equal, hashed and compared like one decoded from the same bytes.
    from auroraiam._auroraiam import _token_str_in_place

    assert _token_str_in_place()
    for token in (REFERENCE, auroraiam.generate_dsql_token(DSQL_HOST, credentials=CREDS, signing_time=AT)):
        copy = token.encode("ascii").decode("ascii")
        assert type(token) is str and token == copy and hash(token) == hash(copy)
        assert {token: 1}[copy] == 1 and token.isascii() and len(token) == len(copy)


def test_no_reference_leaks() -> None:
    host, user, region = "".join([HOST]), "".join(["app_user"]), "".join(["us-east-1"])
    mapping = {"aws_access_key_id": AKID, "aws_secret_access_key": SECRET}
    watched = [host, user, region, mapping, CREDS, AKID]

    def calls() -> None:
        for _ in range(2000):
            auroraiam.generate_auth_token(host, 5432, user, region, credentials=mapping, signing_time=AT)
            auroraiam.generate_auth_token(host, 5432, user, region=region, credentials=CREDS)
            auroraiam.generate_dsql_token(DSQL_HOST, region, admin=True, credentials=CREDS)
            with pytest.raises(auroraiam.InvalidParameterError):
                auroraiam.generate_auth_token(host, 0, user, region, credentials=CREDS)
            with pytest.raises(TypeError):
                auroraiam.generate_auth_token(host, 5432, user, region, CREDS)

    calls()
    gc.collect()
    before = [sys.getrefcount(o) for o in watched]
    calls()
    gc.collect()
    assert [sys.getrefcount(o) for o in watched] == before


def test_no_memory_growth() -> None:
    # Temporary Python objects made per call (UTF-8 copies of arguments, exceptions) are freed by
    # the call itself, not queued: memory stays flat over many calls.
    import tracemalloc

    mapping = {"aws_access_key_id": AKID, "aws_secret_access_key": SECRET}

    def calls(n: int) -> None:
        for _ in range(n):
            auroraiam.generate_auth_token(HOST, 5432, "app_user", "us-east-1", credentials=mapping, signing_time=AT)
            auroraiam.generate_dsql_token(DSQL_HOST, admin=True, credentials=CREDS)
            try:
                auroraiam.generate_auth_token(HOST, 0, "app_user", credentials=CREDS)
            except auroraiam.InvalidParameterError:
                pass

    calls(1000)
    tracemalloc.start()
    try:
        calls(100)
        before = tracemalloc.get_traced_memory()[0]
        calls(20_000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 256 * 1024, f"{grown} bytes still allocated after 20,000 calls"
