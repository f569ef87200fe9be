'use strict'
// auroraiam/postgres: options for postgres.js (`postgres(options)`) whose password is a
// function, so that every new connection gets a current IAM token from one cached Signer; TLS
// on and verified. `postgres(options)` also retries a refused token once.

const { driverConfig, requirePeer, keySet } = require('./common.js')

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
  return driverConfig('postgres', options, {
    defaultPort: 5432,
    driverKeys: POSTGRES_KEYS,
    secret: (iam) => ({ pass: () => iam.token() }),
  }).config
}

/**
 * postgres.js has no hook around a connection attempt: a refused login rejects the query that
 * opened the connection (connection.js `ErrorResponse` → `errored` → `queryError(initial)` →
 * `query.reject`). A query refused that way never reached the server, so it can be handed to
 * the pool again (`query.handler`), which opens a connection — and asks `pass` for a token —
 * anew. `watch` puts that in front of the query's `reject` when the core's rule says to retry.
 */
function watch(query, iam) {
  if (typeof query?.reject !== 'function' || typeof query.handler !== 'function') return query
  const reject = query.reject
  let failed = 0
  query.reject = (error) => {
    failed += 1
    if (!iam.retryAfter(error, failed)) return reject(error)
    query.handler(query)
  }
  return query
}

/**
 * `run(state)`, run again when it failed and the core's retry rule allows it — unless
 * `state.started` says the caller's callback already ran (sql.begin: a refused login rejects
 * before the transaction's callback is called; sql.reserve has no callback).
 */
async function retried(iam, run) {
  for (let failed = 1; ; failed += 1) {
    const state = { started: false }
    try {
      return await run(state)
    } catch (error) {
      if (state.started || !iam.retryAfter(error, failed)) throw error
    }
  }
}

/**
 * `postgres(options(opts))` that also retries a refused token once, with a token signed from
 * credentials resolved anew: for queries (sql`…`, sql.unsafe, sql.file), sql.begin (when the
 * connection is refused, before the callback runs) and sql.reserve. Everything else is
 * postgres.js' own `sql`.
 */
function postgres(opts) {
  const config = options(opts)
  const sql = requirePeer('postgres', 'postgres')(config)
  const iam = config.iam
  const wrapped = {
    iam,
    unsafe: (...args) => watch(sql.unsafe(...args), iam),
    file: (...args) => watch(sql.file(...args), iam),
    begin: (...args) => retried(iam, (state) => {
      const at = typeof args[0] === 'function' ? 0 : 1
      const fn = args[at]
      const call = [...args]
      if (typeof fn === 'function') call[at] = (...inner) => ((state.started = true), fn(...inner))
      return sql.begin(...call)
    }),
    reserve: (...args) => retried(iam, () => sql.reserve(...args)),
  }
  return new Proxy(sql, {
    apply: (target, self, args) => watch(Reflect.apply(target, self, args), iam),
    get: (target, key, receiver) => (Object.hasOwn(wrapped, key) ? wrapped[key] : Reflect.get(target, key, receiver)),
  })
}

module.exports = { options, postgres }
