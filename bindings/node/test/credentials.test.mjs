// `Credentials` (validated once, the core signer inside) and the identity objects index.js
// remembers: same tokens as plain identity objects, changes to an object seen on the next call,
// secrets never shown.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'

import { generateAuthToken, generateDsqlToken, Credentials, Signer, verifyToken } from '../index.mjs'

const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const DSQL = 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws'
const AKID = 'AKIAIOSFODNN7EXAMPLE'
const ASIA = 'ASIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjE' + 'A/b+'.repeat(190) + '=='
const AT = 1_795_694_400
const rds = (credentials, extra = {}) => generateAuthToken({ hostname: HOST, port: 5432, username: 'app_user', signingTime: AT, credentials, ...extra })

test('a Credentials object signs the same tokens as the identity object it was made from', () => {
  for (const identity of [{ accessKeyId: AKID, secretAccessKey: SECRET }, { accessKeyId: ASIA, secretAccessKey: SECRET, sessionToken: TOKEN },
    { accessKeyId: ASIA, secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date((AT + 3600) * 1000) }]) {
    const credentials = new Credentials(identity)
    assert.equal(rds(credentials), rds({ ...identity }))
    assert.equal(generateDsqlToken({ hostname: DSQL, admin: true, signingTime: AT, credentials }),
      generateDsqlToken({ hostname: DSQL, admin: true, signingTime: AT, credentials: { ...identity } }))
    assert.equal(credentials.accessKeyId, identity.accessKeyId)
    assert.equal(credentials.secretAccessKey, identity.secretAccessKey)
    assert.equal(credentials.sessionToken, identity.sessionToken)
    assert.equal(credentials.expiration?.getTime(), identity.expiration?.getTime())
  }
})

test('Credentials refuses what generateAuthToken refuses, with the same codes', () => {
  const cases = [
    [undefined, 'INVALID_ARGUMENT_TYPE'], ['AKIA', 'INVALID_ARGUMENT_TYPE'], [{ secretAccessKey: SECRET }, 'INVALID_ARGUMENT_TYPE'],
    [{ accessKeyId: '', secretAccessKey: SECRET }, 'INVALID_CREDENTIALS'], [{ accessKeyId: AKID, secretAccessKey: 'a\0b' }, 'INVALID_CREDENTIALS'],
    [{ accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: 5 }, 'INVALID_ARGUMENT_TYPE'],
    [{ accessKeyId: AKID, secretAccessKey: SECRET, expiration: 'soon' }, 'INVALID_ARGUMENT_TYPE'],
    [{ accessKeyId: AKID, secretAccessKey: SECRET, expiration: new Date(NaN) }, 'INVALID_CREDENTIALS'],
  ]
  for (const [identity, code] of cases) {
    assert.throws(() => new Credentials(identity), (e) => e.code === code, inspect(identity))
    if (typeof identity === 'object') assert.throws(() => rds(identity), (e) => e.code === code, inspect(identity))
  }
  const expired = new Credentials({ accessKeyId: ASIA, secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date((AT - 1) * 1000) })
  assert.throws(() => rds(expired), (e) => e.code === 'CREDENTIALS_EXPIRED')
})

test('a remembered identity object is read again on every call: changed fields sign differently', () => {
  const identity = { accessKeyId: AKID, secretAccessKey: SECRET }
  const first = rds(identity)
  assert.equal(rds(identity), first) // remembered
  identity.secretAccessKey = SECRET.toLowerCase()
  assert.equal(rds(identity), rds({ accessKeyId: AKID, secretAccessKey: SECRET.toLowerCase() }))
  assert.notEqual(rds(identity), first)
  Object.assign(identity, { accessKeyId: ASIA, secretAccessKey: SECRET, sessionToken: TOKEN })
  assert.equal(rds(identity), rds(new Credentials({ accessKeyId: ASIA, secretAccessKey: SECRET, sessionToken: TOKEN })))
  identity.expiration = new Date((AT + 60) * 1000)
  assert.ok(rds(identity))
  identity.expiration.setTime((AT - 60) * 1000) // the same Date, changed in place
  assert.throws(() => rds(identity), (e) => e.code === 'CREDENTIALS_EXPIRED')
  identity.sessionToken = 7
  assert.throws(() => rds(identity), (e) => e.code === 'INVALID_ARGUMENT_TYPE')
  let reads = 0
  const counted = { get accessKeyId() { reads++; return AKID }, secretAccessKey: SECRET }
  rds(counted)
  rds(counted)
  assert.ok(reads >= 2, 'a getter is called on every call')
})

test('Credentials never shows its secret or session token', () => {
  const credentials = new Credentials({ accessKeyId: ASIA, secretAccessKey: SECRET, sessionToken: TOKEN })
  for (const shown of [inspect(credentials), JSON.stringify(credentials), String(credentials), inspect(credentials, { showHidden: true })]) {
    assert.ok(!shown.includes(SECRET) && !shown.includes(TOKEN.slice(0, 40)), shown)
  }
})

test('a Credentials object is an identity object: Signer accepts it', async () => {
  const credentials = new Credentials({ accessKeyId: AKID, secretAccessKey: SECRET })
  const token = await new Signer({ hostname: HOST, port: 5432, username: 'app_user', credentials }).getAuthToken()
  assert.equal(verifyToken(token, { [AKID]: SECRET }).accessKeyId, AKID)
})
