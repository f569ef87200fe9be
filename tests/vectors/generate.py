#!/usr/bin/env python3
"""Regenerate auroraiam's shared conformance vectors from botocore.

Dev tool only: CI and the language test suites read the committed JSON files
and never need botocore, node or this script.

Run (from the repository root):

    (cd tests/vectors && npm ci)            # optional: enables the JS cross-check
    python3 tests/vectors/generate.py       # rewrites the five files below
    python3 tests/vectors/generate.py --check   # regenerate in memory, fail on any diff

Options: --no-js (skip the JS cross-check, every js_agrees becomes null),
--require-js (fail instead of skipping when node or the packages are missing).

Last run with: CPython 3.11.7, botocore 1.43.11 (boto3 1.43.11), node v20.20.2,
@aws-sdk/rds-signer 3.1175.0, @aws-sdk/dsql-signer 3.1142.0
(@smithy/signature-v4 5.7.5, pinned by package-lock.json). The script refuses
other botocore versions unless --any-botocore is given (then review the diff).

Writes, next to this file:
  rds.json     RDS/Aurora tokens (kind "rds")
  dsql.json    Aurora DSQL tokens (kinds "dsql", "dsql-admin")
  errors.json  inputs the library must reject, with expected_error codes
  public.json  the 17 public known-answer vectors (from the SDKs' own tests)
  README.md is hand-written, not generated.

How expected tokens are made (see README.md for the details):
  * RDS, expires_in 900: client.generate_db_auth_token(DBHostname, Port,
    DBUsername, Region) on a botocore 'rds' client.
  * RDS, other expiries: botocore hard-codes 900, so `rds_presign` below replays
    the body of botocore.signers.generate_db_auth_token verbatim with only
    expires_in changed. For every 900 s case both paths run and must agree.
  * DSQL: client.generate_db_connect_auth_token / _admin_auth_token(Hostname,
    Region, ExpiresIn) on a botocore 'dsql' client.
  * The clock is frozen by patching botocore.auth.get_current_datetime, the
    only clock SigV4QueryAuth.add_auth reads in botocore 1.43.
  * Every token is also recomputed by `reference_token`, an independent
    ~30-line SigV4 implementation written from the spec, and must match byte
    for byte (catches a clock that was not frozen, and documents exactly what
    botocore signs).
  * Cases with region null: the region is inferred by `infer_region` (the
    library's rules) and passed to botocore explicitly.

Deterministic: all randomness comes from random.Random(SEED); running twice
gives byte-identical files (given the same botocore, and JS run or not).
"""

import argparse
import calendar
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path
from unittest import mock

# Isolate botocore from the developer's AWS environment (profiles, config
# files, endpoint overrides) before it is imported.
for _name in list(os.environ):
    if _name.startswith("AWS_") or _name.startswith("BOTO_"):
        del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import prepare_request_dict  # noqa: E402

SEED = 20161107
BOTOCORE_VERSION = "1.43.11"
FORMAT = 1
HERE = Path(__file__).resolve().parent
PUBLIC_SOURCE = Path("/work/shared/vectors/public_vectors.json")

REGION_RE = re.compile(r"^[a-z]{2,}(-[a-z]+)+-[0-9]{1,2}$")
MIN_TIME = 0  # 1970-01-01T00:00:00Z
MAX_TIME = 253402300799  # 9999-12-31T23:59:59Z
RDS_MAX_EXPIRES = 900
DSQL_MAX_EXPIRES = 604800

DEFAULT_TIME = 1478540373  # 2016-11-07T17:39:33Z, botocore's own test time
DEFAULT_AKID = "AKIAIOSFODNN7EXAMPLE"
DEFAULT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DEFAULT_RDS_HOST = "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
DEFAULT_DSQL_ID = "abcdefghijklmnopqrstuvwxyz"


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def civil_from_unix(t):
    """(year, month, day, hh, mm, ss) for Unix seconds t, proleptic Gregorian,
    valid beyond datetime's year 9999 (H. Hinnant's days_from_civil inverse)."""
    days, secs = divmod(t, 86400)
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    return y, m, d, secs // 3600, secs % 3600 // 60, secs % 60


def iso(t):
    y, mo, d, h, mi, s = civil_from_unix(t)
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z"


def unix(text):
    return calendar.timegm(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def naive_utc(t):
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)


def split_token(token):
    prefix, _, query = token.partition("/?")
    return prefix, sorted(query.split("&"))


def same_token(a, b):
    """Equal up to the order of the query parameters (raw encoded pairs)."""
    return split_token(a) == split_token(b)


def utf8_len(s):
    return len(s.encode("utf-8"))


# --------------------------------------------------------------------------
# The library's region inference rules (used for cases with region null)
# --------------------------------------------------------------------------


def infer_region(kind, hostname):
    labels = hostname.lower().split(".")
    if kind == "rds":
        if "rds" in labels:
            i = labels.index("rds")
            if i > 0 and REGION_RE.match(labels[i - 1]):
                return labels[i - 1]
            if i + 1 < len(labels) and REGION_RE.match(labels[i + 1]) and labels[i + 2 :] == ["amazonaws", "com", "cn"]:
                return labels[i + 1]
        return None
    for i, label in enumerate(labels):
        if (label == "dsql" or label.startswith("dsql-")) and i + 1 < len(labels):
            if REGION_RE.match(labels[i + 1]) and labels[i + 2 :] == ["on", "aws"]:
                return labels[i + 1]
    return None


# --------------------------------------------------------------------------
# botocore
# --------------------------------------------------------------------------

_SESSION = botocore.session.get_session()
_CLIENTS = {}


def _client(service, region, akid, secret, session_token):
    key = (service, region, akid, secret, session_token)
    if key not in _CLIENTS:
        _CLIENTS[key] = _SESSION.create_client(
            service,
            region_name=region,
            aws_access_key_id=akid,
            aws_secret_access_key=secret,
            aws_session_token=session_token,
        )
    return _CLIENTS[key]


def rds_presign(client, DBHostname, Port, DBUsername, Region, expires_in):
    """botocore.signers.generate_db_auth_token (1.43.11), verbatim except that
    expires_in is a parameter instead of the literal 900."""
    region = Region
    if region is None:
        region = client.meta.region_name
    params = {
        "Action": "connect",
        "DBUser": DBUsername,
    }
    request_dict = {
        "url_path": "/",
        "query_string": "",
        "headers": {},
        "body": params,
        "method": "GET",
    }
    scheme = "https://"
    endpoint_url = f"{scheme}{DBHostname}:{Port}"
    prepare_request_dict(request_dict, endpoint_url)
    presigned_url = client._request_signer.generate_presigned_url(
        operation_name="connect",
        request_dict=request_dict,
        region_name=region,
        expires_in=expires_in,
        signing_name="rds-db",
    )
    return presigned_url[len(scheme) :]


