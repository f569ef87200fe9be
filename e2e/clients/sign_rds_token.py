"""An RDS IAM token with any X-Amz-Expires, signed from the SigV4 specification (stdlib only),
in botocore's layout. The libraries refuse to make an RDS token living over 900 s; the e2e run
uses this to check that the verifier refuses one (TOKEN_LIFETIME_TOO_LONG).

    AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... python3 sign_rds_token.py HOST PORT USER REGION EXPIRES
"""

import datetime
import hashlib
import hmac
import os
import sys
import urllib.parse


def sign_rds_token(host: str, port: int, user: str, region: str, expires: int, akid: str, secret: str) -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    amz, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/{region}/rds-db/aws4_request"
    quote = lambda s: urllib.parse.quote(s, safe="-_.~")  # noqa: E731
    query = (f"Action=connect&DBUser={quote(user)}&X-Amz-Algorithm=AWS4-HMAC-SHA256"
             f"&X-Amz-Credential={quote(akid + '/' + scope)}&X-Amz-Date={amz}&X-Amz-Expires={expires}"
             "&X-Amz-SignedHeaders=host")
    signed_host = host.lower() + ("" if port == 443 else f":{port}")
    creq = f"GET\n/\n{query}\nhost:{signed_host}\n\nhost\n{hashlib.sha256(b'').hexdigest()}"
    sts = f"AWS4-HMAC-SHA256\n{amz}\n{scope}\n{hashlib.sha256(creq.encode()).hexdigest()}"
    key = ("AWS4" + secret).encode()
    for part in (day, region, "rds-db", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return f"{host}:{port}/?{query}&X-Amz-Signature={signature}"


if __name__ == "__main__":
    h, p, u, r, e = sys.argv[1:6]
    print(sign_rds_token(h, int(p), u, r, int(e), os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]))
