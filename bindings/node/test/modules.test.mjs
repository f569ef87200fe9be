// The package loads as CommonJS and as an ES module, with the same exports, and its error
// codes cover every code of the core (and match the C header when it has been generated).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import * as esm from '../index.mjs'
import esmDefault from '../index.mjs'
import { allCases, repoRoot } from './vectors.mjs'

const require = createRequire(import.meta.url)
const cjs = require('../index.js')
const pkgDir = new URL('..', import.meta.url).pathname
const PUBLIC = ['Credentials', 'DsqlSigner', 'Signer', '__napiBindingTarget', 'createUserSql', 'diagnoseToken', 'dsqlConnectPolicy', 'errorCodes',
  'explainPolicy', 'generateAuthToken', 'generateDsqlToken', 'parseToken', 'rdsConnectPolicy', 'redactToken', 'verifyToken']

test('CommonJS and ESM entries export the same public API', () => {
  assert.deepEqual(Object.keys(cjs).sort(), PUBLIC)
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), PUBLIC)
  for (const name of PUBLIC) {
    assert.equal(esm[name], cjs[name], name)
    assert.equal(esmDefault[name], cjs[name], name)
  }
  assert.equal(typeof cjs.generateAuthToken, 'function')
  assert.equal(cjs.__napiBindingTarget, 'native')
})

test('every name index.d.ts declares is exported, and nothing else', () => {
  const dts = readFileSync(join(pkgDir, 'index.d.ts'), 'utf8')
  const declared = [...dts.matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map((m) => m[1]).sort()
  assert.deepEqual(declared, PUBLIC)
})

test('package.json: exports map, engines and version agree with the workspace', () => {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  assert.deepEqual(pkg.exports['.'], { types: './index.d.ts', import: './index.mjs', require: './index.js' })
  for (const sub of ['pg', 'postgres', 'mysql2']) {
    assert.deepEqual(pkg.exports[`./${sub}`], { types: `./lib/${sub}.d.ts`, import: `./lib/${sub}.mjs`, require: `./lib/${sub}.js` })
    assert.equal(pkg.peerDependenciesMeta[sub].optional, true, `${sub} is an optional peer dependency`)
  }
  assert.equal(pkg.engines.node, '>=20')
  assert.ok(Number(process.versions.node.split('.')[0]) >= 20)
  const cargo = readFileSync(join(repoRoot, 'Cargo.toml'), 'utf8')
  const version = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)[1]
  assert.equal(pkg.version, version, 'npm version = workspace version')
  assert.equal(pkg.napi.binaryName, 'auroraiam')
})

test('require and import from a separate process (CJS and ESM, by package name)', () => {
  const token = "({hostname:'db.cluster-x.eu-west-1.rds.amazonaws.com',port:3306,username:'u',credentials:{accessKeyId:'AKID',secretAccessKey:'S'},signingTime:0})"
  const outCjs = execFileSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(join(pkgDir, 'index.js'))}).generateAuthToken${token})`]).toString().trim()
  const outEsm = execFileSync(process.execPath, ['--input-type=module', '-e',
    `import { generateAuthToken } from ${JSON.stringify(join(pkgDir, 'index.mjs'))}; console.log(generateAuthToken${token})`]).toString().trim()
  assert.equal(outCjs, outEsm)
  assert.match(outCjs, /^db\.cluster-x\.eu-west-1\.rds\.amazonaws\.com:3306\/\?Action=connect&DBUser=u&/)
})

test('errorCodes() lists every core code once; vectors only use listed codes', () => {
  const codes = cjs.errorCodes()
  const names = codes.map((c) => c.name)
  assert.equal(new Set(names).size, names.length)
  assert.equal(new Set(codes.map((c) => c.number)).size, codes.length)
  for (const c of codes) {
    assert.match(c.name, /^[A-Z][A-Z0-9_]+$/)
    assert.ok(Number.isInteger(c.number) && c.number >= 7001, c.name)
    assert.ok(c.description.length > 0, c.name)
  }
  assert.deepEqual(codes.map((c) => c.number), codes.map((c) => c.number).sort((a, b) => a - b))
  for (const c of allCases()) if (c.expected_error) assert.ok(names.includes(c.expected_error), c.expected_error)
  // The binding's own code is not one of the core's.
  assert.ok(!names.includes('INVALID_ARGUMENT_TYPE'))
})

test('error codes equal the C status names (include/auroraiam.h, when present)', (t) => {
  const header = join(repoRoot, 'include', 'auroraiam.h')
  if (!existsSync(header)) {
    t.skip('include/auroraiam.h not generated')
    return
  }
  const text = readFileSync(header, 'utf8')
  const c = new Map([...text.matchAll(/AURORAIAM_RESULT_([A-Z0-9_]+) = (\d+)/g)].map((m) => [m[1], Number(m[2])]))
  for (const code of cjs.errorCodes()) {
    if (c.size && c.has(code.name)) assert.equal(c.get(code.name), code.number, code.name)
  }
})
