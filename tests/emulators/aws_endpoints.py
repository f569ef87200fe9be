#!/usr/bin/env python3
"""Loopback emulator of the AWS credential endpoints the default chain talks to.

One HTTP server on 127.0.0.1 serves:
  * EC2 IMDSv2      PUT /latest/api/token, GET /latest/meta-data/iam/security-credentials/[ROLE]
                    (point the SDK at it with AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT)
  * ECS / EKS Pod Identity container credentials
                    GET /ecs/credentials with "Authorization: <token>"
                    (AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/ecs/credentials,
                     AWS_CONTAINER_AUTHORIZATION_TOKEN=<token given with --ecs-token>)
  * STS             POST / Action=AssumeRoleWithWebIdentity   (web identity, EKS IRSA)
                    POST / Action=AssumeRole                  (profiles with role_arn + source_profile)
                    (AWS_ENDPOINT_URL_STS=http://127.0.0.1:PORT)

Every credential fetch mints new temporary credentials (ASIA… key, session token) that expire
`lifetime` seconds later, so tests can watch rotation. Tests steer and observe it through:

  POST /_control/config  JSON object; keys given are merged into the current configuration,
                         which is returned:
      "lifetime":     seconds until minted credentials expire (default 900, or --lifetime)
      "delay_ms":     delay before answering a credential request (default 0)
      "mode":         "ok" | "malformed" (truncated JSON / XML body, HTTP 200)
                      | "error" (HTTP 500, retryable) | "denied" (HTTP 403, not retryable)
                      | "hang" (never answers)
                      | "reset" (the connection is reset: TCP RST, no answer)
                      | "stall" (headers and half the body of a valid answer, then nothing)
                      | "throttle" (HTTP 429 Throttling, retryable)
                      | "garbage" (HTTP 200, 4 KiB of random bytes, not UTF-8)
                      | "huge" (HTTP 200, valid credentials whose session token is 16 MiB)
                      Expired credentials: a negative "lifetime".
      "clock_offset": seconds added to the emulator's clock when computing "Expiration", so a
                      test driving a simulated clock (now + offset) sees consistent expiries
      "endpoints":    per-endpoint overrides of the keys above, merged per endpoint:
                      {"imds": {...}, "ecs": {...}, "sts": {...}}; e.g.
                      {"endpoints": {"ecs": {"mode": "malformed"}}} breaks only ECS.
                      An endpoint's effective setting = its override, else the global value.
  POST /_control/reset   back to the start-up configuration; zeroes stats and the request log
                         (minted secrets are kept so earlier tokens still verify)
  GET  /_control/stats   {"imds": n, "ecs": n, "sts": n, "imds_tokens": n,
                          "sts_web_identity": n, "sts_assume_role": n}
                         (imds/ecs/sts count credential fetches answered with credentials;
                          sts = sts_web_identity + sts_assume_role)
  GET  /_control/secret/<access key id>
                         -> {"secret": ..., "session_token": ..., "expiration": "...Z",
                             "expiration_epoch": n, "endpoint": "imds"|"ecs"|"sts"}
                            for credentials it minted (404 with {"secret": null} otherwise)
  GET  /_control/log     every credential request seen, in order: [{"endpoint", "action",
                         "caller" (access key id from a SigV4 Authorization header, or null),
                         "role_arn", "session_name", "access_key_id" (minted, or null), "mode"}]

Every minted key is also appended as "ACCESS_KEY_ID SECRET" to each --register-keys FILE (a key
file of the local database emulation, e2e/, so its verifier accepts tokens signed with the rotated
credentials).

Usage: aws_endpoints.py [--port 0] [--ecs-token TOKEN] [--lifetime 900] [--register-keys FILE]...; prints "PORT <n>" on
the first line of stdout, then serves until stdin reaches EOF or the process is killed.
Test-only: no TLS, loopback, secrets are fake.
"""
import argparse
import copy
import datetime
import json
import os
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ROLE = "auroraiam-test-role"
ENDPOINTS = ("imds", "ecs", "sts")
SETTINGS = ("lifetime", "delay_ms", "mode", "clock_offset")
MODES = ("ok", "malformed", "error", "denied", "hang", "reset", "stall", "throttle", "garbage", "huge")
LOCK = threading.Lock()


