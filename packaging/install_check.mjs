// Install test of the npm tarball from dist/ (run by packaging/test-install.sh inside a fresh npm
// project that installed it, with no Rust toolchain or compiler needed): every token case of
// tests/vectors byte-identical through both entry points (ESM and CommonJS), the installed
// package (not the source tree) with its types, and the default credential chain (a profile in a
// temporary shared credentials file) in a Signer.
//
//   node install_check.mjs VECTORS_DIR
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { generateAuthToken, generateDsqlToken, Signer } from 'auroraiam'

const require = createRequire(join(process.cwd(), 'package.json'))
const vectors = process.argv[2]
const cjs = require('auroraiam')
assert.equal(cjs.generateAuthToken, generateAuthToken, 'ESM and CommonJS share one addon')

const entry = require.resolve('auroraiam')
const pkgDir = dirname(entry)
assert.ok(pkgDir.startsWith(join(process.cwd(), 'node_modules')), `auroraiam resolved to ${entry}`)
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
assert.ok(existsSync(join(pkgDir, pkg.types)), 'index.d.ts is installed')
assert.match(readFileSync(join(pkgDir, pkg.types), 'utf8'), /export declare function generateAuthToken/)
assert.ok(existsSync(join(pkgDir, 'auroraiam.linux-x64-gnu.node')), 'the prebuilt addon is installed')

let checked = 0
for (const name of ['rds.json', 'dsql.json', 'public.json']) {
  for (const c of JSON.parse(readFileSync(join(vectors, name), 'utf8')).cases) {
    if (c.expected_token == null) continue
    const credentials = { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key }
    if (c.session_token != null) credentials.sessionToken = c.session_token
    const options = { hostname: c.hostname, credentials, expiresIn: c.expires_in, signingTime: c.signing_time }
    if (c.region !== null) options.region = c.region
    let token
    if (c.kind === 'rds') token = generateAuthToken({ ...options, port: c.port, username: c.username })
    else token = generateDsqlToken({ ...options, admin: c.kind === 'dsql-admin' })
    assert.equal(token, c.expected_token, `${name} ${c.id}`)
    checked++
  }
}
assert.ok(checked > 400, `${checked} cases`)

// The default chain (the package is built with it): a profile, no AWS_* credential variables.
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k]
const dir = mkdtempSync(join(tmpdir(), 'auroraiam-npm-'))
writeFileSync(join(dir, 'credentials'),
  '[install-test]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n')
Object.assign(process.env, {
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'none'),
  AWS_EC2_METADATA_DISABLED: 'true', HOME: dir,
})
const host = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const signer = new Signer({ hostname: host, port: 5432, username: 'app_user', profile: 'install-test' })
const chained = await signer.getAuthToken()
assert.match(chained, /X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F/)
console.log(`node: ${checked} vector tokens identical (ESM and CommonJS); Signer read a profile through the default chain; ` +
  `auroraiam ${pkg.version} from ${pkgDir}`)
