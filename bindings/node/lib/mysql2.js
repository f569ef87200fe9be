'use strict'
// auroraiam/mysql2: mysql2 connection and pool options that answer the server's
// `mysql_clear_password` request with a current IAM token from one cached Signer, only over
// TLS; and pools and connections that retry once with a forced-fresh token when the server
// rejects a token.

const { readOptions, keySet, optionError } = require('./common.js')

/** What mysql2 reads besides the options auroraiam handles (mysql2 3 ConnectionConfig). */
const CONNECTION_KEYS = [
  'bigNumberStrings', 'charset', 'charsetNumber', 'compress', 'connectAttributes', 'connectTimeout', 'dateStrings',
  'debug', 'decimalNumbers', 'enableKeepAlive', 'flags', 'infileStreamFactory', 'keepAliveInitialDelay',
  'localAddress', 'maxPreparedStatements', 'multipleStatements', 'namedPlaceholders', 'nestTables', 'queryFormat',
  'rowsAsArray', 'stream', 'stringifyObjects', 'supportBigNumbers', 'timezone', 'trace', 'typeCast', 'disableEval',
  'jsonStrings', 'Promise',
]
const POOL_KEYS = ['connectionLimit', 'maxIdle', 'idleTimeout', 'queueLimit', 'resetOnRelease', 'waitForConnections', 'gracefulEnd']

/** MySQL's ER_ACCESS_DENIED_ERROR: what Aurora MySQL answers a rejected token with. */
const ACCESS_DENIED = 1045

function build(options, driverKeys) {
  const { iam, rest, host, port, user, database, ssl } = readOptions('mysql2', options, { defaultPort: 3306, driverKeys })
  if (rest.socketPath !== undefined) throw optionError('mysql2', 'INVALID_ARGUMENT', 'socketPath is not accepted: tokens go over TLS')
  const config = {
    ...rest,
    host,
    port,
    user,
    ...(database === undefined ? {} : { database }),
    ssl,
    authPlugins: {
      // Called for each new connection when the server asks for the cleartext password.
      mysql_clear_password: ({ connection }) => async () => {
        if (connection?.stream?.encrypted !== true) {
          throw optionError('mysql2', 'INVALID_ARGUMENT', 'refusing to send the IAM token over a connection without TLS')
        }
        return Buffer.from(`${await iam.token()}\0`)
      },
    },
  }
  Object.defineProperty(config, 'iam', { value: iam, enumerable: false })
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

function isAccessDenied(error) {
  return error?.errno === ACCESS_DENIED
}

function loadMysql2(path) {
  try {
    return require(path)
  } catch (error) {
    const e = new Error(`auroraiam/mysql2: cannot load '${path}' (npm install mysql2): ${error.message}`)
    e.code = 'MODULE_NOT_FOUND'
    throw e
  }
}

/**
 * A mysql2 pool (`createPool(poolOptions(options))`) whose new connections are tried once
 * more with a token from credentials resolved anew when the server refuses the first one.
 * `pool.promise()` gives the mysql2/promise pool, with the same behaviour.
 */
function createPool(options) {
  const config = poolOptions(options)
  const pool = loadMysql2('mysql2').createPool(config)
  const getConnection = pool.getConnection
  // Pool#query and Pool#execute, and the promise wrapper, all go through getConnection.
  pool.getConnection = function (callback) {
    getConnection.call(this, (error, connection) => {
      if (!isAccessDenied(error)) return callback(error, connection)
      config.iam.invalidate()
      getConnection.call(this, callback)
    })
  }
  return pool
}

/**
 * A mysql2/promise connection, tried once more with a token from credentials resolved anew
 * when the server refuses the first one.
 */
async function createConnection(options) {
  const config = connectionOptions(options)
  const mysql = loadMysql2('mysql2/promise')
  try {
    return await mysql.createConnection(config)
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    config.iam.invalidate()
    return mysql.createConnection(config)
  }
}

module.exports = { connectionOptions, poolOptions, createPool, createConnection }
