// Bad input of every kind gets the documented error, through every entry point:
// a value of the wrong JavaScript type throws TypeError with code INVALID_ARGUMENT_TYPE; a value
// of the right type that breaks a rule throws Error with the core code; a throwing getter's own
// exception propagates unchanged. Never a crash, a hang or a token.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import { generateAuthToken, generateDsqlToken, Signer, DsqlSigner } from '../index.mjs'

const binding = createRequire(import.meta.url)('../binding.js')

const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const DSQL_HOST = 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws'
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET }
const good = { hostname: HOST, port: 5432, username: 'app_user', credentials, signingTime: 1795694400 }
const MB = 'a'.repeat(1 << 20)
const TYPE = 'INVALID_ARGUMENT_TYPE'

/** [description, options change, expected code, message must match] */
const rdsCases = [
  ['hostname undefined', { hostname: undefined }, TYPE, /hostname/],
  ['hostname null', { hostname: null }, TYPE, /hostname/],
  ['hostname number', { hostname: 42 }, TYPE, /hostname must be a string, got number/],
  ['hostname BigInt', { hostname: 1n }, TYPE, /hostname.*bigint/],
  ['hostname object', { hostname: {} }, TYPE, /hostname.*object/],
  ['hostname empty', { hostname: '' }, 'INVALID_HOSTNAME', /hostname/],
  ['hostname 1 MB', { hostname: MB }, 'INVALID_HOSTNAME', /hostname/],
  ['hostname lone surrogate', { hostname: 'db\ud800.example.com' }, 'INVALID_UTF8', /hostname/],
  ['hostname with NUL', { hostname: 'db\0.example.com' }, 'INVALID_HOSTNAME', /hostname/],
  ['port undefined', { port: undefined }, TYPE, /port must be a number, got undefined/],
  ['port null', { port: null }, TYPE, /port.*null/],
  ['port string', { port: '5432' }, TYPE, /port must be a number, got string/],
  ['port BigInt', { port: 5432n }, TYPE, /port.*bigint/],
  ['port NaN', { port: NaN }, 'INVALID_PORT', /port.*NaN/],
  ['port float', { port: 5432.5 }, 'INVALID_PORT', /port.*5432\.5/],
  ['port Infinity', { port: Infinity }, 'INVALID_PORT', /port.*Infinity/],
  ['port negative', { port: -1 }, 'INVALID_PORT', /port -1/],
  ['port 0', { port: 0 }, 'INVALID_PORT', /port 0/],
  ['port 65536', { port: 65536 }, 'INVALID_PORT', /port 65536/],
  ['port 1e300', { port: 1e300 }, 'INVALID_PORT', /port/],
  ['username undefined', { username: undefined }, TYPE, /username/],
  ['username number', { username: 7 }, TYPE, /username/],
  ['username empty', { username: '' }, 'INVALID_USERNAME', /username/],
  ['username with NUL', { username: 'a\0b' }, 'INVALID_USERNAME', /username/],
  ['username lone surrogate', { username: 'app\udc00user' }, 'INVALID_UTF8', /username/],
  ['username 1 MB', { username: MB }, 'INVALID_USERNAME', /username/],
  ['region number', { region: 1 }, TYPE, /region/],
  ['region empty', { region: '' }, 'INVALID_REGION', /region/],
  ['region malformed', { region: 'us east 1' }, 'INVALID_REGION', /region/],
  ['region 1 MB', { region: MB }, 'INVALID_REGION', /region/],
  ['region not inferable', { hostname: '10.0.0.1' }, 'REGION_REQUIRED', /region/],
  ['expiresIn string', { expiresIn: '900' }, TYPE, /expiresIn/],
  ['expiresIn BigInt', { expiresIn: 900n }, TYPE, /expiresIn/],
  ['expiresIn float', { expiresIn: 899.5 }, 'INVALID_EXPIRES_IN', /expires/],
  ['expiresIn NaN', { expiresIn: NaN }, 'INVALID_EXPIRES_IN', /expires/],
  ['expiresIn 0', { expiresIn: 0 }, 'INVALID_EXPIRES_IN', /expires/],
  ['expiresIn 901', { expiresIn: 901 }, 'INVALID_EXPIRES_IN', /expires/],
  ['credentials string', { credentials: 'AKID:SECRET' }, TYPE, /credentials/],
  ['credentials empty object', { credentials: {} }, TYPE, /credentials\.accessKeyId/],
  ['secretAccessKey number', { credentials: { accessKeyId: 'AKID', secretAccessKey: 1 } }, TYPE, /credentials\.secretAccessKey/],
  ['secretAccessKey empty', { credentials: { accessKeyId: 'AKID', secretAccessKey: '' } }, 'INVALID_CREDENTIALS', /secret/],
  ['secretAccessKey 1 MB', { credentials: { accessKeyId: 'AKID', secretAccessKey: MB } }, 'INVALID_CREDENTIALS', /secret/],
  ['accessKeyId lone surrogate', { credentials: { ...credentials, accessKeyId: '\ud800' } }, 'INVALID_UTF8', /accessKeyId/],
  ['sessionToken number', { credentials: { ...credentials, sessionToken: 5 } }, TYPE, /sessionToken/],
  ['sessionToken 1 MB', { credentials: { ...credentials, sessionToken: MB } }, 'INVALID_CREDENTIALS', /session/],
  ['expiration string', { credentials: { ...credentials, expiration: '2030-01-01' } }, TYPE, /expiration must be a Date/],
  ['expiration invalid Date', { credentials: { ...credentials, expiration: new Date(NaN) } }, 'INVALID_CREDENTIALS', /expiration/],
  ['expired credentials', { credentials: { ...credentials, expiration: new Date(0) } }, 'CREDENTIALS_EXPIRED', /expire/],
]

