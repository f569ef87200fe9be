// mysql2 with IAM authentication. RDS MySQL / Aurora MySQL IAM users log in through the
// `mysql_clear_password` plugin, which mysql2 ≥ 3.22 disables unless asked: auroraiam/mysql2
// provides the plugin (it hands over the signer's current token for each new connection, and
// only over TLS) and retries a refused token once with freshly resolved credentials.
//
//   npm install auroraiam mysql2
//   DB_HOST=mydb.cluster-abc.us-east-1.rds.amazonaws.com DB_USER=app_user DB_NAME=app \
//   RDS_CA_BUNDLE=global-bundle.pem node mysql2.mjs
//
// Credentials come from the default AWS credential chain (see pg.mjs), or pass `credentials`.
import { readFileSync } from 'node:fs'

import { createPool } from 'auroraiam/mysql2'

const pool = createPool({
  hostname: process.env.DB_HOST,
  port: Number(process.env.DB_PORT ?? 3306),
  user: process.env.DB_USER,
  database: process.env.DB_NAME,
  ssl: { ca: readFileSync(process.env.RDS_CA_BUNDLE ?? 'global-bundle.pem', 'utf8') },
  connectionLimit: 5,
}).promise()                              // mysql2/promise API

const [rows] = await pool.query('select current_user() as user, version() as version')
console.log(rows[0])
await pool.end()
