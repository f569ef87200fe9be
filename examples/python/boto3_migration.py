"""Migrating from boto3: change one line, keep the arguments.

Before:
    import boto3
    token = boto3.client("rds").generate_db_auth_token(DBHostname=HOST, Port=5432, DBUsername="app_user")

After (same argument names, same token; no boto3 needed):
    import auroraiam
    token = auroraiam.generate_db_auth_token(DBHostname=HOST, Port=5432, DBUsername="app_user")

Credentials: auroraiam resolves them like boto3 (the default chain: AWS_* variables, profiles,
SSO, web identity, container, instance metadata). Code that already has a boto3 session can
hand its credentials over:
    auroraiam.generate_db_auth_token(HOST, 5432, "app_user", credentials=boto3.Session().get_credentials())
Region: boto3 takes the client's region when Region is omitted; auroraiam infers it from the
hostname (pass Region= for IPs, tunnels and CNAMEs).
"""

import os

import auroraiam

HOST = os.environ.get("PGHOST", "mydb.cluster-abc123.us-east-1.rds.amazonaws.com")

if __name__ == "__main__":
    token = auroraiam.generate_db_auth_token(DBHostname=HOST, Port=5432, DBUsername="app_user")
    print(len(token), "characters")
