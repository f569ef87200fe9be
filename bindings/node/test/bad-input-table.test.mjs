// The shared bad-input table (tests/bad_inputs.json): every case throws an Error whose .code is
// the case's exact code. The same table runs through the Rust core, C, Python and the CLI.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { generateAuthToken, generateDsqlToken, parseToken, verifyToken } from '../index.mjs'
import { repoRoot } from './vectors.mjs'

const cases = JSON.parse(readFileSync(join(repoRoot, 'tests', 'bad_inputs.json'), 'utf8')).cases

/** Drops null fields (null in the table means "not given"). */
const given = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null))

function run(c) {
  switch (c.op) {
    case 'generate': {
      const credentials = given({ accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key, sessionToken: c.session_token })
      const common = given({ hostname: c.hostname, region: c.region, credentials, expiresIn: c.expires_in, signingTime: c.signing_time })
      if (c.kind === 'rds') return generateAuthToken({ ...common, port: c.port, username: c.username })
      return generateDsqlToken({ ...common, admin: c.kind === 'dsql-admin' })
    }
    case 'parse':
      return parseToken(c.token)
    case 'verify':
      return verifyToken(c.token, { [c.access_key_id]: c.secret_access_key }, given({
        now: c.now,
        maxClockSkew: c.max_clock_skew,
        expectKind: c.expect_kind,
        expectHostname: c.expect_hostname,
        expectPort: c.expect_port,
        expectUsername: c.expect_username,
        expectRegion: c.expect_region,
      }))
    default:
      throw new Error(`unknown op ${c.op}`)
  }
}

test('the table has at least 40 cases', () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`)
})

for (const c of cases) {
  test(`${c.id} ${c.op}: ${c.description} -> ${c.expected_error}`, () => {
    assert.throws(() => run(c), (e) => {
      assert.equal(e.code, c.expected_error, `${c.description}: ${e.message}`)
      assert.ok(!e.message.includes(c.secret_access_key ?? '\u0000never'), 'message shows the secret')
      return true
    })
  })
}
