// mysql2 with IAM authentication. RDS MySQL / Aurora MySQL IAM users log in through the
// `mysql_clear_password` plugin, which mysql2 ≥ 3.22 disables unless asked: this example asks by
// providing the plugin itself (it hands over a fresh token), and only over TLS.
//
//   npm install auroraiam mysql2
//   DB_HOST=mydb.cluster-abc.us-east-1.rds.amazonaws.com DB_USER=app_user DB_NAME=app \
//   RDS_CA_BUNDLE=global-bundle.pem node mysql2.mjs
//
// Credentials come from the default AWS credential chain (see pg.mjs), or pass `credentials`.
import { readFileSync } from 'node:fs'

import mysql from 'mysql2/promise'
import { Signer } from 'auroraiam'

const host = process.env.DB_HOST
const port = Number(process.env.DB_PORT ?? 3306)
const user = process.env.DB_USER

const signer = new Signer({ hostname: host, port, username: user })

const pool = mysql.createPool({
  host,
  port,
  user,
  database: process.env.DB_NAME,
  ssl: { ca: readFileSync(process.env.RDS_CA_BUNDLE ?? 'global-bundle.pem', 'utf8') },
  enableCleartextPlugin: true,
  authPlugins: {
    // A new token for every connection the pool opens (the server asks for cleartext).
    mysql_clear_password: () => async () => Buffer.from(`${await signer.getAuthToken()}\0`),
  },
  connectionLimit: 5,
})

const [rows] = await pool.query('select current_user() as user, version() as version')
console.log(rows[0])
await pool.end()
