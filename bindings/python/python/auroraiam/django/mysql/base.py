"""Django's MySQL backend; every new connection gets a current IAM token (sent with
``mysql_clear_password`` over TLS) and one retry with a forced-fresh token when refused.

Django's backend needs ``MySQLdb``; without mysqlclient installed, PyMySQL stands in for it
(``pymysql.install_as_MySQLdb()``)."""

from __future__ import annotations

from typing import Any

import importlib

try:
    importlib.import_module("MySQLdb")
except ImportError:
    import pymysql  # type: ignore

    pymysql.install_as_MySQLdb()

from django.db.backends.mysql import base as _mysql  # type: ignore  # noqa: E402

from auroraiam._integration import (  # noqa: E402
    check_ca_file, check_options, connect_with_retry, mysql_tls_refused, system_ssl_context,
)
from auroraiam.django._common import auth_for  # noqa: E402


def _check_options(params: dict[str, Any]) -> None:
    """With PyMySQL standing in for MySQLdb, an unknown OPTIONS key is an error naming it now,
    not a driver TypeError at connect time (mysqlclient's options are its own)."""
    import MySQLdb  # type: ignore

    if MySQLdb.__name__.startswith("pymysql") or getattr(MySQLdb, "__file__", "").find("pymysql") >= 0:
        from auroraiam.pymysql import _OPTIONS

        check_options(params, _OPTIONS | {"db", "passwd"}, "PyMySQL / DATABASES OPTIONS")


class DatabaseWrapper(_mysql.DatabaseWrapper):  # type: ignore[misc]
    """``django.db.backends.mysql``'s wrapper, with tokens instead of ``PASSWORD``."""

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        auth = auth_for(self.settings_dict, params, 3306)
        mysql_tls_refused(params)
        _check_options(params)
        ssl = dict(params.get("ssl") or {})
        check_ca_file(ssl.get("ca"), "OPTIONS['ssl']['ca']")
        ssl.setdefault("check_hostname", True)
        if "ca" not in ssl:
            params["ssl"] = system_ssl_context()
        else:
            params["ssl"] = ssl
        params.update(host=auth.host, port=auth.port, user=auth.user)
        params["_auroraiam"] = auth
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        params = dict(conn_params)
        auth = params.pop("_auroraiam")
        parent = super()  # type: Any
        return connect_with_retry(auth, lambda token: parent.get_new_connection({**params, "password": token}))