def fresh_stats():
    return {"imds": 0, "ecs": 0, "sts": 0, "imds_tokens": 0, "sts_web_identity": 0, "sts_assume_role": 0}


DEFAULT_CONFIG = {"lifetime": 900, "delay_ms": 0, "mode": "ok", "clock_offset": 0,
                  "endpoints": {e: {} for e in ENDPOINTS}}
STATE = {
    "config": copy.deepcopy(DEFAULT_CONFIG),
    "stats": fresh_stats(),
    "secrets": {},
    "log": [],
    "serial": 0,
    "ecs_token": "ecs-test-token",
    "register_keys": [],
}


def setting(endpoint, key):
    """The effective value of `key` for `endpoint`: its override, else the global value."""
    cfg = STATE["config"]
    return cfg["endpoints"].get(endpoint, {}).get(key, cfg[key])


def merge_config(update):
    """Merges a /_control/config body into the configuration; raises ValueError when invalid."""
    if not isinstance(update, dict):
        raise ValueError("config must be a JSON object")
    for key, value in update.items():
        if key == "endpoints":
            if not isinstance(value, dict):
                raise ValueError("endpoints must be an object")
            for endpoint, overrides in value.items():
                if endpoint not in ENDPOINTS or not isinstance(overrides, dict):
                    raise ValueError(f"unknown endpoint {endpoint!r} (known: {', '.join(ENDPOINTS)})")
                for k, v in overrides.items():
                    check_setting(k, v)
                STATE["config"]["endpoints"][endpoint].update(overrides)
        else:
            check_setting(key, value)
            STATE["config"][key] = value


def check_setting(key, value):
    if key not in SETTINGS:
        raise ValueError(f"unknown setting {key!r} (known: {', '.join(SETTINGS)}, endpoints)")
    if key == "mode" and value not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    if key != "mode" and not isinstance(value, (int, float)):
        raise ValueError(f"{key} must be a number")


