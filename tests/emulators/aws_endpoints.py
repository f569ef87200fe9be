#!/usr/bin/env python3
"""Loopback emulator of the AWS credential endpoints the default chain talks to.

One HTTP server on 127.0.0.1 serves:
  * EC2 IMDSv2      PUT /latest/api/token, GET /latest/meta-data/iam/security-credentials/[ROLE]
                    (point the SDK at it with AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT)
  * ECS / EKS Pod Identity container credentials
                    GET /ecs/credentials with "Authorization: <token>"
                    (AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/ecs/credentials,
                     AWS_CONTAINER_AUTHORIZATION_TOKEN=<token given with --ecs-token>)
  * STS             POST / Action=AssumeRoleWithWebIdentity (AWS_ENDPOINT_URL_STS=http://127.0.0.1:PORT)

Every credential fetch mints new temporary credentials (ASIA… key, session token) that expire
`lifetime` seconds later, so tests can watch rotation. Tests steer and observe it through:
  POST /_control/config  {"lifetime": 900, "delay_ms": 0, "mode": "ok"|"malformed"|"error"|"hang"}
  GET  /_control/stats   {"imds": n, "ecs": n, "sts": n, "imds_tokens": n}
  GET  /_control/secret/<access key id>  -> the secret access key it minted (for verifying tokens)

Usage: aws_endpoints.py [--port 0] [--ecs-token TOKEN]; prints "PORT <n>" on the first line of
stdout, then serves until stdin reaches EOF or the process is killed. Test-only: no TLS, loopback.
"""
import argparse
import datetime
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ROLE = "auroraiam-test-role"
LOCK = threading.Lock()
STATE = {
    "config": {"lifetime": 900, "delay_ms": 0, "mode": "ok"},
    "stats": {"imds": 0, "ecs": 0, "sts": 0, "imds_tokens": 0},
    "secrets": {},
    "serial": 0,
    "ecs_token": "ecs-test-token",
}


def mint(kind):
    """New temporary credentials; records the secret so tests can verify tokens."""
    with LOCK:
        STATE["serial"] += 1
        n = STATE["serial"]
        STATE["stats"][kind] += 1
        lifetime = STATE["config"]["lifetime"]
        akid = f"ASIA{kind.upper():<4}{n:012d}".replace(" ", "X")[:20]
        secret = f"secret/{kind}/{n}/" + "x" * 20
        STATE["secrets"][akid] = secret
    expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=lifetime)
    return {
        "AccessKeyId": akid,
        "SecretAccessKey": secret,
        "Token": f"IQoJb3JpZ2luX2Vj/{kind}/{n}+session==",
        "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

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

    def misbehave(self):
        """Applies the configured delay and failure mode; True when the request was answered."""
        cfg = STATE["config"]
        if cfg["delay_ms"]:
            time.sleep(cfg["delay_ms"] / 1000)
        if cfg["mode"] == "hang":
            time.sleep(3600)
        if cfg["mode"] == "error":
            self.reply(500, '{"message": "internal error"}')
            return True
        if cfg["mode"] == "malformed":
            self.reply(200, '{"AccessKeyId": "ASIA', "application/json")
            return True
        return False

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
        if self.path.startswith("/_control/secret/"):
            secret = STATE["secrets"].get(self.path.rsplit("/", 1)[1])
            return self.reply(200 if secret else 404, json.dumps({"secret": secret}))
        if self.path.startswith("/latest/meta-data/iam/security-credentials"):
            if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
                return self.reply(401, "", "text/plain")
            rest = self.path[len("/latest/meta-data/iam/security-credentials"):].strip("/")
            if not rest:
                return self.reply(200, ROLE, "text/plain")
            if rest != ROLE:
                return self.reply(404, "", "text/plain")
            if self.misbehave():
                return
            creds = mint("imds")
            creds.update({"Code": "Success", "Type": "AWS-HMAC",
                          "LastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
            return self.reply(200, json.dumps(creds))
        if self.path == "/latest/meta-data/placement/region":
            return self.reply(200, "us-east-1", "text/plain")
        if self.path == "/ecs/credentials":
            if self.headers.get("Authorization") != STATE["ecs_token"]:
                return self.reply(401, '{"message": "bad authorization"}')
            if self.misbehave():
                return
            creds = mint("ecs")
            creds["RoleArn"] = f"arn:aws:iam::123456789012:role/{ROLE}"
            return self.reply(200, json.dumps(creds))
        self.reply(404, "not found", "text/plain")

    def do_POST(self):
        body = self.body()
        if self.path == "/_control/config":
            with LOCK:
                STATE["config"].update(json.loads(body or b"{}"))
            return self.reply(200, json.dumps(STATE["config"]))
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if form.get("Action") == "AssumeRoleWithWebIdentity":
            if not form.get("WebIdentityToken") or not form.get("RoleArn"):
                return self.reply(400, "<ErrorResponse><Error><Code>InvalidParameterValue</Code></Error></ErrorResponse>",
                                  "text/xml")
            if self.misbehave():
                return
            c = mint("sts")
            xml = f"""<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>{c['AccessKeyId']}</AccessKeyId>
      <SecretAccessKey>{c['SecretAccessKey']}</SecretAccessKey>
      <SessionToken>{c['Token']}</SessionToken>
      <Expiration>{c['Expiration']}</Expiration>
    </Credentials>
    <SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/{ROLE}/{form.get('RoleSessionName', 'session')}</Arn>
      <AssumedRoleId>AROAEXAMPLE:{form.get('RoleSessionName', 'session')}</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>"""
            return self.reply(200, xml, "text/xml")
        self.reply(404, "not found", "text/plain")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ecs-token", default="ecs-test-token")
    ap.add_argument("--lifetime", type=int, default=900)
    args = ap.parse_args()
    STATE["ecs_token"] = args.ecs_token
    STATE["config"]["lifetime"] = args.lifetime
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sys.stdin.read()  # until the test closes our stdin (or kills us)
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
