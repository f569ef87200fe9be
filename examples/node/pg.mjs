// node-postgres with IAM authentication: a valid token for every new connection.
//
//   npm install auroraiam pg
//   DB_HOST=mydb.cluster-abc.us-east-1.rds.amazonaws.com DB_USER=app_user DB_NAME=app \
//   RDS_CA_BUNDLE=global-bundle.pem node pg.mjs
//
// Credentials come from the default AWS credential chain (environment variables, ~/.aws
// profiles — set AWS_PROFILE or pass `profile` —, SSO, web identity, ECS/EKS, EC2 instance
// metadata), resolved off the main thread; or pass `credentials` (an identity or a provider
// such as fromNodeProviderChain()) to the Signer. The signer caches its token: new connections
// within a few minutes get the same one, and a new one is signed while the old one still has
// more than `refreshMargin` (60 s) of life left.
import { readFileSync } from 'node:fs'

import pg from 'pg'
import { Signer } from 'auroraiam'

const host = process.env.DB_HOST
const port = Number(process.env.DB_PORT ?? 5432)
const user = process.env.DB_USER

const signer = new Signer({ hostname: host, port, username: user })

const pool = new pg.Pool({
  host,
  port,
  user,
  database: process.env.DB_NAME,
  // pg calls this for each new connection (a token is checked only when a connection opens).
  password: () => signer.getAuthToken(),
  // IAM authentication requires TLS. node-postgres treats sslmode=require as full
  // verification, so give it the RDS CA bundle (https://truststore.pki.rds.amazonaws.com).
  ssl: { ca: readFileSync(process.env.RDS_CA_BUNDLE ?? 'global-bundle.pem', 'utf8'), rejectUnauthorized: true },
  max: 5,
})

const { rows } = await pool.query('select current_user, version()')
console.log(rows[0])
await pool.end()
