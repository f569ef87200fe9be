"""SQLAlchemy engine whose every new pooled connection logs in with a fresh IAM token.

    pip install auroraiam sqlalchemy "psycopg[binary]"

The `do_connect` event runs each time the pool opens a DBAPI connection, so tokens never go
stale however long the engine lives; connections already open are unaffected by token expiry.
"""

import os
from typing import Any

from sqlalchemy import create_engine, event, text

import auroraiam

HOST = os.environ.get("PGHOST", "mydb.cluster-abc123.us-east-1.rds.amazonaws.com")
PORT = int(os.environ.get("PGPORT", "5432"))
USER = os.environ.get("PGUSER", "app_user")
DBNAME = os.environ.get("PGDATABASE", "postgres")

engine = create_engine(
    f"postgresql+psycopg://{USER}@{HOST}:{PORT}/{DBNAME}",
    connect_args={"sslmode": "require"},
    pool_pre_ping=True,
)


@event.listens_for(engine, "do_connect")
def provide_token(dialect: Any, conn_rec: Any, cargs: Any, cparams: dict[str, Any]) -> None:
    cparams["password"] = auroraiam.generate_auth_token(HOST, PORT, USER)


if __name__ == "__main__":
    with engine.connect() as conn:
        print(conn.execute(text("select current_user")).scalar_one())
