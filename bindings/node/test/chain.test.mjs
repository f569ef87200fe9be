// Signers without `credentials` resolve the default credential chain off the main thread,
// here against the loopback IMDSv2 emulator (tests/emulators/aws_endpoints.py): the token
// verifies with the secret the emulator minted; many concurrent calls share one fetch; the
// token is replaced before short-lived credentials expire; the event loop keeps running during
// a slow fetch; an endpoint that is down or refuses gives a clear, bounded rejection.
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'

import { closedPort, resetAwsEnv, startEmulator } from './aws-env.mjs'
import { DsqlSigner, generateAuthToken, parseToken, Signer, verifyToken } from '../index.mjs'

const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const DSQL_HOST = 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws'
const rds = { hostname: HOST, port: 5432, username: 'app_user' }

let emulator

before(async () => {
  emulator = await startEmulator()
})

after(() => emulator?.stop())

beforeEach(async () => {
  resetAwsEnv()
  delete process.env.AWS_EC2_METADATA_DISABLED
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = emulator.url
  // Never the real STS, whatever a source would try.
  process.env.AWS_ENDPOINT_URL_STS = emulator.url
  await emulator.reset()
})

/** The token verifies with the secret the emulator minted, for the endpoint it was made for. */
async function verifyMinted(token, expect = { expectHostname: HOST, expectPort: 5432, expectUsername: 'app_user' }) {
  const { accessKeyId } = parseToken(token)
  const minted = await emulator.minted(accessKeyId)
  assert.ok(minted, `the emulator did not mint ${accessKeyId}`)
  const info = verifyToken(token, { [accessKeyId]: minted.secret }, { expectRegion: 'us-east-1', ...expect })
  assert.ok(info.hasSessionToken)
  return { info, minted }
}

test('a Signer without credentials gets them from IMDS; the token verifies with the minted secret', async () => {
  const signer = new Signer(rds)
  const { token, expiresAt } = await signer.getAuthTokenWithExpiry()
  assert.match(token, /X-Amz-Credential=ASIA/)
  const { info, minted } = await verifyMinted(token)
  // Byte-identical to the one-shot token with the same credentials at the same second.
  const identity = { accessKeyId: info.accessKeyId, secretAccessKey: minted.secret, sessionToken: minted.session_token }
  assert.equal(token, generateAuthToken({ ...rds, credentials: identity, signingTime: info.signingTime }))
  // The effective expiry is the earlier of the token's and the credentials'.
  assert.equal(expiresAt.getTime(), Math.min(info.expiresAt.getTime(), minted.expiration_epoch * 1000))
  assert.equal((await emulator.stats()).imds, 1)
})

test('many concurrent calls share one credential fetch; later calls get the cached token', async () => {
  await emulator.config({ delay_ms: 300 })
  const signer = new Signer(rds)
  const tokens = await Promise.all(Array.from({ length: 50 }, () => signer.getAuthToken()))
  assert.equal(new Set(tokens).size, 1, 'one token for the calls that waited for the same fetch')
  await verifyMinted(tokens[0])
  for (let i = 0; i < 20; i++) assert.equal(await signer.getAuthToken(), tokens[0])
  assert.equal((await emulator.stats()).imds, 1)

  // DsqlSigner: both kinds share the signer's credentials.
  await emulator.reset()
  const dsql = new DsqlSigner({ hostname: DSQL_HOST })
  const [user, admin] = await Promise.all([dsql.getDbConnectAuthToken(), dsql.getDbConnectAdminAuthToken()])
  assert.match(user, /Action=DbConnect&/)
  assert.match(admin, /Action=DbConnectAdmin&/)
  assert.equal(parseToken(user).accessKeyId, parseToken(admin).accessKeyId)
  await verifyMinted(admin, { expectKind: 'dsql-admin', expectHostname: DSQL_HOST })
  assert.equal((await emulator.stats()).imds, 1)
})

