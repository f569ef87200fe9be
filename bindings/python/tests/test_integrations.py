"""Driver integrations without a server: bad input gets clear errors before any connect, import
costs, and what is wired (the pools past expiry run in e2e/clients/py_pools.py, make test-e2e)."""

import subprocess
import sys

import pytest

import auroraiam

HOST = "mydb.cluster-x.us-east-1.rds.amazonaws.com"
CREDS = {"aws_access_key_id": "AKIAIOSFODNNEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


def test_import_auroraiam_imports_no_driver() -> None:
    code = ("import sys, auroraiam; bad = [m for m in ('psycopg', 'psycopg2', 'asyncpg', 'pymysql', 'aiomysql', "
            "'sqlalchemy', 'django') if m in sys.modules]; print(bad)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_psycopg_bad_input() -> None:
    pytest.importorskip("psycopg")
    from auroraiam.psycopg import connect, connection_class

    with pytest.raises(auroraiam.InvalidParameterError, match="host is missing"):
        connect(user="u", dbname="d", credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="sslmode=disable is refused"):
        connect(host=HOST, user="u", sslmode="disable", credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="unknown psycopg .libpq. connection option 'bogus'"):
        connection_class(host=HOST, user="u", bogus=1, credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="password= must not be given"):
        connect(host=HOST, user="u", password="x", credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="no such CA bundle"):
        connect(host=HOST, user="u", sslrootcert="/nonexistent/ca.pem", credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="region is required"):
        connect(host="127.0.0.1", user="u", credentials=CREDS)


def test_sqlalchemy_bad_input() -> None:
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    from auroraiam.sqlalchemy import create_engine

    with pytest.raises(auroraiam.InvalidParameterError, match="must not contain a password"):
        create_engine(f"postgresql+psycopg://u:secret@{HOST}/app", credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="host is missing"):
        create_engine("postgresql+psycopg://u@/app", credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="unknown create_engine option 'regoin'"):
        create_engine(f"postgresql+psycopg://u@{HOST}/app", credentials=CREDS, regoin="us-east-1")
    engine = create_engine(f"postgresql+psycopg://u@{HOST}/app", credentials=CREDS)
    assert "X-Amz" not in repr(engine)


def test_mysql_and_asyncpg_bad_input() -> None:
    pytest.importorskip("pymysql")
    from auroraiam.pymysql import connect

    with pytest.raises(auroraiam.InvalidParameterError, match="TLS cannot be turned off"):
        connect(host=HOST, port=3306, user="u", ssl_disabled=True, credentials=CREDS)
    with pytest.raises(auroraiam.InvalidParameterError, match="unknown PyMySQL connection option 'sslca'"):
        connect(host=HOST, port=3306, user="u", sslca="/x", credentials=CREDS)
    asyncpg = pytest.importorskip("asyncpg")
    import asyncio

    from auroraiam.asyncpg import connect as aconnect

    assert asyncpg
    with pytest.raises(auroraiam.InvalidParameterError, match="sslmode=prefer is refused"):
        asyncio.run(aconnect(host=HOST, user="u", sslmode="prefer", credentials=CREDS))


def test_dsql_cluster_id_and_admin() -> None:
    pytest.importorskip("psycopg")
    from auroraiam._integration import IamAuth

    auth = IamAuth("abcdefghijklmnopqrstuvwx12", None, "admin", default_port=5432, region="us-east-1", dsql=True,
                   credentials=CREDS)
    assert auth.host == "abcdefghijklmnopqrstuvwx12.dsql.us-east-1.on.aws" and auth.kind == "dsql-admin"
    assert "DbConnectAdmin" in auth.token()
    assert "X-Amz" not in repr(auth)


def test_aiomysql_pool_override_still_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    # aiomysql has no public per-connection hook: auroraiam.aiomysql overrides the private
    # Pool._fill_free_pool (the one place its pool opens connections, through the module-level
    # aiomysql.pool.connect) and the aiomysql extra is pinned to the versions where it is so. If
    # a new aiomysql moves it, this fails (instead of pools silently reusing a stale password).
    pytest.importorskip("aiomysql")
    import asyncio
    import inspect

    import aiomysql.pool as ap

    assert inspect.iscoroutinefunction(ap.Pool._fill_free_pool)
    assert list(inspect.signature(ap.Pool._fill_free_pool).parameters) == ["self", "override_min"]
    assert "**self._conn_kwargs" in inspect.getsource(ap.Pool._fill_free_pool)
    passwords: list[str] = []

    class FakeConnection:
        pass

    async def fake_connect(**kwargs: object) -> FakeConnection:
        passwords.append(str(kwargs.get("password")))
        return FakeConnection()

    monkeypatch.setattr(ap, "connect", fake_connect)
    from auroraiam.aiomysql import create_pool

    async def go() -> object:
        pool = await create_pool(host=HOST, port=3306, user="u", credentials=CREDS, minsize=1, maxsize=2)
        assert "password" not in pool._conn_kwargs  # only present while a connection is opened
        assert len(pool._free) == 1
        return pool

    pool = asyncio.run(go())
    assert len(passwords) == 1 and "X-Amz-Signature=" in passwords[0] and "DBUser=u" in passwords[0]
    assert "X-Amz" not in repr(pool)


def test_asyncpg_create_pool_outside_a_loop_is_a_clear_error() -> None:
    pytest.importorskip("asyncpg")
    from auroraiam.asyncpg import create_pool

    with pytest.raises(auroraiam.InvalidParameterError, match="inside the running event loop"):
        create_pool(host=HOST, user="u", credentials=CREDS)


def test_equal_arguments_share_one_cached_token() -> None:
    # auroraiam.psycopg.connect(...) called again with the same arguments must not build a new
    # signer (and sign a new token) per connection.
    from auroraiam._integration import IamAuth

    def auth(**options: object) -> IamAuth:
        return IamAuth.from_options(HOST, None, "u", 5432, dict(options))

    a = auth(credentials=dict(CREDS), expires_in=600)
    assert auth(credentials=dict(CREDS), expires_in=600) is a
    assert a.token() == auth(credentials=dict(CREDS), expires_in=600).token()
    assert auth(credentials=dict(CREDS), expires_in=300) is not a
    assert auth(credentials={**CREDS, "aws_secret_access_key": "other"}, expires_in=600) is not a
    fn = lambda: CREDS  # noqa: E731
    assert auth(credentials=fn) is auth(credentials=fn)
    assert auth(credentials=fn) is not auth(credentials=lambda: CREDS)
    assert IamAuth.from_options(HOST, None, "v", 5432, {"credentials": dict(CREDS)}) is not a


def test_no_token_or_secret_in_the_repr_of_pools_engines_and_auth() -> None:
    # Built without a server (no connection opened): what users print or log.
    pytest.importorskip("psycopg")
    pytest.importorskip("psycopg2")
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("asyncpg")
    import asyncio

    from psycopg_pool import ConnectionPool

    from auroraiam._integration import IamAuth
    from auroraiam.asyncpg import create_pool
    from auroraiam.psycopg import connection_class
    from auroraiam.psycopg2 import SimpleConnectionPool, ThreadedConnectionPool
    from auroraiam.sqlalchemy import create_async_engine, create_engine

    opts = {"host": HOST, "user": "u", "dbname": "app", "credentials": CREDS}
    auth = IamAuth.from_options(HOST, None, "u", 5432, {"credentials": CREDS})
    assert "X-Amz-Signature=" in auth.token()

    async def asyncpg_pool() -> str:
        return repr(create_pool(host=HOST, user="u", database="app", credentials=CREDS, min_size=0))

    shown = [
        repr(auth),
        repr(ConnectionPool(connection_class=connection_class(**opts), open=False)),
        repr(connection_class(**opts)),
        repr(ThreadedConnectionPool(0, 2, **opts)),
        repr(SimpleConnectionPool(0, 2, **opts)),
        repr(create_engine(f"postgresql+psycopg2://u@{HOST}/app", credentials=CREDS)),
        repr(create_async_engine(f"postgresql+asyncpg://u@{HOST}/app", credentials=CREDS)),
        asyncio.run(asyncpg_pool()),
    ]
    for text in shown:
        for secret in ("X-Amz", CREDS["aws_secret_access_key"], "Action=connect"):
            assert secret not in text, text
