"""Django's PostgreSQL backend; every new connection gets a current IAM token and one retry
with a forced-fresh token when the server refuses it."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base as _pg  # type: ignore

from auroraiam._integration import check_options, connect_with_retry, pg_tls
from auroraiam.django._common import auth_for


def _check_options(params: dict[str, Any]) -> None:
    """An unknown OPTIONS key is an error naming it now, not a driver error at connect time."""
    from django.db.backends.postgresql.psycopg_any import is_psycopg3  # type: ignore

    if is_psycopg3:
        from auroraiam.psycopg import _known

        check_options(params, _known(), "psycopg (libpq) / DATABASES OPTIONS")
    else:
        from auroraiam.psycopg2 import _check_libpq

        _check_libpq(params)


class DatabaseWrapper(_pg.DatabaseWrapper):  # type: ignore[misc]
    """``django.db.backends.postgresql``'s wrapper, with tokens instead of ``PASSWORD``."""

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        auth = auth_for(self.settings_dict, params, 5432)
        _check_options(params)
        pg_tls(params)
        params.update(host=auth.host, port=auth.port, user=auth.user)
        params["_auroraiam"] = auth
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        params = dict(conn_params)
        auth = params.pop("_auroraiam")
        parent = super()  # type: Any
        return connect_with_retry(auth, lambda token: parent.get_new_connection({**params, "password": token}))
