// One login through a Node driver with a token from the auroraiam Node package.
//
//   node node_client.mjs pg|mysql2 USER
//
// Connects over TLS (certificate checked against $E2E_CA) to localhost on $E2E_PG_PORT or
// $E2E_MYSQL_PORT, runs SELECT current_user and prints the result. Credentials come from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. The drivers are resolved from
// $E2E_NODE_PROJECT (an npm project made by the test run), auroraiam from $AURORAIAM_NODE.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const [driver, user] = process.argv.slice(2)
const env = process.env
const require = createRequire(`${env.E2E_NODE_PROJECT}/`)
const { Signer } = await import(env.AURORAIAM_NODE)
const ca = readFileSync(env.E2E_CA, 'utf8')
const host = env.E2E_HOST ?? 'localhost'
const region = env.E2E_REGION ?? 'us-east-1'

async function viaPg() {
  const pg = require('pg')
  const port = Number(env.E2E_PG_PORT)
  const signer = new Signer({ hostname: host, port, username: user, region })
  const client = new pg.Client({
    host, port, user, database: 'postgres',
    password: async () => signer.getAuthToken(), // called for each new connection
    // node-postgres treats sslmode=require as full verification: give it the CA.
    ssl: { ca, rejectUnauthorized: true },
  })
  await client.connect()
  try {
    return (await client.query('select current_user')).rows[0].current_user
  } finally {
    await client.end()
  }
}

async function viaMysql2() {
  const mysql = require('mysql2/promise')
  const port = Number(env.E2E_MYSQL_PORT)
  const signer = new Signer({ hostname: host, port, username: user, region })
  const conn = await mysql.createConnection({
    host, port, user,
    ssl: { ca, rejectUnauthorized: true },
    // mysql2 >= 3.22 refuses mysql_clear_password unless asked; the plugin hands over a fresh token.
    enableCleartextPlugin: true,
    authPlugins: { mysql_clear_password: () => async () => Buffer.from(`${await signer.getAuthToken()}\0`) },
  })
  try {
    const [rows] = await conn.query('select current_user() as u')
    return rows[0].u
  } finally {
    await conn.end()
  }
}

try {
  console.log(await ({ pg: viaPg, mysql2: viaMysql2 })[driver]())
} catch (e) {
  console.error(`node_client ${driver}: ${e.code ?? ''} ${e.message}`)
  process.exit(1)
}
