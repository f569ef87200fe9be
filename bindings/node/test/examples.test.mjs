// The examples in examples/node parse (running them needs database servers: a later issue),
// and the per-platform package directories match the napi targets.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { repoRoot } from './vectors.mjs'

const examples = join(repoRoot, 'examples', 'node')

test('every example parses (node --check)', () => {
  const files = readdirSync(examples).filter((f) => /\.[cm]?js$/.test(f))
  for (const required of ['pg.mjs', 'mysql2.mjs', 'migrate-from-rds-signer.mjs', 'demo.mjs']) assert.ok(files.includes(required), required)
  for (const file of files) execFileSync(process.execPath, ['--check', join(examples, file)])
})

test('the examples use the documented options', () => {
  const pgExample = readFileSync(join(examples, 'pg.mjs'), 'utf8')
  assert.match(pgExample, /password: \(\) => signer\.getAuthToken\(\)/)
  assert.match(pgExample, /ssl: \{ ca:/)
  const mysql = readFileSync(join(examples, 'mysql2.mjs'), 'utf8')
  assert.match(mysql, /mysql_clear_password/)
  assert.match(mysql, /ssl: \{ ca:/)
  const migrate = readFileSync(join(examples, 'migrate-from-rds-signer.mjs'), 'utf8')
  assert.match(migrate, /^import \{ Signer \} from 'auroraiam'$/m)
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
