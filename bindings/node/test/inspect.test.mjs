// Token inspection: parseToken, diagnoseToken, verifyToken, redactToken. Every vector token
// parses back to its inputs and verifies with its secret; each tampering, mismatch and time
// case fails with the core's exact code; redaction hides the signature and session token; bad
// arguments give the documented errors.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'

import { errorCodes, generateAuthToken, generateDsqlToken, parseToken, diagnoseToken, verifyToken, redactToken } from '../index.mjs'
import { allCases, oneShotOptions } from './vectors.mjs'

const TYPE = 'INVALID_ARGUMENT_TYPE'
const tokenCases = allCases().filter((c) => c.expected_token)
const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SESSION = 'IQoJb3JpZ2luX2VjEXAMPLESESSION/TOKEN+=' + 'x'.repeat(300)
const AT = 1_700_000_000
const sample = generateAuthToken({
  hostname: HOST, port: 5432, username: 'app user', signingTime: AT,
  credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET, sessionToken: SESSION },
})
const secrets = { ASIAIOSFODNN7EXAMPLE: SECRET }
const signatureOf = (token) => /X-Amz-Signature=([0-9a-f]{64})/.exec(token)[1]

/** The credential-scope region as written in the token (URL-decoded independently). */
function scopeRegion(token) {
  return new URLSearchParams(token.slice(token.indexOf('?') + 1)).get('X-Amz-Credential').split('/')[2]
}

function expectCode(fn, code, label) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, label)
    assert.equal(e.code, code, `${label}: ${e.message}`)
    assert.ok(!e.message.includes(SECRET) && !e.message.includes(SESSION), `${label}: secret in message`)
    return true
  }, label)
}

test('every vector token parses back to its inputs', () => {
  for (const c of tokenCases) {
    const info = parseToken(c.expected_token)
    assert.equal(info.kind, c.kind, c.id)
    assert.equal(info.hostname, c.hostname, c.id)
    assert.equal(info.port, c.kind === 'rds' ? c.port : null, c.id)
    assert.equal(info.username, c.kind === 'rds' ? c.username : null, c.id)
    assert.equal(info.region, c.region ?? scopeRegion(c.expected_token), c.id)
    assert.equal(info.service, c.kind === 'rds' ? 'rds-db' : 'dsql', c.id)
    assert.equal(info.accessKeyId, c.access_key_id, c.id)
    assert.ok(info.signingTime instanceof Date)
    assert.equal(info.signingTime.getTime(), c.signing_time * 1000, c.id)
    assert.equal(info.expiresIn, c.expires_in, c.id)
    assert.equal(info.expiresAt.getTime(), (c.signing_time + c.expires_in) * 1000, c.id)
    assert.equal(info.hasSessionToken, Boolean(c.session_token), c.id)
    assert.equal(info.length, Buffer.byteLength(c.expected_token), c.id)
    assert.equal(info.remainingSeconds(c.signing_time), c.expires_in, c.id)
  }
})

test('every vector token verifies with its secret and its expectations', () => {
  for (const c of tokenCases) {
    const options = {
      now: c.signing_time, expectKind: c.kind, expectHostname: c.hostname.toUpperCase(),
      expectRegion: c.region ?? scopeRegion(c.expected_token),
    }
    if (c.kind === 'rds') Object.assign(options, { expectPort: c.port, expectUsername: c.username })
    const info = verifyToken(c.expected_token, { [c.access_key_id]: c.secret_access_key }, options)
    assert.deepEqual({ ...info }, { ...parseToken(c.expected_token) }, c.id)
  }
})

test('secrets as a Map, a plain object or a function (called once, with the access key id)', () => {
  const options = { now: AT }
  assert.equal(verifyToken(sample, new Map(Object.entries(secrets)), options).accessKeyId, 'ASIAIOSFODNN7EXAMPLE')
  assert.equal(verifyToken(sample, secrets, options).username, 'app user')
  const asked = []
  verifyToken(sample, (id) => { asked.push(id); return SECRET }, options)
  assert.deepEqual(asked, ['ASIAIOSFODNN7EXAMPLE'])
  class Keys extends Map {}
  verifyToken(sample, new Keys([['ASIAIOSFODNN7EXAMPLE', SECRET]]), options)
  for (const unknown of [{}, new Map(), () => undefined, () => null, { ASIAIOSFODNN7EXAMPLE: undefined }]) {
    expectCode(() => verifyToken(sample, unknown, options), 'UNKNOWN_ACCESS_KEY', inspect(unknown))
  }
  // Only own properties of a plain object count: a crafted access key id finds nothing inherited.
  const crafted = generateAuthToken({ hostname: HOST, port: 5432, username: 'u', signingTime: AT,
    credentials: { accessKeyId: 'constructor', secretAccessKey: SECRET } })
  expectCode(() => verifyToken(crafted, {}, options), 'UNKNOWN_ACCESS_KEY', 'inherited constructor')
  verifyToken(crafted, { constructor: SECRET }, options)
})

