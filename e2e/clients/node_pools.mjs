// Node driver pools past token expiry, through auroraiam/pg, auroraiam/postgres and
// auroraiam/mysql2, against the local Aurora emulation (run by e2e/run-tests.sh, as root).
//
//   node node_pools.mjs expiry DRIVER        pg | postgres | mysql2 | sqlx-pg | sqlx-mysql | deadpool
//   node node_pools.mjs retry DRIVER         any of the above
//   node node_pools.mjs reject DRIVER        any of the above
//   node node_pools.mjs dsql DRIVER          pg | postgres | sqlx-pg | deadpool
//
// The Rust drivers (sqlx PgPool / MySqlPool with auroraiam's TokenRefresher, deadpool-postgres
// with auroraiam's IamManager) run in core/examples/pool_client.rs ($POOL_CLIENT_BIN, default
// target/debug/examples/pool_client), driven line by line from here.
//
// expiry: tokens live 3 s; credentials come from the default chain, served by the loopback
//   IMDS emulator (tests/emulators/aws_endpoints.py) with 5 s lifetimes, so they rotate
//   mid-run (every minted key is registered in the servers' key files). For 10 s the pool
//   opens a new physical connection every 250 ms. Every connect must succeed, and the verifier
//   log must show one new line per connection, each result=OK with at most 3 s left, signed by
//   more than one access key.
// retry: the credential provider gives a wrong secret until asked with forceRefresh; the
//   one connection must succeed after exactly one rejection (SIGNATURE_MISMATCH then OK).
// reject: the provider always gives a wrong secret; the connect fails with the driver's own
//   error (after one retry where the integration has one), and no token is in that error.
// dsql: Aurora DSQL tokens (database "dsql" of the emulation checks them, kind=dsql): user
//   admin logs in with a DbConnectAdmin token, app_user with a DbConnect one; each connect
//   succeeds as that user and the verifier logs one OK line naming the token kind.
//
// Prints what it saw; exits 1 on any failed check.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { inspect } from 'node:util'

const [scenario, driver] = process.argv.slice(2)
const env = process.env
const here = dirname(new URL(import.meta.url).pathname)
const repo = join(here, '..', '..')
const pkg = join(repo, 'bindings', 'node')
const require = createRequire(join(pkg, 'package.json'))
const ca = readFileSync(env.E2E_CA, 'utf8')
const server = driver === 'mysql2' || driver === 'sqlx-mysql' ? 'mysql' : 'pg'
const RUST = ['sqlx-pg', 'sqlx-mysql', 'deadpool'].includes(driver)
const port = Number(server === 'pg' ? env.E2E_PG_PORT : env.E2E_MYSQL_PORT)
const log = server === 'pg' ? env.E2E_PG_LOG : env.E2E_MYSQL_LOG
const keyFile = join(env.AURORAIAM_E2E_STATE, server, 'keys.conf')
const USER = 'app_user'
const common = { hostname: env.E2E_HOST ?? 'localhost', port, user: USER, region: env.E2E_REGION ?? 'us-east-1', ssl: { ca } }
const failures = []
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what) }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The verifier log's lines added since `from` lines, parsed. */
function logLines(from) {
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).slice(from).map((line) => ({
    line,
    result: /result=([A-Z_]+)/.exec(line)?.[1],
    key: /signed by (\S+) at/.exec(line)?.[1],
    left: Number(/, (-?\d+) s left/.exec(line)?.[1]),
  }))
}
const logLength = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length

/** The Rust pool client, with credentials `mode` (chain | wrong-first | wrong-always). */
async function openRust(mode, expiresIn, extraEnv = {}) {
  const bin = env.POOL_CLIENT_BIN ?? join(repo, 'target', 'debug', 'examples', 'pool_client')
  const child = spawn(bin, [driver], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...env, POOL_CLIENT_CREDENTIALS: mode, POOL_CLIENT_EXPIRES_IN: String(expiresIn ?? 900), ...extraEnv },
  })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async () => {
    const { value, done } = await lines.next()
    if (done) throw new Error('pool_client exited')
    if (value.startsWith('err ')) throw new Error(value.slice(4))
    return value
  }
  await next() // "ready", or the error opening the pool
  return {
    async connectOnce() {
      child.stdin.write('connect\n')
      const [, u, id] = (await next()).split(' ')
      return { u, id }
    },
    async end() {
      child.stdin.end('end\n')
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)))
    },
  }
}

