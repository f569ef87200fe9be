// index.d.ts type-checks real ESM and CommonJS usage, including @ts-expect-error misuse
// (TypeScript is pinned in package.json).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

test('tsc --noEmit accepts test/types/usage.mts and usage.cts', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const project = new URL('./types/tsconfig.json', import.meta.url).pathname
  const run = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stdout + run.stderr)
})
