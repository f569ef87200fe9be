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

/**
 * postgres.js' `sql` for `options(options)`, with a refused token (SQLSTATE 28000 / 28P01)
 * retried once with credentials resolved anew — for queries, `sql.begin` (before its callback
 * ran) and `sql.reserve`. `T` is the `sql` type to see, e.g. `import('postgres').Sql`.
 *
 * @throws {Error} as {@link options}, and `MODULE_NOT_FOUND` when the `postgres` package is
 * not installed
 */
export declare function postgres<T = any>(options: PostgresIamOptions): T & { readonly iam: IamTokenSource }
