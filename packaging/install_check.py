"""Install test of the wheel from dist/ (run by packaging/test-install.sh in a fresh venv, with no
Rust toolchain on PATH): every token case of tests/vectors byte-identical, the package is the
installed wheel (not the source tree), and credentials=None goes through the default credential
chain (a profile in a temporary shared credentials file), which the default wheel includes.

    python install_check.py VECTORS_DIR
"""

import datetime
import json
import os
import pathlib
import sys
import sysconfig
import tempfile

import auroraiam


def main() -> None:
    vectors = pathlib.Path(sys.argv[1])
    site = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
    where = pathlib.Path(auroraiam.__file__).resolve()
    assert site in where.parents, f"auroraiam imported from {where}, not the venv's {site}"

    checked = 0
    for name in ("rds.json", "dsql.json", "public.json"):
        for case in json.loads((vectors / name).read_text())["cases"]:
            if case.get("expected_token") is None:
                continue
            creds = auroraiam.Credentials(case["access_key_id"], case["secret_access_key"], case["session_token"])
            at = case["signing_time"]
            if case["kind"] == "rds":
                token = auroraiam.generate_auth_token(
                    case["hostname"], case["port"], case["username"], case["region"],
                    credentials=creds, expires_in=case["expires_in"], signing_time=at)
            else:
                token = auroraiam.generate_dsql_token(
                    case["hostname"], case["region"], admin=case["kind"] == "dsql-admin",
                    credentials=creds, expires_in=case["expires_in"], signing_time=at)
            assert token == case["expected_token"], f"{name} {case['id']}: {token!r}"
            checked += 1
    assert checked > 400, checked

    # The default chain: a profile file, no AWS_* credential variables.
    for var in [v for v in os.environ if v.startswith("AWS_")]:
        del os.environ[var]
    with tempfile.TemporaryDirectory() as tmp:
        creds_file = pathlib.Path(tmp, "credentials")
        creds_file.write_text("[install-test]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                              "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n")
        os.environ.update(AWS_SHARED_CREDENTIALS_FILE=str(creds_file), AWS_CONFIG_FILE=str(pathlib.Path(tmp, "none")),
                          AWS_PROFILE="install-test", AWS_EC2_METADATA_DISABLED="true", HOME=tmp)
        host = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
        at = datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.timezone.utc)
        chained = auroraiam.generate_auth_token(host, 5432, "app_user", signing_time=at)
        explicit = auroraiam.generate_auth_token(
            host, 5432, "app_user", signing_time=at,
            credentials=auroraiam.Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
        assert chained == explicit, "credentials=None did not use the profile (no credential chain in this wheel?)"
    print(f"python: {checked} vector tokens identical; default chain read a profile; "
          f"auroraiam {auroraiam.__version__} from {where.parent}")


if __name__ == "__main__":
    main()