/** A driver behind one interface: `connectOnce()` opens a new physical connection, queries, closes it. */
async function openDriver(options, rustMode, rustEnv) {
  if (RUST) return openRust(rustMode, options.expiresIn, rustEnv)
  if (driver === 'pg') {
    const pg = require('pg')
    const { poolConfig } = await import(join(pkg, 'lib', 'pg.mjs'))
    const pool = new pg.Pool({ ...poolConfig({ ...common, database: 'postgres', ...options }), max: 2 })
    return {
      async connectOnce() {
        const client = await pool.connect()
        try {
          const { rows } = await client.query('select current_user as u, pg_backend_pid() as id')
          return rows[0]
        } finally {
          client.release(true) // destroy: the next query needs a new physical connection
        }
      },
      end: () => pool.end(),
    }
  }
  if (driver === 'postgres') {
    const { postgres } = await import(join(pkg, 'lib', 'postgres.mjs'))
    // idle_timeout 0.1 s: each query after a pause opens a new connection.
    const sql = postgres({ ...common, database: 'postgres', max: 1, idle_timeout: 0.1, ...options })
    return {
      async connectOnce() {
        const [row] = await sql`select current_user as u, pg_backend_pid() as id`
        return row
      },
      end: () => sql.end({ timeout: 1 }),
    }
  }
  const { createPool } = await import(join(pkg, 'lib', 'mysql2.mjs'))
  const pool = createPool({ ...common, connectionLimit: 2, ...options }).promise()
  return {
    async connectOnce() {
      const connection = await pool.getConnection()
      try {
        const [rows] = await connection.query('select current_user() as u, connection_id() as id')
        return rows[0]
      } finally {
        connection.destroy()
      }
    },
    end: () => pool.end(),
  }
}

/** The loopback credential emulator, registering what it mints in the verifier's key file. */
async function startCredentialEmulator(lifetime) {
  const script = join(repo, 'tests', 'emulators', 'aws_endpoints.py')
  const child = spawn('python3', [script, '--port', '0', '--lifetime', String(lifetime), '--register-keys', keyFile],
    { stdio: ['pipe', 'pipe', 'inherit'] })
  const line = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`credential emulator exited with ${code}`)))
    createInterface({ input: child.stdout }).once('line', resolve)
  })
  return { url: `http://127.0.0.1:${/PORT (\d+)/.exec(line)[1]}`, stop: () => child.stdin.end() }
}

async function expiry() {
  const emulator = await startCredentialEmulator(5)
  // The default chain, and nothing but IMDS in it.
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key]
  env.AWS_EC2_METADATA_SERVICE_ENDPOINT = emulator.url
  env.AWS_CONFIG_FILE = env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/auroraiam-e2e'
  const before = logLength()
  const db = await openDriver({ expiresIn: 3 }, 'chain')
  const started = Date.now()
  const seen = []
  let failed = 0
  try {
    while (Date.now() - started < 10_000) {
      try {
        const row = await db.connectOnce()
        if (!String(row.u).startsWith(USER)) throw new Error(`logged in as ${row.u}`)
        seen.push(String(row.id))
      } catch (error) {
        failed += 1
        console.log(`connect failed: ${error.code ?? ''} ${error.message}`)
      }
      await sleep(250)
    }
  } finally {
    await db.end()
    emulator.stop()
  }
  const span = (Date.now() - started) / 1000
  const lines = logLines(before)
  const keys = new Set(lines.map((l) => l.key))
  check(failed === 0, `${driver}: every connect succeeded (${seen.length} over ${span.toFixed(1)} s, ${failed} failed)`)
  check(seen.length >= 20 && new Set(seen).size === seen.length, `${driver}: each query ran on a new physical connection (${new Set(seen).size} distinct sessions)`)
  check(lines.length === seen.length, `${driver}: one verifier line per new connection (${lines.length} lines)`)
  check(lines.every((l) => l.result === 'OK'), `${driver}: every token verified (results: ${[...new Set(lines.map((l) => l.result))]})`)
  check(lines.every((l) => l.left >= 1 && l.left <= 3), `${driver}: every token was fresh: 1..3 s of its 3 s left (${Math.min(...lines.map((l) => l.left))}..${Math.max(...lines.map((l) => l.left))})`)
  check(span > 9, `${driver}: the pool outlived its first token by ${(span - 3).toFixed(1)} s (3 s tokens)`)
  check(keys.size >= 2 && [...keys].every((k) => k?.startsWith('ASIA')), `${driver}: credentials rotated mid-run (${keys.size} access keys from IMDS)`)
}

