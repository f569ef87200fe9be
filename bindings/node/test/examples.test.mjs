// The examples in examples/node parse (running the database ones needs servers: a later
// issue), the offline inspection example runs, and the per-platform package directories match
// the napi targets.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { repoRoot } from './vectors.mjs'

const examples = join(repoRoot, 'examples', 'node')

test('every example parses (node --check)', () => {
  const files = readdirSync(examples).filter((f) => /\.[cm]?js$/.test(f))
  for (const required of ['pg.mjs', 'mysql2.mjs', 'migrate-from-rds-signer.mjs', 'demo.mjs', 'inspect-token.mjs']) assert.ok(files.includes(required), required)
  for (const file of files) execFileSync(process.execPath, ['--check', join(examples, file)])
})

test('the examples use the documented options', () => {
  const pgExample = readFileSync(join(examples, 'pg.mjs'), 'utf8')
  assert.match(pgExample, /^import \{ poolConfig \} from 'auroraiam\/pg'$/m)
  assert.match(pgExample, /new pg\.Pool\(poolConfig\(/)
  assert.match(pgExample, /ssl: \{ ca:/)
  const mysql = readFileSync(join(examples, 'mysql2.mjs'), 'utf8')
  assert.match(mysql, /^import \{ createPool \} from 'auroraiam\/mysql2'$/m)
  assert.match(mysql, /ssl: \{ ca:/)
  const migrate = readFileSync(join(examples, 'migrate-from-rds-signer.mjs'), 'utf8')
  assert.match(migrate, /^import \{ Signer \} from 'auroraiam'$/m)
})

test('inspect-token.mjs inspects and verifies a token, and rejects a tampered one', async () => {
  // Run from a copy that imports the package entry of this checkout.
  const { generateAuthToken } = await import('../index.mjs')
  const source = readFileSync(join(examples, 'inspect-token.mjs'), 'utf8')
    .replace("from 'auroraiam'", `from ${JSON.stringify(new URL('../index.mjs', import.meta.url).href)}`)
  const run = (args, env = {}) => spawnSync(process.execPath, ['--input-type=module', '-', ...args],
    { input: source, encoding: 'utf8', env: { ...process.env, ...env } })
  const own = run([])
  assert.equal(own.status, 0, own.stderr)
  assert.match(own.stdout, /X-Amz-Signature=<redacted:64 chars>/)
  assert.match(own.stdout, /nothing a server would reject/)
  assert.match(own.stdout, /verified/)
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'right-secret' }
  const token = generateAuthToken({ hostname: 'db.cluster-x.us-east-1.rds.amazonaws.com', port: 5432, username: 'u', credentials })
  const ok = run([token, '--port', '5432', '--user', 'u'], { AWS_SECRET_ACCESS_KEY: 'right-secret' })
  assert.equal(ok.status, 0, ok.stdout + ok.stderr)
  assert.ok(!ok.stdout.includes(/X-Amz-Signature=([0-9a-f]{64})/.exec(token)[1]), 'the signature was printed')
  const wrong = run([token, '--user', 'v'], { AWS_SECRET_ACCESS_KEY: 'right-secret' })
  assert.equal(wrong.status, 1)
  assert.match(wrong.stdout, /error: +USER_MISMATCH/)
  assert.match(wrong.stdout, /rejected: +USER_MISMATCH/)
})

test('npm/<platform> packages exist for every napi target, at the package version', () => {
  const pkgDir = new URL('..', import.meta.url).pathname
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  const dirs = readdirSync(join(pkgDir, 'npm')).sort()
  assert.equal(dirs.length, pkg.napi.targets.length)
  for (const dir of dirs) {
    const sub = JSON.parse(readFileSync(join(pkgDir, 'npm', dir, 'package.json'), 'utf8'))
    assert.equal(sub.name, `auroraiam-${dir}`)
    assert.equal(sub.version, pkg.version, dir)
    assert.equal(sub.main, `auroraiam.${dir}.node`)
  }
  // The loader looks for exactly these packages.
  const loader = readFileSync(join(pkgDir, 'binding.js'), 'utf8')
  for (const dir of dirs) assert.ok(loader.includes(`'auroraiam-${dir}'`), dir)
})