def botocore_token(c, region):
    """The token botocore makes for case c, signing with `region`, clock frozen."""
    session_token = c["session_token"] or None  # "" means absent for the library
    frozen = naive_utc(c["signing_time"])
    with mock.patch("botocore.auth.get_current_datetime", return_value=frozen):
        if c["kind"] == "rds":
            client = _client("rds", region, c["access_key_id"], c["secret_access_key"], session_token)
            token = rds_presign(client, c["hostname"], c["port"], c["username"], region, c["expires_in"])
            if c["expires_in"] == 900:
                public = client.generate_db_auth_token(c["hostname"], c["port"], c["username"], region)
                if public != token:
                    raise AssertionError(f"{c['id']}: replayed generate_db_auth_token differs from botocore's")
            return token
        client = _client("dsql", region, c["access_key_id"], c["secret_access_key"], session_token)
        if c["kind"] == "dsql":
            return client.generate_db_connect_auth_token(c["hostname"], region, c["expires_in"])
        return client.generate_db_connect_admin_auth_token(c["hostname"], region, c["expires_in"])


# --------------------------------------------------------------------------
# Independent SigV4 reference (spec, not botocore) used as a cross-check
# --------------------------------------------------------------------------

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _enc(s):
    return urllib.parse.quote(s, safe="-_.~")


def botocore_signed_host(c):
    """What botocore puts in the canonical `host` header: lower-cased, without
    :443 (the https default port)."""
    host = c["hostname"].lower()
    if c["kind"] == "rds" and c["port"] != 443:
        host += f":{c['port']}"
    return host


def reference_token(c, region, signed_host=None):
    rds = c["kind"] == "rds"
    service = "rds-db" if rds else "dsql"
    action = {"rds": "connect", "dsql": "DbConnect", "dsql-admin": "DbConnectAdmin"}[c["kind"]]
    y, mo, d, h, mi, s = civil_from_unix(c["signing_time"])
    date = f"{y:04d}{mo:02d}{d:02d}"
    amz_date = f"{date}T{h:02d}{mi:02d}{s:02d}Z"
    scope = f"{date}/{region}/{service}/aws4_request"
    params = [("Action", action)]
    if rds:
        params.append(("DBUser", c["username"]))
    params += [
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Credential", f"{c['access_key_id']}/{scope}"),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(c["expires_in"])),
        ("X-Amz-SignedHeaders", "host"),
    ]
    if c["session_token"]:
        params.append(("X-Amz-Security-Token", c["session_token"]))
    pairs = [f"{_enc(k)}={_enc(v)}" for k, v in params]
    host = botocore_signed_host(c) if signed_host is None else signed_host
    creq = "\n".join(["GET", "/", "&".join(sorted(pairs)), f"host:{host}", "", "host", EMPTY_SHA256])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + c["secret_access_key"]).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    prefix = f"{c['hostname']}:{c['port']}" if rds else c["hostname"]
    return f"{prefix}/?" + "&".join(pairs + [f"X-Amz-Signature={signature}"])


# --------------------------------------------------------------------------
# Case construction
# --------------------------------------------------------------------------

CASE_KEYS = [
    "id", "description", "kind", "hostname", "port", "username", "region",
    "access_key_id", "secret_access_key", "session_token", "signing_time",
    "signing_time_iso", "expires_in",
]


def case(kind, description, hostname=None, port=None, username=None, region="us-east-1",
         akid=DEFAULT_AKID, secret=DEFAULT_SECRET, session_token=None, time=DEFAULT_TIME,
         expires=900, **extra):
    if hostname is None:
        hostname = DEFAULT_RDS_HOST if kind == "rds" else f"{DEFAULT_DSQL_ID}.dsql.us-east-1.on.aws"
    if kind == "rds":
        port = 5432 if port is None else port
        username = "iam_user" if username is None else username
    c = {
        "id": None,
        "description": description,
        "kind": kind,
        "hostname": hostname,
        "port": port,
        "username": username,
        "region": region,
        "access_key_id": akid,
        "secret_access_key": secret,
        "session_token": session_token,
        "signing_time": time,
        "signing_time_iso": iso(time),
        "expires_in": expires,
    }
    c.update(extra)
    return c


def check_valid(c):
    """Assert a token case satisfies the library's validation rules (so it does
    not belong in errors.json)."""
    h = c["hostname"]
    assert h and utf8_len(h) <= 253 and h.isascii(), c
    if h.startswith("["):
        assert re.fullmatch(r"\[[0-9A-Fa-f:.]+\]", h), c
    else:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*", h), c
    if c["kind"] == "rds":
        assert 1 <= c["port"] <= 65535, c
        assert c["username"] and "\0" not in c["username"] and utf8_len(c["username"]) <= 1024, c
        assert 1 <= c["expires_in"] <= RDS_MAX_EXPIRES, c
    else:
        assert c["port"] is None and c["username"] is None, c
        assert 1 <= c["expires_in"] <= DSQL_MAX_EXPIRES, c
    assert c["region"] is None or REGION_RE.match(c["region"]), c
    akid, secret, st = c["access_key_id"], c["secret_access_key"], c["session_token"]
    assert akid and akid.isascii() and len(akid) <= 128 and not re.search(r"[ /\0]", akid), c
    assert secret and utf8_len(secret) <= 1024 and "\0" not in secret, c
    assert st is None or (utf8_len(st) <= 16384 and "\0" not in st), c
    assert MIN_TIME <= c["signing_time"] <= MAX_TIME, c


def finish_token_case(c):
    check_valid(c)
    region = c["region"] or infer_region(c["kind"], c["hostname"])
    if region is None:
        raise AssertionError(f"no region for {c}")
    token = botocore_token(c, region)
    ref = reference_token(c, region)
    if token != ref:
        raise AssertionError(f"{c['id']}: botocore and the reference SigV4 differ\n{token}\n{ref}")
    c["expected_token"] = token
    c["js_agrees"] = None
    return c


# ---- pools ----------------------------------------------------------------

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ALNUM_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

AWS_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1",
    "sa-east-1", "mx-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "il-central-1",
    "me-south-1", "me-central-1", "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7",
]
CN_REGIONS = ["cn-north-1", "cn-northwest-1"]
GOV_REGIONS = ["us-gov-west-1", "us-gov-east-1"]
DSQL_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
                "eu-central-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
                "ap-southeast-1", "ap-southeast-2", "ca-central-1"]

