// auroraiam/mysql2: mysql2 options and pools with a fresh IAM token per connection.
import type { ConnectionOptions, Pool, PoolOptions } from 'mysql2'
import type { Connection as PromiseConnection } from 'mysql2/promise'
import type { IamConnectOptions, IamTokenSource } from './common'

export type { IamConnectOptions, IamTokenSource } from './common'

/** Options: auroraiam's, plus any mysql2 connection (and, for pools, pool) option but the password. */
export interface Mysql2IamOptions extends IamConnectOptions {
  [option: string]: unknown
}

/** mysql2 options with the `mysql_clear_password` plugin and TLS. */
export type Mysql2IamConnectionOptions = ConnectionOptions & { readonly iam: IamTokenSource }
/** mysql2 pool options with the `mysql_clear_password` plugin and TLS. */
export type Mysql2IamPoolOptions = PoolOptions & { readonly iam: IamTokenSource }

/**
 * Options for `mysql.createConnection()` (mysql2, mysql2/promise), Sequelize's `dialectOptions`
 * or knex's `connection`: `authPlugins.mysql_clear_password` hands over the signer's current
 * token, and only over TLS.
 *
 * @throws {Error} with `code` `INVALID_ARGUMENT`, `INVALID_HOSTNAME`, `INVALID_USERNAME`, or the
 * `Signer` constructor's errors
 */
export declare function connectionOptions(options: Mysql2IamOptions): Mysql2IamConnectionOptions

/** As {@link connectionOptions}, for `mysql.createPool()`; pool options allowed too. */
export declare function poolOptions(options: Mysql2IamOptions): Mysql2IamPoolOptions

/**
 * `mysql.createPool(poolOptions(options))` whose new connections retry once, with a
 * forced-fresh token, when the server refuses a token (errno 1045); `.promise()` gives the
 * mysql2/promise pool.
 */
export declare function createPool(options: Mysql2IamOptions): Pool

/** A mysql2/promise connection, retried once with a forced-fresh token when the server refuses a token. */
export declare function createConnection(options: Mysql2IamOptions): Promise<PromiseConnection>
