// Every shared vector through every entry point: byte-identical tokens, exact error codes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import { generateAuthToken, generateDsqlToken, Signer, DsqlSigner, Credentials } from '../index.mjs'
import { allCases, oneShotOptions, signerOptions, signingTimeOf } from './vectors.mjs'

const binding = createRequire(import.meta.url)('../binding.js')
const cases = allCases()

function oneShot(fn, c) {
  const options = oneShotOptions(c)
  if (c.kind === 'rds') return fn.rds(options)
  return fn.dsql(options)
}

function check(c, run) {
  let token, error
  try {
    token = run()
  } catch (e) {
    error = e
  }
  if (c.expected_token !== undefined) {
    assert.equal(error, undefined, `${c.file} ${c.id}: unexpected ${error?.code}: ${error?.message}`)
    assert.equal(token, c.expected_token, `${c.file} ${c.id}`)
  } else {
    assert.ok(error instanceof Error, `${c.file} ${c.id}: expected ${c.expected_error}, got a token`)
    assert.equal(error.code, c.expected_error, `${c.file} ${c.id}: ${error.message}`)
    assert.ok(error.message.length > 0)
  }
}

test('the vector files hold a few hundred token and error cases', () => {
  assert.ok(cases.length >= 500, `found ${cases.length}`)
  assert.ok(cases.some((c) => c.expected_token) && cases.some((c) => c.expected_error))
  for (const kind of ['rds', 'dsql', 'dsql-admin']) assert.ok(cases.some((c) => c.kind === kind), kind)
})

test('generateAuthToken / generateDsqlToken (index.js fast path) match every vector', () => {
  for (const c of cases) check(c, () => oneShot({ rds: generateAuthToken, dsql: generateDsqlToken }, c))
})

test('a Credentials object, and an identity object signed with twice (its remembered Credentials), match every vector', () => {
  for (const c of cases) {
    check(c, () => {
      const options = oneShotOptions(c)
      if (typeof options.credentials === 'object' && options.credentials !== null) options.credentials = new Credentials(options.credentials)
      return c.kind === 'rds' ? generateAuthToken(options) : generateDsqlToken(options)
    })
    const options = oneShotOptions(c)
    const fn = c.kind === 'rds' ? generateAuthToken : generateDsqlToken
    check(c, () => { try { fn(options) } catch { /* reported by the second call */ } return fn(options) })
  }
})

test('the native option-object functions match every vector', () => {
  for (const c of cases) {
    check(c, () => oneShot({ rds: binding.generateAuthToken, dsql: binding.generateDsqlToken }, c))
  }
})

test('signingTime as a Date gives the same tokens as Unix seconds', () => {
  for (const c of cases.filter((c) => c.expected_token)) {
    const options = { ...oneShotOptions(c), signingTime: new Date(c.signing_time * 1000 + 999) }
    const token = c.kind === 'rds' ? generateAuthToken(options) : generateDsqlToken(options)
    assert.equal(token, c.expected_token, c.id)
  }
})

// Signer and DsqlSigner sign at the current time, so each token case checks that the signer's
// token is byte-identical to the vector-checked one-shot token for the same inputs at the
// signing time the signer used (read back from X-Amz-Date, which must be now). Error cases
// must fail with the vector's code, in the constructor or the returned promise; the cases
// whose error is in signing_time have no counterpart (a signer always signs now).
async function viaSigner(c) {
  const options = signerOptions(c)
  if (c.kind === 'rds') return new Signer(options).getAuthToken()
  const signer = new DsqlSigner(options)
  return c.kind === 'dsql' ? signer.getDbConnectAuthToken() : signer.getDbConnectAdminAuthToken()
}

test('Signer / DsqlSigner match every vector', async () => {
  let tokens = 0
  let errors = 0
  for (const c of cases) {
    if (c.expected_error === 'INVALID_SIGNING_TIME') continue
    const before = Math.floor(Date.now() / 1000)
    let token, error
    try {
      token = await viaSigner(c)
    } catch (e) {
      error = e
    }
    const after = Math.floor(Date.now() / 1000)
    if (c.expected_error) {
      assert.ok(error instanceof Error, `${c.id}: expected ${c.expected_error}`)
      assert.equal(error.code, c.expected_error, `${c.id}: ${error.message}`)
      errors++
      continue
    }
    assert.equal(error, undefined, `${c.id}: ${error?.code} ${error?.message}`)
    const at = signingTimeOf(token)
    assert.ok(at >= before && at <= after, `${c.id}: signed at ${at}, not now (${before}..${after})`)
    const options = { ...oneShotOptions(c), signingTime: at }
    const expected = c.kind === 'rds' ? generateAuthToken(options) : generateDsqlToken(options)
    assert.equal(token, expected, c.id)
    if (at === c.signing_time) assert.equal(token, c.expected_token, c.id)
    tokens++
  }
  assert.ok(tokens > 400 && errors > 100, `${tokens} tokens, ${errors} errors`)
})
