'use strict'
// auroraiam/postgres: options for postgres.js (`postgres(options)`) whose password is a
// function, so that every new connection gets a current IAM token from one cached Signer; TLS
// on and verified.

const { readOptions, keySet } = require('./common.js')

/** What postgres.js reads besides the options auroraiam handles (postgres.js 3 documentation). */
const POSTGRES_KEYS = keySet(
  ['path', 'max', 'max_lifetime', 'idle_timeout', 'connect_timeout', 'prepare', 'no_prepare', 'types', 'onnotice',
    'onnotify', 'onparameter', 'onclose', 'debug', 'socket', 'transform', 'connection', 'target_session_attrs',
    'fetch_types', 'keep_alive', 'backoff', 'max_pipeline', 'publications', 'sslnegotiation', 'no_subscribe'],
)

/**
 * Options for `postgres(options)`: `pass` is a function returning the signer's cached token
 * (postgres.js calls it for each new connection), `ssl` verifies the server.
 */
function options(options) {
  const { iam, rest, host, port, user, database, ssl } = readOptions('postgres', options, {
    defaultPort: 5432,
    driverKeys: POSTGRES_KEYS,
  })
  const result = {
    ...rest,
    host,
    port,
    user,
    ...(database === undefined ? {} : { database }),
    ssl,
    pass: () => iam.token(),
  }
  Object.defineProperty(result, 'iam', { value: iam, enumerable: false })
  return result
}

module.exports = { options }
