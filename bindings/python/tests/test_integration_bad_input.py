"""Bad input through every driver integration, no server needed: a missing host, a request for
no TLS, an unknown driver option and a password (argument, URL or DSN) each fail before any
connection attempt with ``auroraiam.InvalidParameterError`` naming the problem; none of the
messages holds a token or secret."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

import auroraiam

HOST = "mydb.cluster-x.us-east-1.rds.amazonaws.com"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDS = {"aws_access_key_id": "AKIAIOSFODNNEXAMPLE", "aws_secret_access_key": SECRET}
PG = {"host": HOST, "user": "app_user", "credentials": CREDS}
MY = {"host": HOST, "port": 3306, "user": "app_user", "credentials": CREDS}
NO_HOST = "host is missing"
PASSWORD = "password= must not be given|must not contain a password"


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls ``fn``; a coroutine (async connect / pool) is run to completion."""
    result = fn(*args, **kwargs)
    if inspect.isawaitable(result):
        async def wait() -> Any:
            return await result

        return asyncio.run(wait())
    return result


def mod(name: str) -> Any:
    """``auroraiam.<name>``, skipping the test when its driver is not installed."""
    driver = {"django_pg": "django", "django_mysql": "django"}.get(name, name)
    pytest.importorskip("psycopg" if driver == "psycopg" else driver)
    import importlib

    return importlib.import_module(f"auroraiam.{name}")


# (integration, problem, call, pattern): every integration, every problem.
CASES: list[tuple[str, str, Callable[[], Any], str]] = []


