"""IAM policies and database accounts: rds_connect_policy, dsql_connect_policy, explain_policy,
create_user_sql.

The cases are the shared table tests/policy/cases.json that the core (core/tests/policy_cases.rs)
and Node run too: golden policies byte for byte, explanations equal to the core's JSON, each bad
part's exact code, the SQL for hostile names and master users. Then what only Python has: types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import auroraiam
from auroraiam import (
    CreateUserSql,
    InvalidParameterError,
    create_user_sql,
    dsql_connect_policy,
    explain_policy,
    rds_connect_policy,
)

CASES = json.loads((Path(__file__).resolve().parents[3] / "tests" / "policy" / "cases.json").read_text("utf-8"))
ACCOUNT = "123456789012"
CLUSTER = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def build(case: dict[str, Any]) -> str:
    if case.get("kind", "rds") == "rds" and "resource_ids" in case:
        return rds_connect_policy(case["region"], case["account_id"], case["resource_ids"],
                                  case.get("users"), case.get("user_patterns"))
    return dsql_connect_policy(case["account_id"], case["clusters"], region=case.get("region"),
                               admin=case.get("admin", False))


@pytest.mark.parametrize("case", CASES["build"], ids=lambda c: c["name"])
def test_golden_policy(case: dict[str, Any]) -> None:
    assert build(case) == case["policy"]


@pytest.mark.parametrize("case", CASES["explain"], ids=lambda c: json.dumps(c["login"]))
def test_explanation_equals_the_core_s(case: dict[str, Any]) -> None:
    assert explain_policy(case["policy"], **(case["login"] or {})) == case["explanation"]


def test_round_trip_every_golden_policy() -> None:
    for case in CASES["build"]:
        explained = explain_policy(build(case))
        assert explained["notes"] == [], case["name"]
        assert {g["resource"] for g in explained["grants"]} == set(json.loads(case["policy"])["Statement"][0]["Resource"])


@pytest.mark.parametrize("case", CASES["errors"], ids=lambda c: f'{c["function"]}-{c["code"]}')
def test_each_bad_part_has_its_code(case: dict[str, Any]) -> None:
    args = dict(case["args"])
    with pytest.raises(InvalidParameterError) as info:
        if case["function"] == "explain_policy":
            explain_policy(args.pop("policy"), **args)
        elif case["function"] == "create_user_sql":
            create_user_sql(args.pop("dialect"), args.pop("user"), **args)
        else:
            build(args)
    assert info.value.code == case["code"]
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("case", CASES["create_user_sql"], ids=lambda c: f'{c["dialect"]}-{c["user"]!r}')
def test_account_sql(case: dict[str, Any]) -> None:
    created = create_user_sql(case["dialect"], case["user"], master_user=case.get("master_user"),
                              role_arn=case.get("role_arn"))
    assert isinstance(created, CreateUserSql)
    assert created.sql == str(created) == case["sql"]
    assert created.statements == tuple(case["sql"].splitlines())
    assert created.warnings == tuple(case["warnings"])


def test_decision_for_a_token() -> None:
    token = auroraiam.generate_auth_token(
        "mydb.cluster-abc.us-east-1.rds.amazonaws.com", 5432, "app_user", "us-east-1",
        credentials={"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"},
    )
    policy = rds_connect_policy("us-east-1", ACCOUNT, [CLUSTER], ["app_user"])
    allowed = explain_policy(policy, token=token, account_id=ACCOUNT, resource_id=CLUSTER)
    assert allowed["decision"]["allowed"] is True
    other = rds_connect_policy("eu-west-1", ACCOUNT, [CLUSTER], ["app_user"])
    denied = explain_policy(other, token=token, account_id=ACCOUNT, resource_id=CLUSTER)
    assert denied["decision"]["allowed"] is False
    assert "region" in denied["decision"]["reason"]
    with pytest.raises(InvalidParameterError) as info:
        explain_policy(policy, token=token, account_id=ACCOUNT, user="app_user")
    assert info.value.code == "INVALID_ARGUMENT"


def test_incomplete_login_is_an_error() -> None:
    policy = rds_connect_policy("us-east-1", ACCOUNT, [CLUSTER], ["app_user"])
    with pytest.raises(InvalidParameterError, match="user is required") as info:
        explain_policy(policy, region="us-east-1", account_id=ACCOUNT, resource_id=CLUSTER)
    assert info.value.code == "INVALID_ARGUMENT"
    assert "decision" not in explain_policy(policy)


def test_types() -> None:
    with pytest.raises(TypeError, match="resource_ids must be a list of str, not str"):
        rds_connect_policy("us-east-1", ACCOUNT, CLUSTER, ["app"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"users\[1\] must be str, not int"):
        rds_connect_policy("us-east-1", ACCOUNT, [CLUSTER], ["app", 7])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="admin"):
        dsql_connect_policy(ACCOUNT, ["x.dsql.us-east-1.on.aws"], admin=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="policy must be str, not dict"):
        explain_policy({"Version": "2012-10-17"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="user must be str, not bytes"):
        create_user_sql("mysql", b"app")  # type: ignore[arg-type]
    # Any iterable of str works (tuples, generators).
    assert rds_connect_policy("us-east-1", ACCOUNT, (CLUSTER,), (u for u in ["app_user"])) == \
        rds_connect_policy("us-east-1", ACCOUNT, [CLUSTER], ["app_user"])


def test_create_user_sql_object() -> None:
    created = create_user_sql("pg", "postgres", master_user="postgres")
    assert created.statements == ('GRANT rds_iam TO "postgres";',)
    assert "master user" in created.warnings[0]
    assert repr(created).startswith("CreateUserSql(statements=")
    with pytest.raises(AttributeError):
        created.sql = "DROP"  # type: ignore[misc]


def test_lone_surrogate_is_invalid_utf8() -> None:
    with pytest.raises(InvalidParameterError) as info:
        create_user_sql("postgresql", "a\udc80b")
    assert info.value.code == "INVALID_UTF8"


def test_exported() -> None:
    for name in ("rds_connect_policy", "dsql_connect_policy", "explain_policy", "create_user_sql", "CreateUserSql"):
        assert name in auroraiam.__all__