test('tampering and wrong secrets: SIGNATURE_MISMATCH', () => {
  const options = { now: AT }
  expectCode(() => verifyToken(sample, { ASIAIOSFODNN7EXAMPLE: 'wrong' }, options), 'SIGNATURE_MISMATCH', 'wrong secret')
  const sig = signatureOf(sample)
  const flipped = sig.slice(0, 10) + (sig[10] === '0' ? '1' : '0') + sig.slice(11)
  for (const [label, tampered] of [
    ['user', sample.replace('DBUser=app%20user', 'DBUser=app%20usex')],
    ['port', sample.replace(':5432/', ':5433/')],
    ['host', sample.replace('mydb.', 'mydc.')],
    ['expires', sample.replace('X-Amz-Expires=900', 'X-Amz-Expires=899')],
    ['date', sample.replace('T221320Z', 'T221321Z')],
    ['session token', sample.replace('SESSION', 'SESSIOM')],
    ['signature', sample.replace(sig, flipped)],
  ]) {
    assert.notEqual(tampered, sample, label)
    expectCode(() => verifyToken(tampered, secrets, options), 'SIGNATURE_MISMATCH', label)
  }
})

test('lifetime and expectations: each failure has its own code', () => {
  expectCode(() => verifyToken(sample, secrets, { now: AT + 900 }), 'TOKEN_EXPIRED', 'expired')
  expectCode(() => verifyToken(sample, secrets, { now: new Date((AT + 5000) * 1000) }), 'TOKEN_EXPIRED', 'expired (Date)')
  verifyToken(sample, secrets, { now: AT + 899 })
  expectCode(() => verifyToken(sample, secrets, { now: AT - 301 }), 'TOKEN_NOT_YET_VALID', 'future')
  verifyToken(sample, secrets, { now: AT - 300 })
  verifyToken(sample, secrets, { now: AT - 301, maxClockSkew: 301 })
  expectCode(() => verifyToken(sample, secrets, { now: AT - 2, maxClockSkew: 0 }), 'TOKEN_NOT_YET_VALID', 'no skew')
  // Without `now`, the current time: the 2023 sample is long expired.
  expectCode(() => verifyToken(sample, secrets), 'TOKEN_EXPIRED', 'now')
  const cases = [
    [{ expectHostname: 'other.example.com' }, 'HOST_MISMATCH'],
    [{ expectPort: 3306 }, 'PORT_MISMATCH'],
    [{ expectUsername: 'app_user' }, 'USER_MISMATCH'],
    [{ expectRegion: 'eu-west-1' }, 'REGION_MISMATCH'],
    [{ expectKind: 'dsql' }, 'KIND_MISMATCH'],
    [{ expectKind: 'dsql-admin' }, 'KIND_MISMATCH'],
  ]
  for (const [expect, code] of cases) expectCode(() => verifyToken(sample, secrets, { now: AT, ...expect }), code, code)
  verifyToken(sample, secrets, { now: AT, expectHostname: HOST.toUpperCase(), expectPort: 5432, expectUsername: 'app user', expectRegion: 'us-east-1', expectKind: 'rds' })
  const dsql = generateDsqlToken({ hostname: 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws', admin: true, signingTime: AT,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET } })
  verifyToken(dsql, { AKIDEXAMPLE: SECRET }, { now: AT, expectKind: 'dsql-admin' })
  expectCode(() => verifyToken(dsql, { AKIDEXAMPLE: SECRET }, { now: AT, expectKind: 'dsql-admin', expectPort: 5432 }), 'PORT_MISMATCH', 'dsql port')
  // Without expectKind, verification expects an RDS token.
  expectCode(() => verifyToken(dsql, { AKIDEXAMPLE: SECRET }, { now: AT }), 'KIND_MISMATCH', 'dsql, default kind')
  expectCode(() => verifyToken(dsql, { AKIDEXAMPLE: SECRET }, { now: AT, expectKind: 'rds' }), 'KIND_MISMATCH', 'dsql kind')
  // Every verification failure code used above is a core code.
  const names = errorCodes().map((c) => c.name)
  for (const code of ['TOKEN_MALFORMED', 'UNKNOWN_ACCESS_KEY', 'SIGNATURE_MISMATCH', 'TOKEN_EXPIRED', 'TOKEN_NOT_YET_VALID',
    'HOST_MISMATCH', 'PORT_MISMATCH', 'USER_MISMATCH', 'REGION_MISMATCH', 'KIND_MISMATCH', 'INVALID_ARGUMENT']) {
    assert.ok(names.includes(code), code)
  }
})

test('diagnoseToken: nothing for a healthy token, each finding with its code and severity', () => {
  assert.deepEqual(diagnoseToken(sample, { now: AT + 1 }), [])
  const codes = (options, token = sample) => diagnoseToken(token, options).map((d) => d.code)
  assert.deepEqual(codes({ now: AT + 900 }), ['EXPIRED'])
  assert.deepEqual(codes({ now: AT - 301 }), ['NOT_YET_VALID'])
  assert.deepEqual(codes({ now: AT - 301, maxClockSkew: 400 }), [])
  assert.deepEqual(codes({ now: AT, expectHostname: 'other.example.com', expectPort: 3306, expectUsername: 'bob' }),
    ['HOST_MISMATCH', 'PORT_MISMATCH', 'USER_MISMATCH'])
  assert.deepEqual(codes({ now: AT, poolerLengthLimit: 100 }), ['TOO_LONG_FOR_POOLERS'])
  const wrongRegion = generateAuthToken({ hostname: HOST, port: 5432, username: 'u', region: 'eu-west-1', signingTime: AT,
    credentials: { accessKeyId: 'ASIAX', secretAccessKey: SECRET } })
  assert.deepEqual(codes({ now: AT }, wrongRegion), ['REGION_MISMATCH', 'MISSING_SESSION_TOKEN'])
  const [finding] = diagnoseToken(sample, { now: new Date((AT + 1000) * 1000) })
  assert.deepEqual(Object.keys(finding), ['code', 'severity', 'message'])
  assert.equal(finding.severity, 'error')
  assert.match(finding.message, /expired 100 s ago/)
  const cname = generateAuthToken({ hostname: 'db.example.com', port: 5432, username: 'u', region: 'us-east-1', signingTime: AT,
    credentials: { accessKeyId: 'AKID', secretAccessKey: SECRET } })
  const [warning] = diagnoseToken(cname, { now: AT })
  assert.deepEqual([warning.code, warning.severity], ['NOT_AN_AWS_ENDPOINT', 'warning'])
  // Errors come first.
  assert.deepEqual(diagnoseToken(cname, { now: AT + 5000 }).map((d) => d.severity), ['error', 'warning'])
})

test('redactToken hides the signature and the session token, and never throws for a string', () => {
  const redacted = redactToken(sample)
  assert.ok(!redacted.includes(signatureOf(sample)))
  assert.ok(!redacted.includes('SESSION') && !redacted.includes(encodeURIComponent(SESSION)))
  assert.match(redacted, /X-Amz-Signature=<redacted:64 chars>/)
  assert.match(redacted, /X-Amz-Security-Token=<redacted:\d+ chars>/)
  assert.ok(redacted.startsWith(`${HOST}:5432/?Action=connect&DBUser=app%20user&`))
  for (const c of tokenCases) {
    const r = redactToken(c.expected_token)
    assert.ok(!r.includes(signatureOf(c.expected_token)), c.id)
    if (c.session_token) assert.ok(!r.includes(encodeURIComponent(c.session_token).slice(0, 20)), c.id)
  }
  assert.equal(redactToken('hunter2'), '<redacted: 7 bytes, not a token>')
  assert.equal(redactToken(''), '<redacted: 0 bytes, not a token>')
  // Lone surrogates cannot be parsed, but redaction (for logs) still works.
  assert.equal(redactToken('pass\ud800word'), '<redacted: 11 bytes, not a token>')
  assert.equal(typeof redactToken('x'.repeat(1 << 20)), 'string')
})

test('TokenInfo: plain fields, a non-enumerable remainingSeconds, no secrets', () => {
  const info = parseToken(sample)
  assert.deepEqual(Object.keys(info), ['kind', 'hostname', 'port', 'username', 'region', 'service', 'accessKeyId',
    'signingTime', 'expiresIn', 'expiresAt', 'hasSessionToken', 'length'])
  assert.equal(typeof info.remainingSeconds, 'function')
  assert.equal(info.remainingSeconds(AT + 100), 800)
  assert.equal(info.remainingSeconds(new Date((AT + 1000) * 1000)), -100)
  assert.equal(info.remainingSeconds(AT + 100.9), 800, 'fractions of a second are dropped')
  const { remainingSeconds } = info
  assert.equal(remainingSeconds(AT), 900, 'works detached')
  assert.ok(info.remainingSeconds() < 0, 'the sample expired in 2023')
  assert.ok(Math.abs(info.remainingSeconds() - (AT + 900 - Date.now() / 1000)) < 2)
  expectCode(() => info.remainingSeconds(NaN), 'INVALID_SIGNING_TIME', 'NaN')
  assert.throws(() => info.remainingSeconds('soon'), { code: TYPE, name: 'TypeError' })
  for (const shown of [inspect(info, { showHidden: true, depth: Infinity }), JSON.stringify(info)]) {
    assert.ok(!shown.includes(signatureOf(sample)) && !shown.includes('SESSION'), shown)
  }
  assert.equal(JSON.parse(JSON.stringify(info)).signingTime, '2023-11-14T22:13:20.000Z')
})

test('bad arguments: wrong types, NUL, huge strings, lone surrogates, bad options', () => {
  for (const bad of [undefined, null, 42, {}, [], Symbol('t'), 10n, () => sample]) {
    for (const fn of [parseToken, diagnoseToken, redactToken, (t) => verifyToken(t, secrets)]) {
      assert.throws(() => fn(bad), (e) => e instanceof TypeError && e.code === TYPE && /token must be a string/.test(e.message), String(bad))
    }
  }
  const malformed = ['', 'hunter2', `https://${sample}`, sample.replace('/?', '?'), `${sample}\0`, sample.replace('app%20user', 'app\0user'),
    ' ' + sample, 'x'.repeat(1 << 20), `${sample}&`, sample.replace('Action=connect', 'Action=login')]
  for (const text of malformed) {
    for (const fn of [parseToken, diagnoseToken, (t) => verifyToken(t, secrets)]) expectCode(() => fn(text), 'TOKEN_MALFORMED', text.slice(0, 40))
  }
  assert.throws(() => parseToken(`${sample}\0`), { message: /NUL/ })
  for (const fn of [parseToken, diagnoseToken, (t) => verifyToken(t, secrets)]) {
    expectCode(() => fn(sample.replace('app%20user', 'app\ud800user')), 'INVALID_UTF8', 'lone surrogate')
  }
  // Options.
  for (const fn of [diagnoseToken, (t, o) => verifyToken(t, secrets, o)]) {
    assert.throws(() => fn(sample, 5), { code: TYPE, message: /options must be an object/ })
    assert.throws(() => fn(sample, { now: 'yesterday' }), { code: TYPE, message: /signingTime|now/ })
    expectCode(() => fn(sample, { now: NaN }), 'INVALID_SIGNING_TIME', 'now NaN')
    expectCode(() => fn(sample, { now: new Date(NaN) }), 'INVALID_SIGNING_TIME', 'now invalid Date')
    expectCode(() => fn(sample, { now: AT, maxClockSkew: -1 }), 'INVALID_ARGUMENT', 'skew -1')
    expectCode(() => fn(sample, { now: AT, maxClockSkew: 1.5 }), 'INVALID_ARGUMENT', 'skew 1.5')
    expectCode(() => fn(sample, { now: AT, expectPort: 0 }), 'INVALID_PORT', 'port 0')
    expectCode(() => fn(sample, { now: AT, expectPort: 65536 }), 'INVALID_PORT', 'port 65536')
    assert.throws(() => fn(sample, { now: AT, expectPort: '5432' }), { code: TYPE })
    assert.throws(() => fn(sample, { now: AT, expectHostname: 5 }), { code: TYPE, message: /expectHostname/ })
    expectCode(() => fn(sample, { now: AT, expectUsername: 'a\ud800' }), 'INVALID_UTF8', 'expectUsername surrogate')
    assert.ok(fn(sample, { now: AT, expectHostname: null, expectPort: undefined }))
  }
  expectCode(() => diagnoseToken(sample, { now: AT, poolerLengthLimit: -5 }), 'INVALID_ARGUMENT', 'pooler limit')
  expectCode(() => verifyToken(sample, secrets, { now: AT, expectKind: 'aurora' }), 'INVALID_ARGUMENT', 'kind')
  assert.throws(() => verifyToken(sample, secrets, { now: AT, expectKind: 1 }), { code: TYPE })
  // Secrets.
  for (const bad of [undefined, null, 42, 'secret', true]) {
    assert.throws(() => verifyToken(sample, bad, { now: AT }), { code: TYPE, message: /secrets must be/ }, String(bad))
  }
  const boom = new Error('vault unavailable')
  assert.throws(() => verifyToken(sample, () => { throw boom }, { now: AT }), (e) => e === boom)
  for (const bad of [() => 42, () => Promise.resolve(SECRET), () => ({ secret: SECRET }), new Map([['ASIAIOSFODNN7EXAMPLE', 42]])]) {
    assert.throws(() => verifyToken(sample, bad, { now: AT }), { code: TYPE, name: 'TypeError', message: /secret/ })
  }
  expectCode(() => verifyToken(sample, () => 'x\ud800', { now: AT }), 'INVALID_UTF8', 'secret surrogate')
})
