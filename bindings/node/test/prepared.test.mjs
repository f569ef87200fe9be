// A call that repeats the last request of an identity object (a `Credentials` or a remembered
// plain one) signs through a prepared token (`index.js`: `rdsPrepared` / `dsqlPrepared`, then
// `tokenWithPrepared`): the same tokens and the same errors as the first call, whatever changes
// in between; the handles behind it are refused anywhere else; `Credentials` shows no internals.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import { generateAuthToken, generateDsqlToken, Credentials, parseToken, verifyToken } from '../index.mjs'
import { allCases, credentialsOf, oneShotOptions } from './vectors.mjs'

const binding = createRequire(import.meta.url)('../binding.js')
const tokens = allCases().filter((c) => c.expected_token)

const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const DSQL = 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws'
const AKID = 'ASIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SESSION = 'IQoJb3JpZ2luX2VjE' + 'A/b+'.repeat(190) + '=='
const AT = 1_795_694_400

/** What the native option-object function (no cache in index.js) answers, token or error. */
function native(kind, options) {
  try {
    return { token: (kind === 'rds' ? binding.generateAuthToken : binding.generateDsqlToken)(options) }
  } catch (error) {
    return { error: { name: error.name, code: error.code, message: error.message } }
  }
}

function ours(kind, options) {
  try {
    return { token: (kind === 'rds' ? generateAuthToken : generateDsqlToken)(options) }
  } catch (error) {
    return { error: { name: error.name, code: error.code, message: error.message } }
  }
}

test('every vector, signed three times in a row (the third through a prepared token), with a Credentials object and a plain one', () => {
  for (const c of tokens) {
    const fn = c.kind === 'rds' ? generateAuthToken : generateDsqlToken
    for (const credentials of [new Credentials(credentialsOf(c)), credentialsOf(c)]) {
      const options = { ...oneShotOptions(c), credentials }
      for (let i = 0; i < 3; i++) assert.equal(fn(options), c.expected_token, `${c.id} call ${i + 1}`)
      // signingTime as a Date, then omitted (now), on the prepared token.
      assert.equal(fn({ ...options, signingTime: new Date(c.signing_time * 1000) }), c.expected_token, c.id)
      const now = fn({ ...options, signingTime: undefined })
      assert.ok(Math.abs(parseToken(now).signingTime.getTime() / 1000 - Date.now() / 1000) < 5, c.id)
    }
  }
})

test('requests alternating between databases and token kinds with one Credentials object give each token', () => {
  const credentials = new Credentials({ accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: SESSION })
  const identity = { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: SESSION }
  const calls = [
    ['rds', { hostname: HOST, port: 5432, username: 'app_user', signingTime: AT }],
    ['rds', { hostname: HOST, port: 3306, username: 'app_user', signingTime: AT }],
    ['rds', { hostname: HOST, port: 5432, username: 'reporting', signingTime: AT, expiresIn: 60 }],
    ['rds', { hostname: HOST.replace('us-east-1', 'eu-west-1'), port: 5432, username: 'app_user', signingTime: AT }],
    ['rds', { hostname: 'db.example.internal', port: 5432, username: 'app_user', region: 'us-west-2', signingTime: AT }],
    ['dsql', { hostname: DSQL, signingTime: AT }],
    ['dsql', { hostname: DSQL, admin: true, signingTime: AT }],
    ['dsql', { hostname: DSQL, admin: false, signingTime: AT, expiresIn: 3600 }],
  ]
  for (let round = 0; round < 4; round++) {
    for (const [kind, options] of calls) {
      const expected = native(kind, { ...options, credentials: identity })
      assert.ok(expected.token, JSON.stringify(options))
      // Each one twice in a row (prepared on the second), then the next.
      assert.deepEqual(ours(kind, { ...options, credentials }), expected)
      assert.deepEqual(ours(kind, { ...options, credentials }), expected)
      assert.deepEqual(ours(kind, { ...options, credentials: identity }), expected)
      assert.deepEqual(ours(kind, { ...options, credentials: identity }), expected)
    }
  }
})