/** Cases of signingTime, which only the one-shot functions take. */
const timeCases = [
  ['signingTime string', { signingTime: 'now' }, TYPE, /signingTime/],
  ['signingTime BigInt', { signingTime: 1795694400n }, TYPE, /signingTime/],
  ['signingTime NaN', { signingTime: NaN }, 'INVALID_SIGNING_TIME', /signing_time/],
  ['signingTime Infinity', { signingTime: Infinity }, 'INVALID_SIGNING_TIME', /signing_time/],
  ['signingTime negative', { signingTime: -1 }, 'INVALID_SIGNING_TIME', /signing_time/],
  ['signingTime after 9999', { signingTime: 1e13 }, 'INVALID_SIGNING_TIME', /signing_time/],
  ['signingTime invalid Date', { signingTime: new Date(NaN) }, 'INVALID_SIGNING_TIME', /signing_time/],
  ['credentials function', { credentials: async () => credentials }, TYPE, /credentials.*function/],
]

function expectError(run, code, pattern, label) {
  let error
  try {
    run()
  } catch (e) {
    error = e
  }
  assertError(error, code, pattern, label)
}

function assertError(error, code, pattern, label) {
  assert.ok(error instanceof Error, `${label}: expected ${code}, got ${error === undefined ? 'a token' : error}`)
  assert.equal(error.code, code, `${label}: ${error.message}`)
  assert.equal(error instanceof TypeError, code === TYPE, `${label}: TypeError exactly for ${TYPE}`)
  assert.match(error.message, pattern, label)
  assert.ok(error.message.length < 400, `${label}: message too long (${error.message.length})`)
  assert.ok(!error.message.includes(SECRET) && !error.message.includes('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
    `${label}: message echoes a secret or a huge input`)
}

test('the unmodified options sign (sanity check of the table)', () => {
  assert.match(generateAuthToken(good), /^mydb\.cluster-c9akciq32\.us-east-1\.rds\.amazonaws\.com:5432\/\?Action=connect&/)
})

for (const [name, fn] of [['generateAuthToken', generateAuthToken], ['native generateAuthToken', binding.generateAuthToken]]) {
  test(`${name}: every bad input throws its documented error`, () => {
    for (const [label, change, code, pattern] of [...rdsCases, ...timeCases]) {
      expectError(() => fn({ ...good, ...change }), code, pattern, `${name} ${label}`)
    }
  })

  test(`${name}: options that are not an object throw TypeError`, () => {
    for (const options of [undefined, null, 'host', 5, true, 5n, Symbol('x')]) {
      expectError(() => fn(options), TYPE, /options must be an object/, `${name} ${String(options)}`)
    }
    expectError(() => fn(), TYPE, /options must be an object, got undefined/, `${name} ()`)
  })

  test(`${name}: a getter that throws propagates its own exception`, () => {
    const boom = new Error('boom from getter')
    for (const options of [
      { ...good, get hostname() { throw boom } },
      { ...good, get port() { throw boom } },
      { ...good, get credentials() { throw boom } },
      { ...good, credentials: { accessKeyId: 'AKID', get secretAccessKey() { throw boom } } },
      { ...good, get signingTime() { throw boom } },
    ]) {
      assert.throws(() => fn(options), (e) => e === boom)
    }
  })
}

test('generateDsqlToken: bad admin, port-free options and DSQL limits', () => {
  const dsql = { hostname: DSQL_HOST, credentials, signingTime: 1795694400 }
  for (const fn of [generateDsqlToken, binding.generateDsqlToken]) {
    assert.match(fn(dsql), /Action=DbConnect&/)
    assert.match(fn({ ...dsql, admin: true }), /Action=DbConnectAdmin&/)
    expectError(() => fn({ ...dsql, admin: 'yes' }), TYPE, /admin must be a boolean/, 'admin string')
    expectError(() => fn({ ...dsql, expiresIn: 604801 }), 'INVALID_EXPIRES_IN', /expires/, 'dsql expiresIn')
    expectError(() => fn({ ...dsql, hostname: HOST }), 'REGION_REQUIRED', /region/, 'rds host as dsql')
    expectError(() => fn(null), TYPE, /options/, 'null')
    assert.equal(fn({ ...dsql, expiresIn: 604800 }).includes('X-Amz-Expires=604800'), true)
  }
})

test('Signer: the constructor rejects bad options with the same errors', async () => {
  for (const [label, change, code, pattern] of rdsCases) {
    const options = { ...good, ...change }
    let error
    try {
      await new Signer(options).getAuthToken()
    } catch (e) {
      error = e
    }
    assertError(error, code, pattern, `Signer ${label}`)
  }
  for (const options of [undefined, null, 'x']) {
    assert.throws(() => new Signer(options), (e) => e instanceof TypeError && e.code === TYPE)
  }
  assert.throws(() => new Signer({ ...good, credentials: 42 }), (e) => e instanceof TypeError && /credentials/.test(e.message))
})

test('DsqlSigner: the constructor rejects bad options', () => {
  assert.throws(() => new DsqlSigner({ hostname: '' }), { code: 'INVALID_HOSTNAME' })
  assert.throws(() => new DsqlSigner({ hostname: DSQL_HOST, expiresIn: 0 }), { code: 'INVALID_EXPIRES_IN' })
  assert.throws(() => new DsqlSigner({ hostname: HOST }), { code: 'REGION_REQUIRED' })
  assert.throws(() => new DsqlSigner({ hostname: 5 }), { code: TYPE, name: 'TypeError' })
})

test('errors are plain Error / TypeError instances with a stack', () => {
  try {
    generateAuthToken({ ...good, port: 0 })
    assert.fail('no error')
  } catch (e) {
    assert.equal(Object.getPrototypeOf(e), Error.prototype)
    assert.match(e.stack, /errors\.test\.mjs/)
  }
})