def case(integration: str, problem: str, pattern: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    def add(fn: Callable[[], Any]) -> Callable[[], Any]:
        CASES.append((integration, problem, fn, pattern))
        return fn
    return add


PG_NO_TLS = "sslmode=disable is refused"
MY_NO_TLS = "TLS cannot be turned off"
BOGUS = r"unknown .*option.* 'bogus'"
DSN = f"postgresql://app_user:hunter2@{HOST}/app"

# psycopg 3: connect, connect_async, connection_class, async_connection_class, pool_kwargs
for fn_name in ("connect", "connect_async", "connection_class", "async_connection_class", "pool_kwargs"):
    def psycopg_fn(name: str = fn_name) -> Any:
        return getattr(mod("psycopg"), name)
    case(f"psycopg.{fn_name}", "missing host", NO_HOST)(lambda f=psycopg_fn: call(f(), user="u", credentials=CREDS))
    case(f"psycopg.{fn_name}", "no TLS", PG_NO_TLS)(lambda f=psycopg_fn: call(f(), **PG, sslmode="disable"))
    case(f"psycopg.{fn_name}", "unknown option", BOGUS)(lambda f=psycopg_fn: call(f(), **PG, bogus=1))
    case(f"psycopg.{fn_name}", "password", PASSWORD)(lambda f=psycopg_fn: call(f(), **PG, password="hunter2"))
    case(f"psycopg.{fn_name}", "URL with a password", PASSWORD)(
        lambda f=psycopg_fn: call(f(), DSN, credentials=CREDS))

# psycopg2: connect and both pools
PSYCOPG2 = {"connect": lambda **kw: mod("psycopg2").connect(**kw),
            "ThreadedConnectionPool": lambda **kw: mod("psycopg2").ThreadedConnectionPool(1, 2, **kw),
            "SimpleConnectionPool": lambda **kw: mod("psycopg2").SimpleConnectionPool(1, 2, **kw)}
for name, make in PSYCOPG2.items():
    case(f"psycopg2.{name}", "missing host", NO_HOST)(lambda m=make: m(user="u", credentials=CREDS))
    case(f"psycopg2.{name}", "no TLS", PG_NO_TLS)(lambda m=make: m(**PG, sslmode="disable"))
    case(f"psycopg2.{name}", "unknown option", BOGUS)(lambda m=make: m(**PG, bogus=1))
    case(f"psycopg2.{name}", "password", PASSWORD)(lambda m=make: m(**PG, password="hunter2"))
    case(f"psycopg2.{name}", "URL with a password", PASSWORD)(lambda m=make: m(dsn=DSN, credentials=CREDS))

# asyncpg: connect and create_pool
for fn_name in ("connect", "create_pool"):
    def asyncpg_fn(name: str = fn_name) -> Any:
        return getattr(mod("asyncpg"), name)
    case(f"asyncpg.{fn_name}", "missing host", NO_HOST)(lambda f=asyncpg_fn: call(f(), user="u", credentials=CREDS))
    case(f"asyncpg.{fn_name}", "no TLS", PG_NO_TLS)(lambda f=asyncpg_fn: call(f(), **PG, sslmode="disable"))
    case(f"asyncpg.{fn_name}", "no TLS (ssl=False)", "TLS cannot be turned off")(
        lambda f=asyncpg_fn: call(f(), **PG, ssl=False))
    case(f"asyncpg.{fn_name}", "unknown option", BOGUS)(lambda f=asyncpg_fn: call(f(), **PG, bogus=1))
    case(f"asyncpg.{fn_name}", "password", PASSWORD)(lambda f=asyncpg_fn: call(f(), **PG, password="hunter2"))
    case(f"asyncpg.{fn_name}", "URL with a password", PASSWORD)(
        lambda f=asyncpg_fn: call(f(), dsn=DSN, credentials=CREDS))

# PyMySQL and aiomysql
MYSQL_FNS = {"pymysql.connect": lambda **kw: mod("pymysql").connect(**kw),
             "aiomysql.connect": lambda **kw: call(mod("aiomysql").connect, **kw),
             "aiomysql.create_pool": lambda **kw: call(mod("aiomysql").create_pool, **kw)}
for name, make in MYSQL_FNS.items():
    case(name, "missing host", NO_HOST)(lambda m=make: m(user="u", credentials=CREDS))
    case(name, "no TLS", MY_NO_TLS)(lambda m=make: m(**MY, ssl_disabled=True))
    case(name, "no TLS (ssl=False)", MY_NO_TLS)(lambda m=make: m(**MY, ssl=False))
    case(name, "unknown option", BOGUS)(lambda m=make: m(**MY, bogus=1))
    case(name, "password", PASSWORD)(lambda m=make: m(**MY, password="hunter2"))
    case(name, "password (passwd=)", r"passwd= must not be given")(lambda m=make: m(**MY, passwd="hunter2"))

# SQLAlchemy: every dialect, sync and async engines; problems in the URL or the keywords.
ENGINES = {"psycopg": ("postgresql", "create_engine"), "psycopg2": ("postgresql", "create_engine"),
           "asyncpg": ("postgresql", "create_async_engine"), "pymysql": ("mysql", "create_engine"),
           "aiomysql": ("mysql", "create_async_engine")}
for driver, (backend, factory) in ENGINES.items():
    def engine(url_tail: str, drv: str = driver, be: str = backend, fac: str = factory, **kw: Any) -> Any:
        pytest.importorskip("sqlalchemy")
        pytest.importorskip(drv)
        import auroraiam.sqlalchemy as sa

        return getattr(sa, fac)(f"{be}+{drv}://{url_tail}", credentials=CREDS, **kw)
    no_tls_kw = {"sslmode": "disable"} if backend == "postgresql" else {"ssl_disabled": True}
    no_tls_url = "?sslmode=disable" if backend == "postgresql" else "?ssl_disabled=true"
    name = f"sqlalchemy.{factory}({backend}+{driver})"
    case(name, "missing host", NO_HOST)(lambda e=engine: e("app_user@/app"))
    case(name, "no TLS (keyword)", PG_NO_TLS if backend == "postgresql" else MY_NO_TLS)(
        lambda e=engine, kw=no_tls_kw: e(f"app_user@{HOST}/app", **kw))
    case(name, "no TLS (URL)", PG_NO_TLS if backend == "postgresql" else MY_NO_TLS)(
        lambda e=engine, q=no_tls_url: e(f"app_user@{HOST}/app{q}"))
    case(name, "unknown option", r"'bogus'")(lambda e=engine: e(f"app_user@{HOST}/app", bogus=1))
    case(name, "URL with a password", PASSWORD)(lambda e=engine: e(f"app_user:hunter2@{HOST}/app"))


# Django: both backends, the problem in DATABASES.
def django_params(backend: str, **settings: Any) -> Any:
    pytest.importorskip("django")
    if backend == "mysql":
        pytest.importorskip("pymysql")
    else:
        pytest.importorskip("psycopg")
    from django.conf import settings as django_settings

    if not django_settings.configured:
        django_settings.configure(USE_TZ=True, DATABASES={})
    import importlib

    base = importlib.import_module(f"auroraiam.django.{backend}.base")
    options = {"credentials": CREDS, **settings.pop("OPTIONS", {})}
    entry = {"ENGINE": f"auroraiam.django.{backend}", "NAME": "app", "USER": "app_user", "PASSWORD": "",
             "HOST": HOST, "PORT": "", "OPTIONS": options, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
             "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TIME_ZONE": None, "TEST": {}, **settings}
    return base.DatabaseWrapper(entry, "default").get_connection_params()


for backend in ("postgresql", "mysql"):
    name = f"django.{backend}"
    case(name, "missing host", NO_HOST)(lambda b=backend: django_params(b, HOST=""))
    no_tls = {"sslmode": "disable"} if backend == "postgresql" else {"ssl_disabled": True}
    case(name, "no TLS", PG_NO_TLS if backend == "postgresql" else MY_NO_TLS)(
        lambda b=backend, o=no_tls: django_params(b, OPTIONS=o))
    case(name, "unknown option", BOGUS)(lambda b=backend: django_params(b, OPTIONS={"bogus": 1}))
    case(name, "PASSWORD", "DATABASES PASSWORD must not be set")(
        lambda b=backend: django_params(b, PASSWORD="hunter2"))
    case(name, "password in OPTIONS", PASSWORD)(lambda b=backend: django_params(b, OPTIONS={"password": "hunter2"}))


@pytest.mark.parametrize(("integration", "problem", "fn", "pattern"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_bad_input_is_a_clear_error(integration: str, problem: str, fn: Callable[[], Any], pattern: str) -> None:
    with pytest.raises(auroraiam.InvalidParameterError) as info:
        fn()
    message = str(info.value)
    assert re.search(pattern, message), f"{integration}, {problem}: {message!r}"
    assert info.value.code in ("INVALID_ARGUMENT", "INVALID_HOSTNAME")
    for secret in ("hunter2", SECRET, "X-Amz-Signature"):
        assert secret not in message and secret not in repr(info.value)


def test_every_integration_has_every_problem() -> None:
    problems: dict[str, set[str]] = {}
    for integration, problem, _, _ in CASES:
        problems.setdefault(integration, set()).add(problem.split(" (")[0])
    assert len(problems) == 5 + 3 + 2 + 3 + 5 + 2
    for integration, seen in problems.items():
        assert {"missing host", "no TLS", "unknown option"} <= seen, integration
        assert seen & {"password", "URL with a password", "PASSWORD"}, integration


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
def test_django_good_settings_pass_the_checks(backend: str) -> None:
    # The option checks know every key Django's own backend adds (client_encoding, conv, ...).
    params = django_params(backend, OPTIONS={"connect_timeout": 5})
    assert params["host"] == HOST and params["user"] == "app_user" and "password" not in params


@pytest.mark.parametrize("driver", list(ENGINES))
def test_sqlalchemy_good_settings_pass_the_checks(driver: str) -> None:
    backend, factory = ENGINES[driver]
    pytest.importorskip("sqlalchemy")
    pytest.importorskip(driver)
    import auroraiam.sqlalchemy as sa

    mode = "?sslmode=verify-full" if backend == "postgresql" else ""
    engine = getattr(sa, factory)(f"{backend}+{driver}://app_user@{HOST}/app{mode}", credentials=CREDS, pool_size=3)
    assert "X-Amz" not in repr(engine)