# (shape name, hostname builder(name, hash, region), regions)
RDS_SHAPES = [
    ("Aurora cluster writer endpoint", lambda n, h, r: f"{n}.cluster-{h}.{r}.rds.amazonaws.com", AWS_REGIONS),
    ("Aurora cluster reader (cluster-ro-) endpoint", lambda n, h, r: f"{n}.cluster-ro-{h}.{r}.rds.amazonaws.com", AWS_REGIONS),
    ("Aurora custom (cluster-custom-) endpoint", lambda n, h, r: f"{n}.cluster-custom-{h}.{r}.rds.amazonaws.com", AWS_REGIONS),
    ("instance endpoint", lambda n, h, r: f"{n}.{h}.{r}.rds.amazonaws.com", AWS_REGIONS),
    ("RDS Proxy (proxy-) endpoint", lambda n, h, r: f"{n}.proxy-{h}.{r}.rds.amazonaws.com", AWS_REGIONS),
    ("RDS Proxy additional endpoint (endpoint.proxy-)", lambda n, h, r: f"{n}.endpoint.proxy-{h}.{r}.rds.amazonaws.com", AWS_REGIONS),
    ("Aurora Limitless shard group (shardgrp-) endpoint", lambda n, h, r: f"{n}.shardgrp-{h}.{r}.rds.amazonaws.com", AWS_REGIONS),
    ("China <region>.rds.amazonaws.com.cn endpoint", lambda n, h, r: f"{n}.{h}.{r}.rds.amazonaws.com.cn", CN_REGIONS),
    ("China rds.<region>.amazonaws.com.cn endpoint", lambda n, h, r: f"{n}.{h}.rds.{r}.amazonaws.com.cn", CN_REGIONS),
    ("GovCloud endpoint", lambda n, h, r: f"{n}.cluster-{h}.{r}.rds.amazonaws.com", GOV_REGIONS),
    ("ISO (c2s.ic.gov) endpoint", lambda n, h, r: f"{n}.{h}.{r}.rds.c2s.ic.gov", ["us-iso-east-1", "us-iso-west-1"]),
    ("ISO-B (sc2s.sgov.gov) endpoint", lambda n, h, r: f"{n}.{h}.{r}.rds.sc2s.sgov.gov", ["us-isob-east-1"]),
    ("ISO-E (cloud.adc-e.uk) endpoint", lambda n, h, r: f"{n}.{h}.{r}.rds.cloud.adc-e.uk", ["eu-isoe-west-1"]),
    ("ISO-F (csp.hci.ic.gov) endpoint", lambda n, h, r: f"{n}.{h}.{r}.rds.csp.hci.ic.gov", ["us-isof-south-1", "us-isof-east-1"]),
    ("European Sovereign Cloud (amazonaws.eu) endpoint", lambda n, h, r: f"{n}.cluster-{h}.{r}.rds.amazonaws.eu", ["eusc-de-east-1"]),
]
# Hosts that carry no region: a region must be given.
REGIONLESS_HOSTS = [
    ("IPv4 address (tunnel)", "10.0.0.1"),
    ("loopback IPv4 (port-forward)", "127.0.0.1"),
    ("localhost (port-forward)", "localhost"),
    ("IPv6 loopback literal", "[::1]"),
    ("IPv6 literal", "[2001:db8::1]"),
    ("CNAME", "db.example.com"),
    ("Aurora global database writer endpoint", "mydb.global-c9akciq32pzx.global.rds.amazonaws.com"),
]

NAME_WORDS = ["mydb", "prod", "orders", "billing", "analytics", "app", "users", "pg", "mysql",
              "aurora", "reporting", "main", "east", "replica", "db", "stage", "test"]
PLAIN_USERS = ["iam_user", "admin", "postgres", "app_user", "readonly", "jane_doe", "svc-api",
               "root", "db_user_01", "report.reader"]
SPECIAL_CHARS = " +@%/=&#*!'()~:;,?[]$\"\t\n"
UNICODE_BITS = ["é", "e\u0301", "日本", "ü", "ñ", "Ω", "😀", "🐘", "中文", "Ж", "ß", "👩\u200d💻"]


