"""What the two Django backends share: one ``IamAuth`` per settings alias, and the options."""

from __future__ import annotations

import threading
from typing import Any

from auroraiam._integration import AUTH_OPTIONS, IamAuth, invalid, reject_password

_AUTHS: dict[tuple[Any, ...], IamAuth] = {}
_LOCK = threading.Lock()


def auth_for(settings_dict: dict[str, Any], conn_params: dict[str, Any], default_port: int) -> IamAuth:
    """Pops auroraiam's options out of ``conn_params`` and returns the (cached) ``IamAuth``."""
    if settings_dict.get("PASSWORD"):
        raise invalid("DATABASES PASSWORD must not be set: auroraiam sends a fresh IAM token as the password of "
                      "every new connection")
    reject_password(settings_dict.get("OPTIONS") or {}, " in DATABASES OPTIONS")
    conn_params.pop("password", None)
    conn_params.pop("passwd", None)
    ours = {k: conn_params.pop(k) for k in AUTH_OPTIONS if k in conn_params}
    host = settings_dict.get("HOST") or None
    port = int(settings_dict["PORT"]) if settings_dict.get("PORT") else None
    user = settings_dict.get("USER") or None
    key = (host, port, user, tuple(sorted((k, repr(v)) for k, v in ours.items())))
    with _LOCK:
        auth = _AUTHS.get(key)
        if auth is None:
            auth = _AUTHS[key] = IamAuth(host, port, user, default_port=default_port, **ours)
    return auth