/** A provider giving the wrong secret, and the right one once asked with forceRefresh (if `recovers`). */
function provider(recovers) {
  const calls = []
  const fn = async (props) => {
    calls.push(props?.forceRefresh === true)
    const good = recovers && calls.includes(true)
    return { accessKeyId: env.E2E_ACCESS_KEY_ID, secretAccessKey: good ? env.E2E_SECRET_ACCESS_KEY : 'not-the-secret' }
  }
  return { fn, calls }
}

async function retry() {
  const { fn, calls } = provider(true)
  const before = logLength()
  let db
  try {
    db = await openDriver({ credentials: fn }, 'wrong-first')
    const row = await db.connectOnce()
    check(String(row.u).startsWith(USER), `${driver}: connected as ${row.u} after a rejected first token`)
  } catch (error) {
    check(false, `${driver}: connect after a rejected first token: ${error.code ?? ''} ${error.message}`)
  } finally {
    await db?.end()
  }
  const results = logLines(before).map((l) => l.result)
  check(results.join(',') === 'SIGNATURE_MISMATCH,OK', `${driver}: verifier saw the rejection then the fresh token (${results})`)
  if (!RUST) check(calls.join(',') === 'false,true', `${driver}: credentials resolved anew for the retry (forceRefresh calls: ${calls})`)
}

async function reject() {
  const { fn } = provider(false)
  const before = logLength()
  let db
  let error
  try {
    db = await openDriver({ credentials: fn }, 'wrong-always')
    await db.connectOnce()
  } catch (e) {
    error = e
  } finally {
    await db?.end().catch(() => {})
  }
  const expected = server === 'pg' ? 'PAM authentication failed for user' : 'Access denied for user'
  check(error !== undefined && error.message.includes(expected), `${driver}: the driver's own error: ${error?.code ?? ''} ${error?.message}`)
  const shown = `${inspect(error, { depth: 5, showHidden: true })} ${error?.stack} ${JSON.stringify(error)}`
  check(!/X-Amz-Signature|X-Amz-Credential|Action=connect/.test(shown), `${driver}: no token in the error`)
  const results = logLines(before).map((l) => l.result)
  const attempts = 2
  check(results.length === attempts && results.every((r) => r === 'SIGNATURE_MISMATCH'),
    `${driver}: ${attempts} attempt(s), each rejected for the signature (${results})`)
}

async function dsql() {
  const credentials = { accessKeyId: env.E2E_ACCESS_KEY_ID, secretAccessKey: env.E2E_SECRET_ACCESS_KEY }
  for (const user of ['admin', USER]) {
    const before = logLength()
    let db
    try {
      db = await openDriver({ dsql: true, user, database: 'dsql', credentials }, 'chain',
        { POOL_CLIENT_DSQL_USER: user, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey })
      const row = await db.connectOnce()
      check(String(row.u) === user, `${driver}: DSQL login as ${row.u}`)
    } catch (error) {
      check(false, `${driver}: DSQL login as ${user}: ${error.code ?? ''} ${error.message}`)
    } finally {
      await db?.end()
    }
    const kind = user === 'admin' ? 'dsql-admin' : 'dsql'
    const lines = logLines(before)
    check(lines.length === 1 && lines[0].result === 'OK' && lines[0].line.includes(`(${kind} token)`),
      `${driver}: the verifier accepted one ${kind} token for ${user} (${lines.map((l) => l.result)})`)
  }
}

try {
  await ({ expiry, retry, reject, dsql })[scenario]()
} catch (error) {
  check(false, `${scenario} ${driver}: ${error.code ?? ''} ${error.message}`)
}
process.exit(failures.length === 0 ? 0 : 1)
