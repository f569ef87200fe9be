// `npm pack`, then install the tarball into a fresh project and require / import it by name.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const pkgDir = new URL('..', import.meta.url).pathname
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } })

test('npm pack → npm install tarball → require and import', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'auroraiam-pack-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], pkgDir))
  const files = packed.files.map((f) => f.path).sort()
  assert.deepEqual(files.filter((f) => !f.endsWith('.node')),
    ['LICENSE', 'README.md', 'binding.js', 'index.d.ts', 'index.js', 'index.mjs',
      ...['common.d.ts', 'common.js', 'mysql2.d.ts', 'mysql2.js', 'mysql2.mjs', 'pg.d.ts', 'pg.js', 'pg.mjs',
        'postgres.d.ts', 'postgres.js', 'postgres.mjs'].map((f) => `lib/${f}`),
      'package.json'])
  assert.equal(files.filter((f) => f.endsWith('.node')).length, 1, 'one addon for this platform')
  const tarball = join(dir, packed.filename)
  // The default build carries the AWS SDKs' credential chain (aws-config, an HTTP and TLS
  // stack): about 3 MB packed; the slim build (no chain) about 0.35 MB (make bench-node).
  const size = statSync(tarball).size
  assert.ok(size <= 4 * 1024 * 1024, `packed size ${size} bytes > 4 MB`)

  const project = join(dir, 'app')
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
  npm(['install', '--offline', '--no-audit', '--no-fund', tarball], project)
  const options = "{hostname:'db.cluster-x.us-west-2.rds.amazonaws.com',port:5432,username:'u',credentials:{accessKeyId:'AKID',secretAccessKey:'S'},signingTime:1}"
  const cjs = execFileSync(process.execPath, ['-e', `console.log(require('auroraiam').generateAuthToken(${options}))`], { cwd: project, encoding: 'utf8' })
  const esm = execFileSync(process.execPath, ['--input-type=module', '-e',
    `import { generateAuthToken, Signer } from 'auroraiam'; import d from 'auroraiam'; console.log(generateAuthToken(${options})); if (d.Signer !== Signer) process.exit(3)`],
  { cwd: project, encoding: 'utf8' })
  assert.equal(cjs, esm)
  // The driver integrations load by subpath without their (optional peer) drivers installed;
  // options are checked before any driver is needed.
  const subpaths = execFileSync(process.execPath, ['--input-type=module', '-e',
    `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/');
     import { poolConfig } from 'auroraiam/pg'; import { options } from 'auroraiam/postgres'; import * as my from 'auroraiam/mysql2';
     if (require('auroraiam/pg').poolConfig !== poolConfig) process.exit(3);
     const o = options({ hostname: 'db.cluster-x.us-west-2.rds.amazonaws.com', user: 'u', credentials: { accessKeyId: 'AKID', secretAccessKey: 'S' } });
     try { poolConfig({ hostname: 'db.cluster-x.us-west-2.rds.amazonaws.com', user: 'u' }) } catch (e) { console.log(e.code) }
     console.log(typeof my.createPool, o.port, typeof o.pass)`], { cwd: project, encoding: 'utf8' })
  assert.equal(subpaths, 'MODULE_NOT_FOUND\nfunction 5432 function\n')
  assert.match(cjs, /^db\.cluster-x\.us-west-2\.rds\.amazonaws\.com:5432\/\?Action=connect&DBUser=u&.*X-Amz-Credential=AKID%2F19700101%2Fus-west-2%2Frds-db%2Faws4_request/)
})
