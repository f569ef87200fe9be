// auroraiam/pg: node-postgres (`pg`) configuration with a fresh IAM token per connection.
import type { DsqlConnectOptions, IamConnectOptions, IamTokenSource } from './common'

export type { DsqlConnectOptions, IamConnectOptions, IamTokenSource } from './common'

/** Options of {@link poolConfig}: auroraiam's, plus any pg.Client / pg.Pool option but the password. */
export interface PgIamOptions extends IamConnectOptions, DsqlConnectOptions {
  /** The pg.Client class to extend (default: `require('pg').Client`). */
  Client?: new (config?: any) => any
  /** pg.Pool options (max, idleTimeoutMillis, maxLifetimeSeconds, ...) and pg.Client options. */
  [option: string]: unknown
}

/** A pg.Pool / pg.Client configuration. */
export interface PgIamConfig {
  host: string
  port: number
  user: string
  database?: string
  /** TLS options, certificate verification on unless turned off explicitly. */
  ssl: import('node:tls').ConnectionOptions
  /** Called by pg for each new connection: the signer's current token. */
  password: () => Promise<string>
  /** A pg.Client subclass that retries once, with a forced-fresh token, when the server refuses a token (SQLSTATE 28000 or 28P01). */
  Client: new (config?: any) => any
  /** The token source (non-enumerable). */
  readonly iam: IamTokenSource
  [option: string]: unknown
}

/**
 * A configuration for `new pg.Pool(config)`; for one client `new config.Client(config)`;
 * also usable as `new PrismaPg(new pg.Pool(config))` and as knex's `connection` (those create
 * plain pg.Client instances: a fresh token per connection, without the retry).
 *
 * @throws {Error} with `code` `INVALID_ARGUMENT` (unknown option, `password`, TLS turned off),
 * `INVALID_HOSTNAME`, `INVALID_USERNAME`, or the `Signer` constructor's errors
 */
export declare function poolConfig(options: PgIamOptions): PgIamConfig
