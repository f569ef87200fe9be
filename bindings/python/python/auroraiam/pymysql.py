"""PyMySQL with IAM tokens: ``connect()`` sends a current token with ``mysql_clear_password``
over verified TLS.

    from auroraiam.pymysql import connect
    conn = connect(host="mydb.cluster-abc.us-east-1.rds.amazonaws.com", user="app_user",
                   database="app", ssl_ca="/etc/ssl/rds-global-bundle.pem")

TLS is always on: the certificate chain is checked against ``ssl_ca`` (default: the system
store) and the host name verified; ``ssl_disabled=True`` / ``ssl=False`` are refused. Other
options as for ``auroraiam.psycopg``. Requires the ``pymysql`` extra.
"""

from __future__ import annotations

import inspect
from typing import Any

import pymysql  # type: ignore
import pymysql.connections  # type: ignore

from auroraiam._integration import (
    IamAuth, check_ca_file, check_options, connect_with_retry, mysql_tls_refused, reject_password, system_ssl_context,
)

__all__ = ["connect"]

_OPTIONS = frozenset(inspect.signature(pymysql.connections.Connection.__init__).parameters) - {"self", "password", "passwd"}


def prepare(options: dict[str, Any], known: frozenset[str], driver: str) -> tuple[IamAuth, dict[str, Any]]:
    """Shared with aiomysql: auth, and the connect keywords with TLS settings (no password)."""
    params = dict(options)
    reject_password(params)
    mysql_tls_refused(params)
    auth = IamAuth.from_options(params.pop("host", None), params.pop("port", None), params.pop("user", None), 3306, params)
    check_options(params, known, driver)
    check_ca_file(params.get("ssl_ca"), "ssl_ca")
    params.update(host=auth.host, port=auth.port, user=auth.user)
    return auth, params


def connect(**options: Any) -> pymysql.connections.Connection[Any]:
    """``pymysql.connect`` with a current IAM token (see the module docs)."""
    auth, params = prepare(options, _OPTIONS, "PyMySQL")
    params.pop("ssl_disabled", None)
    if "ssl" not in params:
        # Flat ssl_* options: PyMySQL drops ssl_ca when ssl_verify_cert is combined with ssl={...}.
        params.setdefault("ssl_verify_cert", True)
        params.setdefault("ssl_verify_identity", True)
        if params.get("ssl_ca") is None:
            params["ssl"] = system_ssl_context()
    return connect_with_retry(auth, lambda token: pymysql.connect(**params, password=token))