test('short-lived credentials: a new token, with new credentials, before they expire', async () => {
  // Credentials live 6 s; with a 3 s margin each is used for about 3 s.
  await emulator.config({ lifetime: 6 })
  const signer = new Signer({ ...rds, refreshMargin: 3 })
  const keys = new Set()
  const deadline = Date.now() + 10_000
  while (keys.size < 2 && Date.now() < deadline) {
    const { token, expiresAt } = await signer.getAuthTokenWithExpiry()
    const { minted } = await verifyMinted(token)
    // Never handed out with its credentials expiring within the margin (the core counts whole
    // seconds: more than 2 s of real time is left).
    assert.ok(minted.expiration_epoch * 1000 - Date.now() > 2000, `credentials expire at ${minted.expiration_epoch}`)
    assert.equal(expiresAt.getTime(), minted.expiration_epoch * 1000)
    keys.add(parseToken(token).accessKeyId)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.equal(keys.size, 2, `credentials used: ${[...keys]}`)
  assert.equal((await emulator.stats()).imds, 2)
})

test('the event loop keeps running while the credentials are fetched', async () => {
  // Well under the IMDS client's 1 s read timeout.
  await emulator.config({ delay_ms: 700 })
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  const started = Date.now()
  try {
    const token = await new Signer(rds).getAuthToken()
    await verifyMinted(token)
  } finally {
    clearInterval(timer)
  }
  const elapsed = Date.now() - started
  assert.ok(elapsed >= 650, `the fetch took ${elapsed} ms, less than the emulator's delay`)
  // About 70 ticks of 10 ms; a blocked main thread would give one or two.
  assert.ok(ticks >= 20, `only ${ticks} timer ticks in ${elapsed} ms`)
})

test('IMDS down or refusing: a rejection naming the sources tried, in bounded time', async () => {
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = `http://127.0.0.1:${await closedPort()}`
  let started = Date.now()
  await assert.rejects(new Signer(rds).getAuthToken(), (e) => {
    assert.ok(e instanceof Error)
    assert.match(e.code, /^CREDENTIALS_(NOT_FOUND|PROVIDER_FAILED)$/, e.message)
    assert.match(e.message, /environment.*profile.*web identity.*container.*instance metadata/)
    return true
  })
  assert.ok(Date.now() - started < 25_000, `took ${Date.now() - started} ms`)

  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = emulator.url
  await emulator.config({ mode: 'denied' })
  started = Date.now()
  const signer = new DsqlSigner({ hostname: DSQL_HOST })
  const results = await Promise.allSettled([signer.getDbConnectAuthToken(), signer.getDbConnectAuthTokenWithExpiry()])
  for (const r of results) {
    assert.equal(r.status, 'rejected')
    assert.match(r.reason.code, /^CREDENTIALS_(NOT_FOUND|PROVIDER_FAILED)$/, r.reason.message)
    assert.match(r.reason.message, /instance metadata/)
  }
  assert.ok(Date.now() - started < 25_000, `took ${Date.now() - started} ms`)
  // Failures are not cached: once the endpoint answers, the same signer works.
  await emulator.config({ mode: 'ok' })
  await verifyMinted(await signer.getDbConnectAuthToken(), { expectKind: 'dsql', expectHostname: DSQL_HOST })
})

test('invalidate(): the next token re-resolves the chain (a new IMDS fetch) and is signed anew', async () => {
  const signer = new Signer(rds)
  const first = await signer.getAuthToken()
  assert.equal(await signer.getAuthToken(), first, 'cached before')
  signer.invalidate()
  const second = await signer.getAuthToken()
  assert.notEqual(parseToken(second).accessKeyId, parseToken(first).accessKeyId)
  await verifyMinted(second)
  assert.equal((await emulator.stats()).imds, 2)

  // A DsqlSigner's two kinds share one credential cache: invalidate() empties it too.
  await emulator.reset()
  const dsql = new DsqlSigner({ hostname: DSQL_HOST })
  const admin = await dsql.getDbConnectAdminAuthToken()
  dsql.invalidate()
  const user = await dsql.getDbConnectAuthToken()
  assert.notEqual(parseToken(user).accessKeyId, parseToken(admin).accessKeyId)
  assert.equal((await emulator.stats()).imds, 2)
})
