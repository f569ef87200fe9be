'use strict'
// auroraiam/pg: node-postgres (`pg`) configuration that signs a fresh IAM token for every new
// physical connection (pg calls an async `password` function per connection), with one cached
// Signer behind it, TLS on and verified, and one retry with a forced-fresh token when the
// server rejects a token.

const { driverConfig, requirePeer, keySet } = require('./common.js')

/** What pg.Client and pg.Pool read besides the options auroraiam handles (pg 8 documentation). */
const PG_KEYS = keySet(
  // pg.Client / ConnectionParameters
  ['types', 'statement_timeout', 'query_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout',
    'application_name', 'fallback_application_name', 'connectionTimeoutMillis', 'keepAlive',
    'keepAliveInitialDelayMillis', 'client_encoding', 'options', 'binary', 'stream', 'Promise',
    'enableChannelBinding', 'replication', 'scramMaxIterations', 'pipeline', 'sslnegotiation'],
  // pg.Pool (pg-pool)
  ['max', 'min', 'idleTimeoutMillis', 'allowExitOnIdle', 'maxUses', 'maxLifetimeSeconds', 'log', 'Client',
    'verify', 'onConnect'],
)

/** Own properties of an EventEmitter: the listeners stay when a client is reset. */
const EMITTER_KEYS = new Set(['_events', '_eventsCount', '_maxListeners'])

/**
 * A subclass of `Base` (pg.Client) whose `connect()` tries again, with a token signed from
 * credentials resolved anew, when the core's retry rule says so (`iam.retryAfter`: a refused
 * token, SQLSTATE 28000 or 28P01, once). A pg client cannot connect twice, so before the retry
 * it takes the state of a new client built from the same configuration (its listeners, e.g.
 * the pool's, stay).
 */
function retryingClient(Base, iam) {
  return class AuroraIamClient extends Base {
    #config
    constructor(config) {
      super(config)
      this.#config = config
    }

    connect(callback) {
      const attempt = () => new Promise((resolve, reject) => {
        super.connect((error) => (error ? reject(error) : resolve()))
      })
      let failed = 0
      const retry = (error) => {
        failed += 1
        if (this._ending || this.#config?.connection || !iam.retryAfter(error, failed)) throw error
        this.#reset()
        return attempt().catch(retry)
      }
      const connected = attempt().catch(retry)
      if (typeof callback === 'function') {
        connected.then(() => callback(null, this), (error) => callback(error))
        return undefined
      }
      return connected.then(() => this)
    }

    #reset() {
      const failed = this.connection
      failed.removeAllListeners()
      failed.on('error', () => {})
      failed.stream?.destroy?.()
      const fresh = new Base(this.#config)
      for (const key of Reflect.ownKeys(fresh)) {
        if (typeof key === 'symbol' || EMITTER_KEYS.has(key)) continue
        Object.defineProperty(this, key, Object.getOwnPropertyDescriptor(fresh, key))
      }
    }
  }
}

/**
 * A configuration for `new pg.Pool(config)` (and `new config.Client(config)` for one client,
 * `@prisma/adapter-pg`, knex's `connection`): `password` is an async function handing out the
 * signer's cached token, `ssl` verifies the server, and `Client` retries a rejected token once.
 */
function poolConfig(options) {
  const { config, iam, rest } = driverConfig('pg', options, {
    defaultPort: 5432,
    driverKeys: PG_KEYS,
    secret: (source) => ({ password: () => source.token() }),
  })
  config.Client = retryingClient(rest.Client ?? requirePeer('pg', 'pg').Client, iam)
  return config
}

module.exports = { poolConfig }
