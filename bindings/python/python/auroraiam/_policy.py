"""``explain_policy``: the core's explanation of an IAM policy (JSON) as a ``dict``."""

from __future__ import annotations

from auroraiam._auroraiam import _explain_policy_json

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


def explain_policy(
    policy: str,
    *,
    region: str | None = None,
    account_id: str | None = None,
    resource_id: str | None = None,
    user: str | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """Which ``(action, resource, user)`` grants identity policy ``policy`` (JSON text) holds for
    ``rds-db:connect``, ``dsql:DbConnect`` and ``dsql:DbConnectAdmin``, and ``notes`` on parts
    that can never match (a cluster name where the resource id belongs, a bad region, an ``rds``
    ARN instead of ``rds-db``) or cannot be decided offline (``Condition``, policy variables).

    With a login (``account_id``, ``region``, ``resource_id`` and ``user``; or ``token`` and
    ``account_id``, plus ``resource_id`` for an RDS token) the result also has ``decision``:
    ``allowed``, ``outcome`` (``allowed``, ``implicit_deny``, ``explicit_deny``, ...) and the
    ``reason``. Fields as documented for ``auroraiam policy --explain`` (docs/cli.md).

    Raises ``InvalidParameterError`` with code ``INVALID_POLICY`` (not JSON, or an element IAM
    would refuse), ``INVALID_ARGUMENT`` (an incomplete login), ``INVALID_REGION``,
    ``INVALID_ACCOUNT_ID``, ``INVALID_RESOURCE_ID``, ``INVALID_USERNAME``, ``TOKEN_MALFORMED``.
    """
    import json

    text = _explain_policy_json(
        policy, region=region, account_id=account_id, resource_id=resource_id, user=user, token=token
    )
    result: dict[str, Any] = json.loads(text)
    return result