test('a prepared token fails as the first call does: bad signingTime, expired credentials, changed fields', () => {
  const expiration = new Date((AT + 3600) * 1000)
  for (const credentials of [new Credentials({ accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: SESSION, expiration }),
    { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: SESSION, expiration }]) {
    const identity = { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: SESSION, expiration }
    for (const [kind, base] of [['rds', { hostname: HOST, port: 5432, username: 'app_user' }], ['dsql', { hostname: DSQL, admin: true }]]) {
      const call = (extra) => {
        const expected = native(kind, { ...base, credentials: identity, ...extra })
        assert.deepEqual(ours(kind, { ...base, credentials, ...extra }), expected, JSON.stringify(extra))
        return expected
      }
      for (let i = 0; i < 3; i++) assert.ok(call({ signingTime: AT }).token)
      for (const signingTime of ['soon', NaN, Infinity, -1, 1e20, new Date(NaN), {}, null, AT + 3600, AT + 7200]) {
        assert.ok(call({ signingTime }).error, String(signingTime))
        assert.ok(call({ signingTime: AT }).token) // and the prepared token still works
      }
      const changes = kind === 'rds'
        ? [{ port: '5432' }, { port: 0 }, { port: 5432.5 }, { username: '' }, { username: 7 }, { region: 'nope' }, { region: 'eu-west-1' }, { expiresIn: 901 }, { hostname: 'bad host' }]
        : [{ admin: 'yes' }, { admin: false }, { region: 5 }, { expiresIn: 0 }, { hostname: '' }]
      for (const change of changes) {
        call({ signingTime: AT, ...change })
        call({ signingTime: AT, ...change })
        assert.ok(call({ signingTime: AT }).token)
      }
    }
  }
})

test('the internal handles are refused anywhere but their own function', () => {
  const credentials = new Credentials({ accessKeyId: AKID, secretAccessKey: SECRET })
  const out = []
  new binding.Credentials({ accessKeyId: AKID, secretAccessKey: SECRET }, out)
  const [handle] = out
  const prepared = binding.rdsPrepared(handle, HOST, 5432, 'app_user', undefined, undefined)
  const token = binding.tokenWithPrepared(prepared, AT)
  assert.equal(verifyToken(token, { [AKID]: SECRET }, { now: AT }).accessKeyId, AKID)
  assert.equal(binding.rdsTokenWithHandle(handle, HOST, 5432, 'app_user', undefined, undefined, AT), token)
  const typeError = { name: 'TypeError', code: 'INVALID_ARGUMENT_TYPE' }
  for (const wrong of [handle, credentials, {}, 5, undefined, null, 'x']) {
    assert.throws(() => binding.tokenWithPrepared(wrong, AT), typeError)
  }
  for (const wrong of [prepared, credentials, {}, 5, undefined]) {
    assert.throws(() => binding.rdsTokenWithHandle(wrong, HOST, 5432, 'app_user', undefined, undefined, AT), typeError)
    assert.throws(() => binding.rdsPrepared(wrong, HOST, 5432, 'app_user', undefined, undefined), typeError)
    assert.throws(() => binding.dsqlPrepared(wrong, DSQL, false, undefined, undefined), typeError)
  }
  assert.throws(() => binding.rdsPrepared(handle, HOST, 0, 'app_user', undefined, undefined), { code: 'INVALID_PORT' })
})

test('Credentials shows no internal members', () => {
  const credentials = new Credentials({ accessKeyId: AKID, secretAccessKey: SECRET })
  const names = [...Object.getOwnPropertyNames(Credentials.prototype), ...Object.getOwnPropertyNames(credentials), ...Object.keys(credentials)]
  assert.deepEqual(names.filter((n) => n.startsWith('_')), [])
  assert.equal('_handle' in credentials, false)
})