def mint(kind):
    """New temporary credentials; records the secret so tests can verify tokens."""
    with LOCK:
        STATE["serial"] += 1
        n = STATE["serial"]
        STATE["stats"][kind] += 1
        lifetime = setting(kind, "lifetime")
        offset = setting(kind, "clock_offset")
        akid = f"ASIA{kind.upper():<4}{n:012d}".replace(" ", "X")[:20]
        secret = f"secret/{kind}/{n}/" + "x" * 20
        token = f"IQoJb3JpZ2luX2Vj/{kind}/{n}+session=="
        expiry_epoch = int(time.time() + offset + lifetime)
        expiry = datetime.datetime.fromtimestamp(expiry_epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        STATE["secrets"][akid] = {"secret": secret, "session_token": token, "expiration": expiry,
                                  "expiration_epoch": expiry_epoch, "endpoint": kind}
        for path in STATE["register_keys"]:
            # Appending keeps the file's owner and mode. Key ids restart with each emulator
            # run (with the same secrets); a key file must not name one twice.
            with open(path, "a+") as f:
                f.seek(0)
                if not any(line.split(" ", 1)[0] == akid for line in f):
                    f.write(f"{akid} {secret}\n")
    return {
        "AccessKeyId": akid,
        "SecretAccessKey": secret,
        "Token": token,
        "Expiration": expiry,
    }


def sigv4_caller(headers):
    """The access key id of a SigV4-signed request, if any."""
    m = re.search(r"Credential=([^/,\s]+)/", headers.get("Authorization") or "")
    return m.group(1) if m else None


STS_XML = """<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{action}Result>
    <Credentials>
      <AccessKeyId>{c[AccessKeyId]}</AccessKeyId>
      <SecretAccessKey>{c[SecretAccessKey]}</SecretAccessKey>
      <SessionToken>{c[Token]}</SessionToken>
      <Expiration>{c[Expiration]}</Expiration>
    </Credentials>{extra}
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/{role}/{session}</Arn>
      <AssumedRoleId>AROAEXAMPLE:{session}</AssumedRoleId>
    </AssumedRoleUser>
  </{action}Result>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</{action}Response>"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are written separately: no delayed-ACK stall

    def log_message(self, *args):  # quiet
        pass

    def reply(self, status, body, content_type="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def record(self, endpoint, action, minted=None, **extra):
        entry = {"endpoint": endpoint, "action": action, "caller": sigv4_caller(self.headers),
                 "role_arn": extra.get("role_arn"), "session_name": extra.get("session_name"),
                 "access_key_id": minted, "mode": setting(endpoint, "mode")}
        with LOCK:
            STATE["log"].append(entry)

    def misbehave(self, endpoint, action, **extra):
        """Applies the endpoint's delay and failure mode; True when the request was answered."""
        delay_ms = setting(endpoint, "delay_ms")
        mode = setting(endpoint, "mode")
        if mode != "ok":
            self.record(endpoint, action, **extra)
        if delay_ms:
            time.sleep(delay_ms / 1000)
        if mode == "hang":
            time.sleep(3600)
            return True
        xml = endpoint == "sts"
        if mode == "error":
            if xml:
                self.reply(500, "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                                "<Message>emulated internal error</Message></Error></ErrorResponse>", "text/xml")
            else:
                self.reply(500, '{"message": "internal error"}')
            return True
        if mode == "denied":
            if xml:
                self.reply(403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                                "<Message>emulated access denied</Message></Error></ErrorResponse>", "text/xml")
            else:
                self.reply(403, '{"code": "AccessDenied", "message": "emulated access denied"}')
            return True
        if mode == "reset":
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return True
        if mode == "stall":
            body = self.valid_body(endpoint, action).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml" if xml else "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            time.sleep(3600)
            return True
        if mode == "throttle":
            if xml:
                self.reply(429, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                                "<Message>Rate exceeded</Message></Error></ErrorResponse>", "text/xml")
            else:
                self.reply(429, '{"code": "Throttling", "message": "Rate exceeded"}')
            return True
        if mode == "garbage":
            self.reply(200, os.urandom(4096) + b"\xff\xfe", "text/xml" if xml else "application/json")
            return True
        if mode == "huge":
            self.reply(200, self.valid_body(endpoint, action, session_token="A" * (16 << 20)),
                       "text/xml" if xml else "application/json")
            return True
        if mode == "malformed":
            if xml:
                self.reply(200, f"<{action}Response><{action}Result><Credentials><AccessKeyId>ASIA", "text/xml")
            else:
                self.reply(200, '{"AccessKeyId": "ASIA', "application/json")
            return True
        return False

    def valid_body(self, endpoint, action, session_token=None):
        """The body of a successful answer with fake credentials (not minted, not counted)."""
        c = {"AccessKeyId": "ASIAFAULTEXAMPLE0001", "SecretAccessKey": "fault/secret/" + "x" * 27,
             "Token": session_token or "IQoJb3JpZ2luX2Vj/fault+session==",
             "Expiration": datetime.datetime.fromtimestamp(time.time() + 900, datetime.timezone.utc)
             .strftime("%Y-%m-%dT%H:%M:%SZ")}
        if endpoint == "sts":
            return STS_XML.format(action=action, c=c, extra="", role="fault-role", session="fault")
        return json.dumps({**c, "Code": "Success", "Type": "AWS-HMAC"})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_PUT(self):
        self.body()
        if self.path == "/latest/api/token":
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.reply(400, "missing TTL", "text/plain")
            with LOCK:
                STATE["stats"]["imds_tokens"] += 1
            return self.reply(200, "imds-session-token", "text/plain",
                              {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
        self.reply(404, "not found", "text/plain")

    def do_GET(self):
        if self.path == "/_control/stats":
            with LOCK:
                return self.reply(200, json.dumps(STATE["stats"]))
        if self.path == "/_control/log":
            with LOCK:
                return self.reply(200, json.dumps(STATE["log"]))
        if self.path.startswith("/_control/secret/"):
            with LOCK:
                entry = STATE["secrets"].get(self.path.rsplit("/", 1)[1])
            return self.reply(200 if entry else 404, json.dumps(entry or {"secret": None}))
        if self.path.startswith("/latest/meta-data/iam/security-credentials"):
            if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
                return self.reply(401, "", "text/plain")
            rest = self.path[len("/latest/meta-data/iam/security-credentials"):].strip("/")
            if not rest:
                return self.reply(200, ROLE, "text/plain")
            if rest != ROLE:
                return self.reply(404, "", "text/plain")
            if self.misbehave("imds", "GetRoleCredentials"):
                return
            creds = mint("imds")
            self.record("imds", "GetRoleCredentials", creds["AccessKeyId"])
            creds.update({"Code": "Success", "Type": "AWS-HMAC",
                          "LastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
            return self.reply(200, json.dumps(creds))
        if self.path == "/latest/meta-data/placement/region":
            return self.reply(200, "us-east-1", "text/plain")
        if self.path == "/ecs/credentials":
            if self.headers.get("Authorization") != STATE["ecs_token"]:
                return self.reply(401, '{"message": "bad authorization"}')
            if self.misbehave("ecs", "GetCredentials"):
                return
            creds = mint("ecs")
            self.record("ecs", "GetCredentials", creds["AccessKeyId"])
            creds["RoleArn"] = f"arn:aws:iam::123456789012:role/{ROLE}"
            return self.reply(200, json.dumps(creds))
        self.reply(404, "not found", "text/plain")

    def do_POST(self):
        body = self.body()
        if self.path == "/_control/config":
            with LOCK:
                try:
                    merge_config(json.loads(body or b"{}"))
                except ValueError as e:  # also json.JSONDecodeError
                    return self.reply(400, json.dumps({"error": str(e)}))
                return self.reply(200, json.dumps(STATE["config"]))
        if self.path == "/_control/reset":
            with LOCK:
                STATE["config"] = copy.deepcopy(DEFAULT_CONFIG)
                STATE["stats"] = fresh_stats()
                STATE["log"] = []
                return self.reply(200, json.dumps(STATE["config"]))
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        action = form.get("Action")
        if action in ("AssumeRoleWithWebIdentity", "AssumeRole"):
            role_arn, session = form.get("RoleArn"), form.get("RoleSessionName", "session")
            missing = not role_arn or (action == "AssumeRoleWithWebIdentity" and not form.get("WebIdentityToken"))
            if action == "AssumeRole" and not sigv4_caller(self.headers):
                missing = True  # AssumeRole must be signed with the source profile's credentials
            if missing:
                return self.reply(400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>"
                                       "</Error></ErrorResponse>", "text/xml")
            if self.misbehave("sts", action, role_arn=role_arn, session_name=session):
                return
            c = mint("sts")
            with LOCK:
                STATE["stats"]["sts_web_identity" if action == "AssumeRoleWithWebIdentity" else "sts_assume_role"] += 1
            self.record("sts", action, c["AccessKeyId"], role_arn=role_arn, session_name=session)
            extra = ("\n    <SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken>"
                     if action == "AssumeRoleWithWebIdentity" else "")
            role = role_arn.rsplit("/", 1)[-1]
            return self.reply(200, STS_XML.format(action=action, c=c, extra=extra, role=role, session=session),
                              "text/xml")
        self.reply(404, "not found", "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (timeout tests) is expected; anything else is worth a traceback.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ecs-token", default="ecs-test-token")
    ap.add_argument("--lifetime", type=int, default=900)
    ap.add_argument("--register-keys", action="append", default=[], metavar="FILE")
    args = ap.parse_args()
    STATE["ecs_token"] = args.ecs_token
    STATE["register_keys"] = args.register_keys
    DEFAULT_CONFIG["lifetime"] = args.lifetime
    STATE["config"] = copy.deepcopy(DEFAULT_CONFIG)
    server = Server(("127.0.0.1", args.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sys.stdin.read()  # until the test closes our stdin (or kills us)
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
