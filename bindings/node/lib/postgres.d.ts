// auroraiam/postgres: postgres.js options with a fresh IAM token per connection.
import type { DsqlConnectOptions, IamConnectOptions, IamTokenSource } from './common'

export type { DsqlConnectOptions, IamConnectOptions, IamTokenSource } from './common'

/** Options of {@link options}: auroraiam's, plus any postgres.js option but the password. */
export interface PostgresIamOptions extends IamConnectOptions, DsqlConnectOptions {
  /** postgres.js options (max, max_lifetime, idle_timeout, connect_timeout, ...). */
  [option: string]: unknown
}

/** postgres.js options. */
export interface PostgresIamConfig {
  host: string
  port: number
  user: string
  database?: string
  ssl: import('node:tls').ConnectionOptions
  /** Called by postgres.js for each new connection: the signer's current token. */
  pass: () => Promise<string>
  /** The token source (non-enumerable). */
  readonly iam: IamTokenSource
  [option: string]: unknown
}

/**
 * Options for `postgres(options)` (postgres.js 3).
 *
 * @throws {Error} with `code` `INVALID_ARGUMENT`, `INVALID_HOSTNAME`, `INVALID_USERNAME`, or the
 * `Signer` constructor's errors
 */
export declare function options(options: PostgresIamOptions): PostgresIamConfig
