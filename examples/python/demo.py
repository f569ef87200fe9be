"""Prints the token for the demo inputs (`source scripts/demo.env`); used by `make demo-python`.

Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (credentials=None), the
region is inferred from the hostname, the signing time is DEMO_SIGNING_TIME (Unix seconds).
"""

import os

import auroraiam

print(
    auroraiam.generate_auth_token(
        os.environ["DEMO_HOSTNAME"],
        int(os.environ["DEMO_PORT"]),
        os.environ["DEMO_USERNAME"],
        signing_time=int(os.environ["DEMO_SIGNING_TIME"]),
    )
)