def rand_str(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def rand_name(rng):
    name = rng.choice(NAME_WORDS)
    if rng.random() < 0.6:
        name += rng.choice(["-", ""]) + rng.choice(NAME_WORDS + [str(rng.randrange(1, 100))])
    return name


def rand_hash(rng):
    return rng.choice("abcdefghijklmnopqrstuvwxyz") + rand_str(rng, ALNUM_LOWER, 11)


def sts_token(rng, n):
    """Base64-looking STS session token of exactly n characters (/ + and = padding)."""
    pad = "=" * (1 + n % 2)
    return "IQoJb3JpZ2luX2Vj" + rand_str(rng, B64, n - 16 - len(pad)) + pad


def rand_secret(rng):
    return rand_str(rng, B64, 40)


def akia(rng):
    return "AKIA" + rand_str(rng, UPPER_DIGITS, 16)


def asia(rng):
    return "ASIA" + rand_str(rng, UPPER_DIGITS, 16)


def rand_username(rng):
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(PLAIN_USERS), "plain username"
    if roll < 0.65:
        n = rng.randrange(1, 6)
        s = rng.choice(PLAIN_USERS)
        for _ in range(n):
            i = rng.randrange(len(s) + 1)
            s = s[:i] + rng.choice(SPECIAL_CHARS) + s[i:]
        return s, "username with reserved characters"
    if roll < 0.85:
        s = rng.choice(PLAIN_USERS) + "".join(rng.choice(UNICODE_BITS) for _ in range(rng.randrange(1, 4)))
        return s, "non-ASCII username"
    n = rng.randrange(60, 200)
    pool = ALNUM_LOWER + SPECIAL_CHARS + "-_.~" + "".join(UNICODE_BITS)
    s = rand_str(rng, pool, n)
    while utf8_len(s) > 200:
        s = s[:-1]
    if not s.strip("\t\n "):
        s = "u" + s
    return s, f"long mixed username ({utf8_len(s)} bytes)"


def rand_time(rng):
    roll = rng.random()
    if roll < 0.8:
        return rng.randrange(946684800, 4102444800)  # 2000 .. 2099
    if roll < 0.9:
        return rng.randrange(0, 946684800)  # 1970 .. 1999
    return rng.randrange(4102444800, MAX_TIME + 1)  # 2100 .. 9999


def rand_creds(rng):
    roll = rng.random()
    if roll < 0.45:
        return akia(rng), rand_secret(rng), None, "long-term key"
    if roll < 0.6:
        return asia(rng), rand_secret(rng), "FQoGZXIvYXdzE" + rand_str(rng, B64, 40), "short session token"
    if roll < 0.85:
        return asia(rng), rand_secret(rng), sts_token(rng, rng.randrange(780, 830)), "STS session token (~800 chars)"
    return asia(rng), rand_secret(rng), sts_token(rng, rng.randrange(1400, 1560)), "STS session token (~1500 chars)"


# ---- RDS ------------------------------------------------------------------


def rds_cases(rng):
    out = []
    add = out.append
    name, h = "mydb", "c9akciq32"

    # Endpoint shapes, region given.
    for i, (shape, build, regions) in enumerate(RDS_SHAPES):
        r = regions[0] if i % 2 == 0 else regions[-1]
        add(case("rds", f"{shape}, {r}, region given", hostname=build(name, h, r), region=r, port=[5432, 3306][i % 2]))
    for r in ["ap-southeast-5", "il-central-1", "mx-central-1", "eu-isoe-west-1", "ca-west-1"]:
        build = RDS_SHAPES[3][1] if r != "eu-isoe-west-1" else RDS_SHAPES[12][1]
        add(case("rds", f"instance endpoint in {r}", hostname=build("orders", "c9akciq32xyz", r), region=r, port=3306))
    for shape, host in REGIONLESS_HOSTS:
        add(case("rds", f"{shape} {host} with region given (us-west-2)", hostname=host, region="us-west-2"))
    add(case("rds", "IPv4-mapped IPv6 literal [::ffff:10.0.0.1]", hostname="[::ffff:10.0.0.1]", region="us-east-1"))
    add(case("rds", "upper-case IPv6 literal [2001:DB8::A]: botocore signs it lower-cased", hostname="[2001:DB8::A]", region="us-east-1"))
    add(case("rds", "underscore in hostname (allowed) my_db.internal", hostname="my_db.internal", region="eu-west-1"))
    add(case("rds", "single-label hostname", hostname="db", region="us-east-1"))
    add(case("rds", "hostname with a 63-byte label (maximum label length)",
             hostname="a" * 63 + ".c9akciq32.us-east-1.rds.amazonaws.com", region="us-east-1"))
    long_host = ".".join(["x" * 63, "y" * 63, "z" * 63, "w" * 61])
    assert len(long_host) == 253
    add(case("rds", "253-byte hostname (maximum length)", hostname=long_host, region="us-east-1"))
    add(case("rds", "signing region (eu-west-1) differs from the hostname's region (us-west-2)",
             hostname="rdsmysql.cdgmuqiadpid.us-west-2.rds.amazonaws.com", region="eu-west-1", port=3306))
    add(case("rds", "region given explicitly although hostname carries the same region",
             hostname="mydb.c9akciq32.eu-central-1.rds.amazonaws.com", region="eu-central-1"))

    # Upper / mixed case hostnames: botocore signs lower-cased, keeps the caller's case in the token.
    upper = "MyDB.Cluster-C9AKCIQ32.US-EAST-1.RDS.AMAZONAWS.COM"
    add(case("rds", "mixed/upper-case hostname: signed lower-cased, kept as given in the token", hostname=upper))
    add(case("rds", "mixed/upper-case hostname, region inferred (us-east-1)", hostname=upper, region=None))
    add(case("rds", "upper-case LOCALHOST with region given", hostname="LOCALHOST", region="us-east-1"))
    add(case("rds", "upper-case hostname and port 443", hostname="Prod.C9AKCIQ32.EU-WEST-1.rds.amazonaws.com",
             region="eu-west-1", port=443))

    # Ports.
    for p, why in [(443, "port 443: botocore signs host without :443 but keeps :443 in the token"),
                   (1150, "port 1150 (lowest RDS DB port)"), (3306, "port 3306 (MySQL)"),
                   (5432, "port 5432 (PostgreSQL)"), (1433, "port 1433 (SQL Server)"), (1521, "port 1521 (Oracle)"),
                   (65535, "port 65535 (maximum)"), (1, "port 1 (minimum)"), (80, "port 80 (http default; botocore keeps it in the signed host)"),
                   (8443, "port 8443")]:
        add(case("rds", why, port=p))
    add(case("rds", "port 443 on an IPv6 literal: signed host [::1] without port", hostname="[::1]", port=443))
    add(case("rds", "port 443 on localhost (tunnel)", hostname="localhost", port=443))
    add(case("rds", "port 443, region inferred (eu-west-1)",
             hostname="myproxy.proxy-c9akciq32.eu-west-1.rds.amazonaws.com", port=443, region=None))
    for _ in range(4):
        p = rng.randrange(1150, 65536)
        add(case("rds", f"random port {p}", port=p))

    # Usernames.
    names = {" ": "space", "\t": "tab", "\n": "newline", "\"": "double quote"}
    for ch in SPECIAL_CHARS + "\r":
        label = names.get(ch, "carriage return" if ch == "\r" else repr(ch)[1:-1] if ch != "'" else "apostrophe")
        add(case("rds", f"username with {label} (percent-encoded)", username=f"a{ch}b"))
    add(case("rds", "username with every reserved character", username="u " + SPECIAL_CHARS.replace(" ", "") + "\r"))
    add(case("rds", "username '-_.~' stays unescaped", username="a-b_c.d~e"))
    add(case("rds", "username that is only unreserved punctuation", username="-_.~"))
    add(case("rds", "username 'a+b' (plus must be %2B, not a space)", username="a+b"))
    add(case("rds", "username 'a b' (space must be %20, never +)", username="a b"))
    add(case("rds", "username with a literal %20 (encoded as %2520)", username="user%20name"))
    add(case("rds", "username that looks like query injection", username="x&Action=connect&DBUser=admin#"))
    add(case("rds", "username of a single space", username=" "))
    add(case("rds", "username with leading and trailing spaces (no trimming)", username="  iam_user  "))
    add(case("rds", "username with precomposed é (U+00E9)", username="jos\u00e9"))
    add(case("rds", "username with e + combining acute (U+0301), not normalized", username="jose\u0301"))
    add(case("rds", "username in Japanese (日本)", username="日本ユーザー"))
    add(case("rds", "username with emoji (4-byte UTF-8)", username="db🐘user"))
    add(case("rds", "username with ZWJ emoji sequence", username="dev👩\u200d💻"))
    add(case("rds", "username with no-break space U+00A0 and BOM U+FEFF", username="a\u00a0b\ufeffc"))
    add(case("rds", "username with control characters U+0001 and DEL (allowed; only NUL is rejected)", username="a\u0001b\u007fc"))
    add(case("rds", "username with upper-case letters (case preserved)", username="IAM_User"))
    add(case("rds", "username 'rdsadmin'-style with dollar", username="rds$admin"))
    long_user = "".join(("long_user_name-" + str(i)) for i in range(12))[:200]
    add(case("rds", f"long ASCII username ({len(long_user)} bytes)", username=long_user))
    add(case("rds", "long username of reserved characters (200 bytes, all escaped)", username=(SPECIAL_CHARS * 10)[:200]))
    add(case("rds", "username of 1024 ASCII bytes (maximum)", username=("u" * 1023) + "z"))
    mb = "日" * 341 + "a"
    assert utf8_len(mb) == 1024
    add(case("rds", "username of 1024 UTF-8 bytes in 342 characters (maximum counted in bytes)", username=mb))

    # Credentials and session tokens.
    add(case("rds", "long-term AKIA key, no session token", akid="AKIAJ7Q2EXAMPLE2QWER", secret="je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"))
    add(case("rds", "short session token", akid="ASIAEXAMPLESHORT0001", session_token="SESSION_TOKEN"))
    add(case("rds", "session token with / + = (must be %2F %2B %3D)", akid="ASIAEXAMPLE000000002", session_token="ab/cd+ef==" ))
    for n in (800, 1500):
        st = sts_token(rng, n)
        add(case("rds", f"STS-style session token ({len(st)} chars)", akid=asia(rng), secret=rand_secret(rng), session_token=st))
    add(case("rds", "session token of 16384 bytes (maximum)", akid="ASIAEXAMPLEMAXTOKEN1", session_token=rand_str(rng, ALNUM_LOWER, 16384)))
    add(case("rds", "empty session token \"\" is treated as absent: expected token = the one with no session token (botocore called with None)",
             session_token=""))
    add(case("rds", "access key id 'akid' / secret 'skid' (botocore test style)", akid="akid", secret="skid"))
    add(case("rds", "access key id 'ACCESS_KEY' with session token", akid="ACCESS_KEY", secret="SECRET_KEY", session_token="SESSION_TOKEN"))
    add(case("rds", "access key id with characters that need encoding (+ = ~ :)", akid="AKID+x=y~z:1", secret="secret"))
    add(case("rds", "access key id of 128 characters (maximum)", akid="AKIA" + "A" * 124))
    add(case("rds", "secret of 1024 bytes (maximum)", secret=rand_str(rng, B64, 1024)))
    add(case("rds", "secret with non-ASCII characters (signed as UTF-8)", secret="sécret/日本+key"))
    add(case("rds", "secret of one character", secret="x"))

    # Expiries.
    for e in (1, 2, 60, 300, 870, 899, 900):
        add(case("rds", f"expires_in {e}" + (" (maximum)" if e == 900 else " (botocore path replayed with another expiry)"), expires=e))

    # Signing times.
    for text, why in [
        ("1970-01-01T00:00:00Z", "Unix epoch (earliest accepted time)"),
        ("1970-01-01T00:00:01Z", "one second after the epoch"),
        ("1999-12-31T23:59:59Z", "last second of 1999"),
        ("2000-01-01T00:00:00Z", "first second of 2000"),
        ("2000-02-29T23:59:59Z", "leap day 2000-02-29 (century leap year)"),
        ("2023-01-31T23:59:59Z", "month boundary (before)"),
        ("2023-02-01T00:00:00Z", "month boundary (after)"),
        ("2024-02-28T23:59:59Z", "day before leap day 2024"),
        ("2024-02-29T00:00:00Z", "leap day 2024-02-29 start"),
        ("2024-02-29T12:34:56Z", "leap day 2024-02-29 midday"),
        ("2024-12-31T23:59:59Z", "year boundary (before)"),
        ("2025-01-01T00:00:00Z", "year boundary (after)"),
        ("2038-01-19T03:14:07Z", "2^31-1 seconds (32-bit time_t maximum)"),
        ("2038-01-19T03:14:08Z", "2^31 seconds (32-bit time_t overflow)"),
        ("2100-02-28T23:59:59Z", "2100-02-28, the day before 2100-03-01 (2100 is not a leap year)"),
        ("2100-03-01T00:00:00Z", "2100-03-01 (no Feb 29 in 2100)"),
        ("2106-02-07T06:28:16Z", "2^32 seconds (unsigned 32-bit overflow)"),
        ("2099-12-31T23:59:59Z", "2099-12-31T23:59:59Z"),
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z (latest accepted time)"),
    ]:
        add(case("rds", f"signing time {why}", time=unix(text)))
    add(case("rds", "fraction-free time 1700000000 (2023-11-14T22:13:20Z)", time=1700000000))

    # Region inferred from the hostname (region null), one per shape.
    for i, (shape, build, regions) in enumerate(RDS_SHAPES):
        r = regions[-1] if i % 2 == 0 else regions[0]
        host = build(rand_name(rng), rand_hash(rng), r)
        add(case("rds", f"{shape}, region inferred from hostname ({r})", hostname=host, region=None, port=[3306, 5432][i % 2]))
    add(case("rds", "upper-case China rds.<region>.amazonaws.com.cn, region inferred (cn-northwest-1)",
             hostname="Reports.C9AKCIQ32XYZ.RDS.CN-NORTHWEST-1.AMAZONAWS.COM.CN", region=None))
    add(case("rds", "region inferred (ap-southeast-5) with session token and expiry 600",
             hostname="app.cluster-ro-c9akciq32xyz.ap-southeast-5.rds.amazonaws.com", region=None,
             akid="ASIAEXAMPLEINFER0001", session_token="FQoGZXIvYXdzEXAMPLE/+=", expires=600))

    # Seeded random mix.
    for n in range(130):
        parts = []
        roll = rng.random()
        if roll < 0.8:
            shape, build, regions = rng.choice(RDS_SHAPES)
            hr = rng.choice(regions)
            host = build(rand_name(rng), rand_hash(rng), hr)
            if rng.random() < 0.4:
                region = None
                parts.append(f"{shape}, region inferred ({hr})")
            else:
                region = hr if rng.random() < 0.9 else rng.choice(AWS_REGIONS)
                parts.append(f"{shape}, region {region}")
        else:
            shape, host = rng.choice(REGIONLESS_HOSTS)
            region = rng.choice(AWS_REGIONS + CN_REGIONS + GOV_REGIONS)
            parts.append(f"{shape}, region {region}")
        if rng.random() < 0.07:
            host = "".join(ch.upper() if rng.random() < 0.5 else ch for ch in host)
            parts.append("mixed-case host")
        pr = rng.random()
        port = 443 if pr < 0.05 else rng.choice([3306, 5432]) if pr < 0.5 else rng.randrange(1150, 65536)
        parts.append(f"port {port}")
        username, ud = rand_username(rng)
        parts.append(ud)
        akid, secret, st, cd = rand_creds(rng)
        parts.append(cd)
        t = rand_time(rng)
        expires = 900 if rng.random() < 0.6 else rng.randrange(1, 901)
        parts.append(f"expires {expires}")
        add(case("rds", "random mix: " + ", ".join(parts), hostname=host, port=port, username=username,
                 region=region, akid=akid, secret=secret, session_token=st, time=t, expires=expires))
    return out


# ---- DSQL -----------------------------------------------------------------


def dsql_id(rng):
    return rand_str(rng, ALNUM_LOWER, 26)


def dsql_cases(rng):
    out = []
    add = out.append
    for kind in ("dsql", "dsql-admin"):
        action = "DbConnect" if kind == "dsql" else "DbConnectAdmin"
        for r in DSQL_REGIONS[:6]:
            add(case(kind, f"{action}: <cluster-id>.dsql.{r}.on.aws, region given", hostname=f"{dsql_id(rng)}.dsql.{r}.on.aws", region=r))
        for r in DSQL_REGIONS[6:]:
            add(case(kind, f"{action}: region inferred from <cluster-id>.dsql.{r}.on.aws", hostname=f"{dsql_id(rng)}.dsql.{r}.on.aws", region=None))
        add(case(kind, f"{action}: suffixed dsql-<suffix> label, region inferred (us-east-1)",
                 hostname=f"{dsql_id(rng)}.dsql-fnh4.us-east-1.on.aws", region=None))
        add(case(kind, f"{action}: suffixed dsql-<suffix> label, region given (eu-west-1)",
                 hostname=f"{dsql_id(rng)}.dsql-a1b2.eu-west-1.on.aws", region="eu-west-1"))
        for e in (1, 2, 60, 900, 3600, 43200, 86400, 604799, 604800):
            add(case(kind, f"{action}: expires_in {e}" + (" (maximum)" if e == DSQL_MAX_EXPIRES else ""), expires=e))
        add(case(kind, f"{action}: short session token", akid="ASIAEXAMPLEDSQL00001", session_token="SESSION_TOKEN"))
        for n in (800, 1500):
            st = sts_token(rng, n)
            add(case(kind, f"{action}: STS-style session token ({len(st)} chars), expires 3600", akid=asia(rng),
                     secret=rand_secret(rng), session_token=st, expires=3600))
        add(case(kind, f"{action}: empty session token \"\" treated as absent (expected = no-token token)", session_token=""))
        add(case(kind, f"{action}: upper-case hostname, signed lower-cased",
                 hostname="ABCDEFGHIJKLMNOPQRSTUVWXYZ.DSQL.US-EAST-1.ON.AWS", region="us-east-1"))
        add(case(kind, f"{action}: upper-case hostname, region inferred (us-east-1)",
                 hostname="Abcdefghijklmnopqrstuvwxyz.Dsql.Us-East-1.On.Aws", region=None))
        add(case(kind, f"{action}: localhost tunnel with region given", hostname="localhost", region="us-east-2"))
        add(case(kind, f"{action}: IPv4 10.0.0.1 with region given", hostname="10.0.0.1", region="us-east-1"))
        add(case(kind, f"{action}: IPv6 [::1] with region given", hostname="[::1]", region="us-east-1"))
        add(case(kind, f"{action}: CNAME db.example.com with region given", hostname="db.example.com", region="eu-west-1"))
        for text in ("1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2038-01-19T03:14:08Z", "9999-12-31T23:59:59Z"):
            add(case(kind, f"{action}: signing time {text}", time=unix(text)))
        add(case(kind, f"{action}: signing time 9999-12-31T23:59:59Z with expiry 604800 (expiry beyond year 9999)",
                 time=MAX_TIME, expires=DSQL_MAX_EXPIRES))
        add(case(kind, f"{action}: botocore-test credentials", akid="ACCESS_KEY", secret="SECRET_KEY",
                 hostname="test.dsql.us-east-1.on.aws"))

    for n in range(70):
        kind = rng.choice(["dsql", "dsql-admin"])
        r = rng.choice(DSQL_REGIONS)
        label = "dsql" if rng.random() < 0.85 else "dsql-" + rand_str(rng, ALNUM_LOWER, 4)
        host = f"{dsql_id(rng)}.{label}.{r}.on.aws"
        parts = [f"{'DbConnect' if kind == 'dsql' else 'DbConnectAdmin'}", f"{label} label"]
        if rng.random() < 0.4:
            region = None
            parts.append(f"region inferred ({r})")
        else:
            region = r
            parts.append(f"region {r}")
        if rng.random() < 0.05:
            host = host.upper()
            parts.append("upper-case host")
        akid, secret, st, cd = rand_creds(rng)
        parts.append(cd)
        er = rng.random()
        expires = 900 if er < 0.4 else rng.choice([1, 3600, 43200, 604800]) if er < 0.6 else rng.randrange(1, DSQL_MAX_EXPIRES + 1)
        parts.append(f"expires {expires}")
        add(case(kind, "random mix: " + ", ".join(parts), hostname=host, region=region, akid=akid, secret=secret,
                 session_token=st, time=rand_time(rng), expires=expires))
    return out


# ---- errors ---------------------------------------------------------------


def error_cases():
    out = []

    def err(code, kind, description, **kw):
        c = case(kind, description, **kw)
        c["expected_error"] = code
        out.append(c)

    H = "INVALID_HOSTNAME"
    label64 = "a" * 64
    host254 = ".".join(["x" * 63, "y" * 63, "z" * 63, "w" * 62])
    assert len(host254) == 254
    for host, why in [
        ("", "empty hostname"),
        (host254, "254-byte hostname of valid labels (limit 253)"),
        ("https://" + DEFAULT_RDS_HOST, "scheme https:// in the hostname"),
        ("postgres://" + DEFAULT_RDS_HOST, "scheme postgres:// in the hostname"),
        (DEFAULT_RDS_HOST + "/", "trailing slash (path)"),
        (DEFAULT_RDS_HOST + "/db", "path /db"),
        (DEFAULT_RDS_HOST + "?x=1", "query ?x=1"),
        (DEFAULT_RDS_HOST + "#frag", "fragment #"),
        ("user@" + DEFAULT_RDS_HOST, "userinfo user@"),
        ("my db.example.com", "space inside"),
        (" " + DEFAULT_RDS_HOST, "leading space"),
        (DEFAULT_RDS_HOST + " ", "trailing space"),
        (DEFAULT_RDS_HOST + "\t", "trailing tab"),
        (DEFAULT_RDS_HOST + "\n", "trailing newline"),
        ("my\u0000db.example.com", "NUL byte"),
        ("my\u0001db.example.com", "control character U+0001"),
        ("my\u007fdb.example.com", "DEL (U+007F)"),
        ("mydé.example.com", "non-ASCII é"),
        ("日本.example.com", "non-ASCII (IDN not punycoded)"),
        (DEFAULT_RDS_HOST + ":5432", "embedded port host:5432"),
        ("localhost:5432", "embedded port localhost:5432"),
        ("[::1]:5432", "embedded port after an IPv6 literal"),
        ("::1", "unbracketed IPv6 ::1"),
        ("2001:db8::1", "unbracketed IPv6 2001:db8::1"),
        ("." + DEFAULT_RDS_HOST, "leading dot (empty label)"),
        (DEFAULT_RDS_HOST + ".", "trailing dot (empty label)"),
        ("mydb..us-east-1.rds.amazonaws.com", "empty label a..b"),
        (".", "a lone dot"),
        (label64 + ".example.com", "64-byte label (limit 63)"),
        ("my!db.example.com", "'!' in hostname"),
        ("my*db.example.com", "'*' in hostname"),
        ("my,db.example.com", "',' in hostname"),
        ("my%db.example.com", "'%' in hostname"),
        ("my$db.example.com", "'$' in hostname"),
        ("my+db.example.com", "'+' in hostname"),
        ("my=db.example.com", "'=' in hostname"),
        ("my\\db.example.com", "backslash in hostname"),
        ("[]", "empty brackets []"),
        ("[::1", "unclosed bracket [::1"),
        ("::1]", "stray closing bracket ::1]"),
        ("[[::1]]", "nested brackets"),
        ("[::1]x", "characters after the IPv6 literal"),
        ("x[::1]", "characters before the IPv6 literal"),
        ("[::g]", "non-hex character inside brackets"),
        ("[fe80::1%eth0]", "zone id % inside brackets"),
    ]:
        err(H, "rds", f"hostname: {why}", hostname=host)
    for kind in ("dsql", "dsql-admin"):
        for host, why in [
            ("", "empty hostname"),
            ("https://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", "scheme https://"),
            ("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws:5432", "embedded port"),
            ("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws.", "trailing dot"),
            ("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws/", "trailing slash"),
            ("abc defghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", "space inside"),
        ]:
            err(H, kind, f"hostname: {why} ({kind})", hostname=host)

    for p in (0, -1, 65536, 100000):
        err("INVALID_PORT", "rds", f"port {p}", port=p)

    U = "INVALID_USERNAME"
    err(U, "rds", "empty username", username="")
    err(U, "rds", "username containing NUL", username="iam\u0000user")
    err(U, "rds", "username that is a single NUL", username="\u0000")
    err(U, "rds", "username of 1025 ASCII bytes (limit 1024)", username="u" * 1025)
    mb = "日" * 341 + "ab"
    assert utf8_len(mb) == 1025 and len(mb) == 343
    err(U, "rds", "username of 1025 UTF-8 bytes in 343 characters (limit counted in bytes)", username=mb)

    R = "INVALID_REGION"
    for kind in ("rds", "dsql", "dsql-admin"):
        for region, why in [
            ("", "empty region"),
            ("us-east-1a", "an availability zone, not a region"),
            ("US-EAST-1", "upper-case region"),
            ("us-east1", "missing dash before the number"),
        ]:
            err(R, kind, f"region: {why} {region!r} ({kind})", region=region)
    for region, why in [
        ("useast1", "no dashes"),
        ("us-east-1 ", "trailing space"),
        (" us-east-1", "leading space"),
        ("us_east_1", "underscores"),
        ("us-east-123", "three-digit number"),
        ("u-east-1", "one-letter prefix"),
        ("us-1", "no middle part"),
        ("us-east-", "missing number"),
        ("us-east-1\n", "trailing newline"),
        ("us-east-1.", "trailing dot"),
        ("x" * 64, "64-character string"),
        ("global", "'global'"),
    ]:
        err(R, "rds", f"region: {why} {region!r}", region=region)

    Q = "REGION_REQUIRED"
    for host, why in [
        ("10.0.0.1", "IPv4 address"),
        ("127.0.0.1", "loopback IPv4"),
        ("localhost", "localhost"),
        ("[::1]", "IPv6 literal"),
        ("db.example.com", "CNAME"),
        ("mydb.global-c9akciq32pzx.global.rds.amazonaws.com", "global database endpoint ('global' is not a region)"),
        ("mydb.rds.amazonaws.com", "no label before 'rds' that is a region"),
        ("mydb.c9akciq32.us-east-1a.rds.amazonaws.com", "AZ-like label before 'rds'"),
        ("mydb.c9akciq32.rds.us-east-1.amazonaws.com", "rds.<region>. form outside amazonaws.com.cn"),
        ("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", "DSQL hostname for kind rds (RDS rules do not read dsql labels)"),
    ]:
        err(Q, "rds", f"region null and {why}: {host}", hostname=host, region=None)
    for kind in ("dsql", "dsql-admin"):
        for host, why in [
            ("abcdefghijklmnopqrstuvwxyz.dsql.on.aws", "DSQL host without a region label"),
            ("localhost", "localhost"),
            ("10.0.0.1", "IPv4 address"),
            ("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.example.com", "dsql.<region> not followed by on.aws"),
            (DEFAULT_RDS_HOST, "RDS hostname for a DSQL kind (DSQL rules only read dsql labels)"),
        ]:
            err(Q, kind, f"region null and {why} ({kind}): {host}", hostname=host, region=None)

    C = "INVALID_CREDENTIALS"
    for kw, why in [
        (dict(akid=""), "empty access key id"),
        (dict(secret=""), "empty secret access key"),
        (dict(akid="AKIA EXAMPLE"), "access key id with a space"),
        (dict(akid="AKIA/EXAMPLE"), "access key id with '/'"),
        (dict(akid="AKIA\u0000EXAMPLE"), "access key id with NUL"),
        (dict(akid="AKIAÉXAMPLE"), "access key id with non-ASCII"),
        (dict(akid="A" * 129), "access key id of 129 characters (limit 128)"),
        (dict(secret="s" * 1025), "secret of 1025 bytes (limit 1024)"),
        (dict(secret="wJalrXUtnFEMI\u0000K7MDENG"), "secret with NUL"),
        (dict(session_token="t" * 16385), "session token of 16385 bytes (limit 16384)"),
        (dict(session_token="FQoGZXIvYXdzE\u0000tail"), "session token with NUL"),
    ]:
        err(C, "rds", f"credentials: {why}", **kw)
    for kind in ("dsql", "dsql-admin"):
        err(C, kind, f"credentials: empty access key id ({kind})", akid="")
        err(C, kind, f"credentials: empty secret access key ({kind})", secret="")

    E = "INVALID_EXPIRES_IN"
    for e in (0, -1, 901, 3600):
        err(E, "rds", f"expires_in {e} (RDS allows 1..900)", expires=e)
    for kind in ("dsql", "dsql-admin"):
        for e in (0, -1, 604801):
            err(E, kind, f"expires_in {e} ({kind} allows 1..604800)", expires=e)

    T = "INVALID_SIGNING_TIME"
    for t, why in [
        (-1, "one second before the epoch"),
        (-86400, "a day before the epoch"),
        (MAX_TIME + 1, "10000-01-01T00:00:00Z (after 9999-12-31T23:59:59Z)"),
        (DEFAULT_TIME * 1000, "milliseconds passed as seconds"),
    ]:
        err(T, "rds", f"signing time {t}: {why}", time=t)
    err(T, "dsql", "signing time -1 (dsql)", time=-1)
    err(T, "dsql-admin", "signing time 253402300800 (dsql-admin)", time=MAX_TIME + 1)
    return out


# ---- public vectors ---------------------------------------------------------


def public_cases():
    src = json.loads(PUBLIC_SOURCE.read_text())
    out = []
    for v in src:
        t = unix(v["signing_time"])
        c = case(v["kind"], f"{v['source']} :: {v['test']}", hostname=v["hostname"], port=v["port"],
                 username=v["username"], region=v["region"], akid=v["access_key_id"],
                 secret=v["secret_access_key"], session_token=v["session_token"], time=t,
                 expires=v["expires_in_secs"])
        c["id"] = v["id"]
        check_valid(c)
        bt = v["botocore"]["token"]
        region = c["region"] or infer_region(c["kind"], c["hostname"])
        got = botocore_token(c, region)
        if got != bt:
            raise AssertionError(f"{v['id']}: botocore {botocore.__version__} gives\n{got}\nnot\n{bt}")
        if reference_token(c, region) != bt:
            raise AssertionError(f"{v['id']}: reference SigV4 disagrees")
        if not same_token(v["expected_token"], bt):
            raise AssertionError(f"{v['id']}: upstream token is not botocore's up to parameter order")
        c["expected_token"] = bt
        c["js_agrees"] = None
        c["source"] = v["source"]
        c["commit"] = v["commit"]
        c["test"] = v["test"]
        c["official"] = v["official"]
        c["upstream_token"] = v["expected_token"]
        c["upstream_order"] = v["botocore"]["level"]
        if v.get("notes"):
            c["notes"] = v["notes"]
        out.append(c)
    return out


# --------------------------------------------------------------------------
# JS cross-check
# --------------------------------------------------------------------------


def js_available(args):
    if args.no_js:
        return False, "disabled with --no-js"
    if shutil.which("node") is None:
        return False, "node not found"
    for pkg in ("rds-signer", "dsql-signer"):
        if not (HERE / "node_modules" / "@aws-sdk" / pkg / "package.json").exists():
            return False, f"@aws-sdk/{pkg} not installed (run `npm ci` in tests/vectors)"
    return True, ""


def run_js(cases):
    payload = json.dumps([c for c in cases if "expected_token" in c])
    proc = subprocess.run(["node", str(HERE / "crosscheck_js.mjs"), "--stdin-json"], input=payload,
                          capture_output=True, text=True, cwd=HERE, check=True)
    return json.loads(proc.stdout)


def explain_js(c, js_token):
    """Why JS disagrees: find the host header JS signed by re-signing with the
    host as JS builds it (`${hostname}:${port}` for RDS, `${hostname}` for DSQL)."""
    region = c["region"] or infer_region(c["kind"], c["hostname"])
    js_host = f"{c['hostname']}:{c['port']}" if c["kind"] == "rds" else c["hostname"]
    boto_host = botocore_signed_host(c)
    if js_token is not None and same_token(reference_token(c, region, signed_host=js_host), js_token):
        reasons = []
        if c["hostname"] != c["hostname"].lower():
            reasons.append("upper-case host signed as given")
        if c["kind"] == "rds" and c["port"] == 443:
            reasons.append("signs :443")
        return f"JS signs host header {js_host!r} ({', '.join(reasons)}); botocore signs {boto_host!r}"
    return "UNEXPLAINED: JS token is not botocore's with any other host header"


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def ordered(c):
    out = {k: c[k] for k in CASE_KEYS}
    for k in ("expected_token", "expected_error", "js_agrees", "js_note"):
        if k in c:
            out[k] = c[k]
    for k, v in c.items():
        if k not in out:
            out[k] = v
    return out


def document(description, generator, cases):
    return json.dumps({"format": FORMAT, "description": description, "generator": generator,
                       "cases": [ordered(c) for c in cases]}, indent=2, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="regenerate in memory and fail if a committed file differs")
    ap.add_argument("--no-js", action="store_true", help="skip the JS cross-check (js_agrees: null)")
    ap.add_argument("--require-js", action="store_true", help="fail if the JS cross-check cannot run")
    ap.add_argument("--any-botocore", action="store_true", help=f"allow a botocore other than {BOTOCORE_VERSION}")
    args = ap.parse_args()

    if botocore.__version__ != BOTOCORE_VERSION and not args.any_botocore:
        sys.exit(f"botocore {botocore.__version__} installed; vectors were made with {BOTOCORE_VERSION} (use --any-botocore to override)")

    rng = random.Random(SEED)
    rds = rds_cases(rng)
    dsql = dsql_cases(rng)
    errors = error_cases()
    public = public_cases()

    for prefix, group in (("rds", rds), ("dsql", dsql), ("err", errors)):
        for i, c in enumerate(group, 1):
            c["id"] = f"{prefix}-{i:04d}"
    for c in rds + dsql:
        finish_token_case(c)
    ids = [c["id"] for c in rds + dsql + errors + public]
    assert len(ids) == len(set(ids)), "duplicate case ids"

    ok, why = js_available(args)
    js_desc = "JS cross-check not run"
    if ok:
        result = run_js(rds + dsql + public)
        by_id = {r["id"]: r for r in result["results"]}
        for c in rds + dsql + public:
            r = by_id[c["id"]]
            c["js_agrees"] = r["agrees"]
            if not r["agrees"]:
                c["js_note"] = explain_js(c, r["js_token"]) if r["js_token"] else f"JS error: {r['js_error']}"
        v = result["versions"]
        js_desc = (f"JS cross-check: @aws-sdk/rds-signer {v['@aws-sdk/rds-signer']}, "
                   f"@aws-sdk/dsql-signer {v['@aws-sdk/dsql-signer']} on node {v['node']}")
    elif args.require_js:
        sys.exit(f"JS cross-check unavailable: {why}")
    else:
        print(f"warning: JS cross-check skipped ({why}); js_agrees will be null", file=sys.stderr)

    generator = (f"tests/vectors/generate.py, seed {SEED}, botocore {botocore.__version__}; {js_desc}")
    files = {
        "rds.json": document("Amazon RDS / Aurora IAM auth tokens (kind rds). expected_token is botocore's exact output.", generator, rds),
        "dsql.json": document("Aurora DSQL auth tokens (kinds dsql = DbConnect, dsql-admin = DbConnectAdmin). expected_token is botocore's exact output.", generator, dsql),
        "errors.json": document("Inputs auroraiam must reject; expected_error is the error code. Exactly one input is invalid per case.", generator, errors),
        "public.json": document("Known-answer vectors from public SDK and third-party test suites. expected_token is botocore's exact output; upstream_token is the string the upstream test pins (equal up to query parameter order).", generator, public),
    }

    if args.check:
        def without_js(text):
            doc = json.loads(text)
            doc.pop("generator")
            for c in doc["cases"]:
                c.pop("js_agrees", None)
                c.pop("js_note", None)
            return doc

        stale = []
        for name, text in files.items():
            path = HERE / name
            if not path.exists():
                stale.append(name)
            elif ok and path.read_text() != text:
                stale.append(name)
            elif not ok and without_js(path.read_text()) != without_js(text):
                stale.append(name)
        if stale:
            sys.exit(f"out of date: {', '.join(stale)}")
        print("vectors up to date" + ("" if ok else " (JS columns and generator line not checked)"))
        return
    for name, text in files.items():
        (HERE / name).write_text(text)

    tokens = rds + dsql + public
    agree = sum(1 for c in tokens if c["js_agrees"] is True)
    disagree = [c for c in tokens if c["js_agrees"] is False]
    print(f"rds.json {len(rds)}, dsql.json {len(dsql)}, errors.json {len(errors)}, public.json {len(public)} cases")
    if ok:
        print(f"JS agrees on {agree}/{len(tokens)}; disagrees on {len(disagree)}:")
        for c in disagree:
            print(f"  {c['id']}: {c['js_note']}")


if __name__ == "__main__":
    main()
