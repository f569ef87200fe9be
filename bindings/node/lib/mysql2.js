'use strict'
// auroraiam/mysql2: mysql2 connection and pool options that answer the server's
// `mysql_clear_password` request with a current IAM token from one cached Signer, only over
// TLS; and pools and connections that retry once with a forced-fresh token when the server
// rejects a token.

const { driverConfig, requirePeer, keySet, optionError } = require('./common.js')

/** What mysql2 reads besides the options auroraiam handles (mysql2 3 ConnectionConfig). */
const CONNECTION_KEYS = [
  'bigNumberStrings', 'charset', 'charsetNumber', 'compress', 'connectAttributes', 'connectTimeout', 'dateStrings',
  'debug', 'decimalNumbers', 'enableKeepAlive', 'flags', 'infileStreamFactory', 'keepAliveInitialDelay',
  'localAddress', 'maxPreparedStatements', 'multipleStatements', 'namedPlaceholders', 'nestTables', 'queryFormat',
  'rowsAsArray', 'stream', 'stringifyObjects', 'supportBigNumbers', 'timezone', 'trace', 'typeCast', 'disableEval',
  'jsonStrings', 'Promise',
]
const POOL_KEYS = ['connectionLimit', 'maxIdle', 'idleTimeout', 'queueLimit', 'resetOnRelease', 'waitForConnections', 'gracefulEnd']

function build(options, driverKeys) {
  const { config, rest } = driverConfig('mysql2', options, {
    defaultPort: 3306,
    driverKeys,
    secret: (iam) => ({
      authPlugins: {
        // Called for each new connection when the server asks for the cleartext password.
        mysql_clear_password: ({ connection }) => async () => {
          if (connection?.stream?.encrypted !== true) {
            throw optionError('mysql2', 'INVALID_ARGUMENT', 'refusing to send the IAM token over a connection without TLS')
          }
          return Buffer.from(`${await iam.token()}\0`)
        },
      },
    }),
  })
  if (rest.socketPath !== undefined) throw optionError('mysql2', 'INVALID_ARGUMENT', 'socketPath is not accepted: tokens go over TLS')
  return config
}

/** Options for `mysql.createConnection(options)` (mysql2 and mysql2/promise). */
function connectionOptions(options) {
  return build(options, keySet(CONNECTION_KEYS))
}

/** Options for `mysql.createPool(options)` (mysql2 and mysql2/promise). */
function poolOptions(options) {
  return build(options, keySet(CONNECTION_KEYS, POOL_KEYS))
}

/**
 * A mysql2 pool (`createPool(poolOptions(options))`) whose new connections are tried again
 * with a token from credentials resolved anew when the core's retry rule says so
 * (`iam.retryAfter`: a refused token, errno 1045, once).
 * `pool.promise()` gives the mysql2/promise pool, with the same behaviour.
 */
function createPool(options) {
  const config = poolOptions(options)
  const pool = requirePeer('mysql2', 'mysql2').createPool(config)
  const getConnection = pool.getConnection
  // Pool#query and Pool#execute, and the promise wrapper, all go through getConnection.
  pool.getConnection = function (callback) {
    let failed = 0
    const attempt = () => getConnection.call(this, (error, connection) => {
      if (error && config.iam.retryAfter(error, ++failed)) return attempt()
      callback(error, connection)
    })
    attempt()
  }
  return pool
}

/**
 * A mysql2/promise connection, tried again with a token from credentials resolved anew when
 * the core's retry rule says so (a refused token, errno 1045, once).
 */
async function createConnection(options) {
  const config = connectionOptions(options)
  const mysql = requirePeer('mysql2', 'mysql2/promise', 'mysql2')
  for (let failed = 1; ; failed += 1) {
    try {
      return await mysql.createConnection(config)
    } catch (error) {
      if (!config.iam.retryAfter(error, failed)) throw error
    }
  }
}

module.exports = { connectionOptions, poolOptions, createPool, createConnection }
