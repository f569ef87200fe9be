// Per-thread reuse (last credentials' signer, last validated request) never changes a result:
// alternating inputs, failures in between, re-entrant calls from getters.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import { generateAuthToken, generateDsqlToken } from '../index.mjs'
import { allCases, oneShotOptions } from './vectors.mjs'

const binding = createRequire(import.meta.url)('../binding.js')
const tokens = allCases().filter((c) => c.expected_token)

test('alternating requests and credentials, with failures in between, give each vector token', () => {
  for (let i = 0; i < tokens.length; i++) {
    for (const c of [tokens[i], tokens[(i * 7 + 3) % tokens.length], tokens[i]]) {
      const fn = c.kind === 'rds' ? generateAuthToken : generateDsqlToken
      assert.equal(fn(oneShotOptions(c)), c.expected_token, c.id)
      assert.throws(() => fn({ ...oneShotOptions(c), region: 'nope' }), { code: 'INVALID_REGION' })
      assert.throws(() => fn({ ...oneShotOptions(c), credentials: { ...oneShotOptions(c).credentials, secretAccessKey: '' } }),
        { code: 'INVALID_CREDENTIALS' })
    }
  }
})

test('a getter that signs while the native reader is reading gets its own correct token', () => {
  const [a, b] = tokens.filter((c) => c.kind === 'rds')
  let inner
  const options = {
    ...oneShotOptions(a),
    get username() {
      inner = binding.generateAuthToken(oneShotOptions(b))
      return a.username
    },
  }
  assert.equal(binding.generateAuthToken(options), a.expected_token)
  assert.equal(inner, b.expected_token)
  assert.equal(generateAuthToken(options), a.expected_token)
})
