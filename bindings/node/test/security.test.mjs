// Security fixes (issue #18): RDS tokens asking to live longer than 900 s are refused with
// TOKEN_LIFETIME_TOO_LONG, clock skew is capped at an hour, redaction masks whatever is not a
// token whole, and error messages quote and cut what they echo.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { errorCodes, parseToken, diagnoseToken, verifyToken, redactToken } from '../index.mjs'

// botocore 1.43.11 (tests/vectors/generate.py rds_presign) for db.example.com:5432, user app,
// us-east-1, signed at 1700000000 by BOTO_KEY with X-Amz-Expires 3600 and 604800.
const BOTO_KEY = 'AKIAIOSFODNN7EXAMPLE'
const BOTO_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const BOTO_AT = 1_700_000_000
const BOTO_HEAD = 'db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=' +
  'AKIAIOSFODNN7EXAMPLE%2F20231114%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20231114T221320Z'
const LONG_LIVED = {
  3600: `${BOTO_HEAD}&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=d5745e39572c3e98c5ae1e34048bac7770ffdbadd9a9a529c08da71fce13f61d`,
  604800: `${BOTO_HEAD}&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=0d5b68cfdd87636903b08bd12e4aa0c75fca7682acca76256a04cb8a2fa4cf0b`,
}
const secrets = { [BOTO_KEY]: BOTO_SECRET }

test('RDS tokens living longer than 900 s fail with TOKEN_LIFETIME_TOO_LONG', () => {
  for (const [expires, token] of Object.entries(LONG_LIVED)) {
    for (const options of [{ now: BOTO_AT + 10 }, { now: BOTO_AT + 10, expectKind: 'rds' }]) {
      assert.throws(() => verifyToken(token, secrets, options), (e) =>
        e.code === 'TOKEN_LIFETIME_TOO_LONG' && e.message.includes(`${expires} s`) && e.message.includes('900'))
    }
    assert.equal(parseToken(token).expiresIn, Number(expires))
    assert.ok(diagnoseToken(token, { now: BOTO_AT }).some((d) => d.code === 'EXPIRES_IN_TOO_LONG'))
  }
  assert.equal(errorCodes().find((c) => c.name === 'TOKEN_LIFETIME_TOO_LONG').number, 7028)
})

test('maxClockSkew is capped at 3600 s', () => {
  const token = LONG_LIVED[3600]
  for (const skew of [3601, 86_400, 4_294_967_295]) {
    assert.throws(() => verifyToken(token, secrets, { now: BOTO_AT, maxClockSkew: skew }),
      (e) => e.code === 'INVALID_ARGUMENT' && /maxClockSkew/.test(e.message) && e.message.includes('3600'))
  }
})

test('redactToken masks whatever does not parse as a token whole', () => {
  for (const text of [
    'postgres://app:hunter2@db:5432/?sslmode=require',
    'db:5432/?password=hunter2',
    'db:5432/?Action=connect&DBUser=app&hunter2',
    `${LONG_LIVED[3600]}&password=hunter2`,
    'h\n/?x=hunter2\u001b[2J',
  ]) {
    assert.equal(redactToken(text), `<redacted: ${Buffer.byteLength(text)} bytes, not a token>`)
  }
})

test('error messages quote, escape and cut what they echo', () => {
  const evil = `db:5432/?Action=connect&X%0A%1B[2J${'y'.repeat(500)}=%zz`
  for (const fn of [parseToken, (t) => verifyToken(t, secrets)]) {
    assert.throws(() => fn(evil), (e) =>
      e.code === 'TOKEN_MALFORMED' && !/[\u0000-\u001f\u007f]/.test(e.message) && e.message.length < 300)
  }
})
