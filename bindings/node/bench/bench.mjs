// auroraiam vs @aws-sdk/rds-signer, timed side by side in one run (`make bench-node`).
// Prints per-token medians and ratios, cold start, and the packed size. Not a test: nothing
// here fails on a slow machine; docs/node.md records what was measured.
//
// Needs the AWS SDK signers installed by `cd tests/vectors && npm ci` (make does it).
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const pkgDir = new URL('..', import.meta.url).pathname
const sdkDir = join(pkgDir, '..', '..', 'tests', 'vectors', 'node_modules')
const require = createRequire(import.meta.url)
const auroraiam = require(join(pkgDir, 'index.js'))
const { Signer: SdkSigner } = require(join(sdkDir, '@aws-sdk', 'rds-signer'))

const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const base = { hostname: HOST, port: 5432, username: 'app_user' }
const plain = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
/** An STS-shaped session token of 800 characters. */
function sessionToken() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  let s = 'IQoJb3JpZ2luX2VjE'
  let x = 12345
  while (s.length < 798) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    s += alphabet[(x >>> 16) % 64]
  }
  return s + '=='
}
const withSession = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: plain.secretAccessKey, sessionToken: sessionToken() }

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** Median ns per call over `rounds` rounds of `n` calls of a synchronous function. */
function timeSync(fn, n, rounds = 9) {
  let sink = 0
  for (let i = 0; i < n; i++) sink += fn().length
  const per = []
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink += fn().length
    per.push(Number(process.hrtime.bigint() - t0) / n)
  }
  if (sink === 0) throw new Error('unreachable')
  return median(per)
}

/** Median ns per awaited call of an async function. */
async function timeAsync(fn, n, rounds = 9) {
  let sink = 0
  for (let i = 0; i < n; i++) sink += (await fn()).length
  const per = []
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink += (await fn()).length
    per.push(Number(process.hrtime.bigint() - t0) / n)
  }
  if (sink === 0) throw new Error('unreachable')
  return median(per)
}

const fmt = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`).padStart(10)

console.log(`auroraiam ${require(join(pkgDir, 'package.json')).version} vs @aws-sdk/rds-signer ${require(join(sdkDir, '@aws-sdk', 'rds-signer', 'package.json')).version}, node ${process.version}, ${process.arch}`)
console.log('per token (median of 9 rounds):')
for (const [label, credentials] of [['plain credentials', plain], ['800-char session token', withSession]]) {
  const options = { ...base, credentials }
  const ours = new auroraiam.Signer(options)
  const theirs = new SdkSigner({ ...options, region: 'us-east-1' })
  // Same token shape (both sign now; the query order differs: the JS SDK's is not botocore's).
  const sample = await theirs.getAuthToken()
  if (!sample.startsWith(`${HOST}:5432/?`)) throw new Error('unexpected rds-signer token')
  const sdk = await timeAsync(() => theirs.getAuthToken(), 2_000)
  const oneShot = timeSync(() => auroraiam.generateAuthToken(options), 100_000)
  const signer = await timeAsync(() => ours.getAuthToken(), 50_000)
  console.log(`  ${label}:`)
  console.log(`    generateAuthToken()                 ${fmt(oneShot)}   ${(sdk / oneShot).toFixed(1).padStart(5)}x rds-signer`)
  console.log(`    Signer.getAuthToken()               ${fmt(signer)}   ${(sdk / signer).toFixed(1).padStart(5)}x rds-signer`)
  console.log(`    @aws-sdk/rds-signer getAuthToken()  ${fmt(sdk)}`)
}

// Cold start: a new node process that loads the package and prints one token.
function coldMs(script, runs = 15) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, ['-e', script], { cwd: pkgDir, env: { ...process.env, ...{ AWS_ACCESS_KEY_ID: plain.accessKeyId, AWS_SECRET_ACCESS_KEY: plain.secretAccessKey } } })
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(`cold start script failed: ${r.stderr}`)
  }
  return median(times)
}
const opts = JSON.stringify({ ...base, region: 'us-east-1' })
const bare = coldMs('')
const ours = coldMs(`process.stdout.write(require('./index.js').generateAuthToken(${opts}))`)
const oursSigner = coldMs(`new (require('./index.js').Signer)(${opts}).getAuthToken().then((t) => process.stdout.write(t))`)
const sdk = coldMs(`new (require(${JSON.stringify(join(sdkDir, '@aws-sdk', 'rds-signer'))}).Signer)(${opts}).getAuthToken().then((t) => process.stdout.write(t))`)
console.log('cold start (median of 15 processes: node -e, require + first token):')
console.log(`    bare node                           ${bare.toFixed(1).padStart(7)} ms`)
console.log(`    auroraiam generateAuthToken         ${ours.toFixed(1).padStart(7)} ms   +${(ours - bare).toFixed(1)} ms over bare node`)
console.log(`    auroraiam Signer.getAuthToken       ${oursSigner.toFixed(1).padStart(7)} ms   +${(oursSigner - bare).toFixed(1)} ms over bare node`)
console.log(`    @aws-sdk/rds-signer                 ${sdk.toFixed(1).padStart(7)} ms   +${(sdk - bare).toFixed(1)} ms over bare node`)

// Size: the npm tarball and the addon in it.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkgDir, encoding: 'utf8' }))
const addon = readdirSync(pkgDir).find((f) => f.endsWith('.node'))
console.log('size:')
console.log(`    npm pack tarball                    ${(packed.size / 1024).toFixed(0).padStart(7)} KiB (${packed.entryCount} files, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked)`)
console.log(`    ${addon.padEnd(36)}${(statSync(join(pkgDir, addon)).size / 1024).toFixed(0).padStart(7)} KiB`)
