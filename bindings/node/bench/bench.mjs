// auroraiam vs @aws-sdk/rds-signer, timed side by side in one run (`make bench-node`).
// Prints per-token medians and ratios, cold start, and the packed size of the default build
// and of the slim one (built here once, `--no-default-features`). Not a test: nothing here
// fails on a slow machine; docs/node.md records what was measured.
//
// Needs the AWS SDK signers installed by `cd tests/vectors && npm ci` (make does it).
// BENCH_NO_SLIM=1 skips building and measuring the slim addon; BENCH_WALL=1 times per-call rounds
// by wall clock instead of process CPU time; BENCH_JSON=path also writes the numbers there.
// Each generateAuthToken row also shows its time over the core's own (`_coreSignLoop`, the core
// signing in this process with nothing of the binding in between); target: <= +300 ns.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// A hermetic AWS environment: signers without credentials use the default chain, which must
// find the benchmark's environment credentials and never a developer's config or a real IMDS.
// (Tools run below — cargo, npm — get the original environment: rustup finds its toolchains
// through HOME.)
const toolEnv = { ...process.env, npm_config_update_notifier: 'false' }
const awsDir = mkdtempSync(join(tmpdir(), 'auroraiam-bench-aws-'))
process.on('exit', () => rmSync(awsDir, { recursive: true, force: true }))
for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key]
for (const name of ['config', 'credentials']) writeFileSync(join(awsDir, name), '')
Object.assign(process.env, {
  HOME: awsDir, AWS_CONFIG_FILE: join(awsDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
})

const pkgDir = new URL('..', import.meta.url).pathname
const sdkDir = join(pkgDir, '..', '..', 'tests', 'vectors', 'node_modules')
const require = createRequire(import.meta.url)
const auroraiam = require(join(pkgDir, 'index.js'))
// The core alone, in this process (not part of the package's API).
const { _coreSignLoop, rdsPrepared, Credentials: NativeCredentials } = require(join(pkgDir, 'binding.js'))
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
const ROUNDS = 11
const json = { calls: {}, cold: {}, size: {} }

// The clock of the per-call timings: this process's CPU time (process.cpuUsage), which time
// spent waiting for a core on a loaded machine does not inflate; BENCH_WALL=1 uses hrtime.
const clockNs = process.env.BENCH_WALL
  ? () => Number(process.hrtime.bigint())
  : () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000 }

/** ns per call of `n` calls of `fn` (awaited when `isAsync`; `batch`: one call does n). */
async function round(fn, n, isAsync, batch) {
  let sink = 0
  const t0 = clockNs()
  if (batch) sink += fn(n).length
  else if (isAsync) for (let i = 0; i < n; i++) sink += (await fn()).length
  else for (let i = 0; i < n; i++) sink += fn().length
  const ns = (clockNs() - t0) / n
  if (sink === 0) throw new Error('unreachable')
  return ns
}

/** Median ns per call of each variant, rounds interleaved so machine load hits all alike. */
async function compare(variants) {
  const times = variants.map(() => [])
  for (const v of variants) await round(v.fn, v.n, v.isAsync, v.batch) // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < variants.length; i++) times[i].push(await round(variants[i].fn, variants[i].n, variants[i].isAsync, variants[i].batch))
    // A short idle pause after each pass (untimed), in which V8 runs the garbage collection
    // tasks it posted, instead of the next pass's first allocating variant doing that marking
    // work: rds-signer's ~60 µs calls leave plenty, which cost the first generateAuthToken row
    // about 80-100 ns a call.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return times.map(median)
}

const fmt = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`).padStart(10)

console.log(`auroraiam ${require(join(pkgDir, 'package.json')).version} vs @aws-sdk/rds-signer ${require(join(sdkDir, '@aws-sdk', 'rds-signer', 'package.json')).version}, node ${process.version}, ${process.arch}`)
console.log(`per token (median of ${ROUNDS} interleaved rounds, ${process.env.BENCH_WALL ? 'wall clock' : 'process CPU time'}):`)
for (const [label, credentials] of [['plain credentials', plain], ['800-char session token', withSession]]) {
  const options = { ...base, credentials }
  const prepared = new auroraiam.Credentials(credentials)
  const withPrepared = { ...base, credentials: prepared }
  const handleOut = []
  new NativeCredentials(credentials, handleOut) // the core loop signs with its own signer
  const coreRequest = rdsPrepared(handleOut[0], HOST, 5432, 'app_user')
  const ours = new auroraiam.Signer(options)
  const viaProvider = new auroraiam.Signer({ ...base, credentials: async () => credentials })
  // The default chain finds the environment's credentials (resolved once, on the threadpool).
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey })
  if (credentials.sessionToken) process.env.AWS_SESSION_TOKEN = credentials.sessionToken
  const viaChain = new auroraiam.Signer(base)
  if (auroraiam.parseToken(await viaChain.getAuthToken()).accessKeyId !== credentials.accessKeyId) throw new Error('the chain found other credentials')
  const theirs = new SdkSigner({ ...options, region: 'us-east-1' })
  // Same token shape (both sign now; the query order differs: the JS SDK's is not botocore's).
  const sample = await theirs.getAuthToken()
  if (!sample.startsWith(`${HOST}:5432/?`)) throw new Error('unexpected rds-signer token')
  if (auroraiam.generateAuthToken(withPrepared).split('&X-Amz-Signature')[0] !== auroraiam.generateAuthToken(options).split('&X-Amz-Signature')[0]) throw new Error('Credentials and plain object sign differently')
  const [core, withClass, oneShot, signer, provider, chain, sdk] = await compare([
    { fn: (n) => { _coreSignLoop(coreRequest, n); return 'x' }, n: 20_000, batch: true },
    { fn: () => auroraiam.generateAuthToken(withPrepared), n: 20_000 },
    { fn: () => auroraiam.generateAuthToken(options), n: 20_000 },
    { fn: () => ours.getAuthToken(), n: 20_000, isAsync: true },
    { fn: () => viaProvider.getAuthToken(), n: 20_000, isAsync: true },
    { fn: () => viaChain.getAuthToken(), n: 20_000, isAsync: true },
    { fn: () => theirs.getAuthToken(), n: 1_000, isAsync: true },
  ])
  const row = (name, ns, target) => {
    const over = name.startsWith('generateAuthToken') ? `   +${(ns - core).toFixed(0).padStart(4)} ns over core${target ? ` (target <= +${target} ns)` : ''}` : ''
    console.log(`    ${name.padEnd(44)}${fmt(ns)}   ${(sdk / ns).toFixed(1).padStart(5)}x rds-signer${over}`)
  }
  console.log(`  ${label}:`)
  console.log(`    ${'core Signer::sign (in process)'.padEnd(44)}${fmt(core)}`)
  row('generateAuthToken(), a Credentials object', withClass, 300)
  row('generateAuthToken(), a plain identity object', oneShot, 300)
  row('Signer.getAuthToken(), fixed credentials', signer)
  row('Signer.getAuthToken(), provider function', provider)
  row('Signer.getAuthToken(), default chain', chain)
  console.log(`    ${'@aws-sdk/rds-signer getAuthToken()'.padEnd(44)}${fmt(sdk)}`)
  json.calls[label] = { core, credentialsObject: withClass, plainObject: oneShot, signerCached: signer, provider, chain, rdsSigner: sdk }
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[key]
}
console.log('  (the three Signer rows return the cached token: the hit path)')

// Cold start: new node processes that load a package and print one token, interleaved with
// bare `node -e ''`. Reported: wall time of the whole process; the CPU time it used (user +
// system, all threads: far less disturbed by other load on the machine than wall time); and the
// wall time inside it from the first require to the token.
const COLD_RUNS = 21
const env = { ...process.env, AWS_ACCESS_KEY_ID: plain.accessKeyId, AWS_SECRET_ACCESS_KEY: plain.secretAccessKey }
const opts = JSON.stringify({ ...base, region: 'us-east-1' })
const report = "process.on('exit', () => { const c = process.cpuUsage(); process.stdout.write(JSON.stringify({ cpu: (c.user + c.system) / 1000, inside: globalThis.inside })) });"
const timed = (body) => `${report} const t0 = process.hrtime.bigint(); ${body}.then(() => { globalThis.inside = Number(process.hrtime.bigint() - t0) / 1e6 })`
const withCredentials = JSON.stringify({ ...base, region: 'us-east-1', credentials: plain })
const cold = {
  'bare node': report,
  'auroraiam generateAuthToken': timed(`Promise.resolve(require('./index.js').generateAuthToken(${opts}))`),
  'auroraiam Signer.getAuthToken': timed(`new (require('./index.js').Signer)(${withCredentials}).getAuthToken()`),
  'auroraiam Signer, default chain': timed(`new (require('./index.js').Signer)(${opts}).getAuthToken()`),
  '@aws-sdk/rds-signer': timed(`new (require(${JSON.stringify(join(sdkDir, '@aws-sdk', 'rds-signer'))}).Signer)(${opts}).getAuthToken()`),
}
const samples = Object.fromEntries(Object.keys(cold).map((k) => [k, { wall: [], cpu: [], inside: [] }]))
for (let i = 0; i < COLD_RUNS; i++) {
  for (const [name, script] of Object.entries(cold)) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, ['-e', script], { cwd: pkgDir, env, encoding: 'utf8' })
    const wall = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0) throw new Error(`cold start script failed: ${r.stderr}`)
    const { cpu, inside } = JSON.parse(r.stdout)
    samples[name].wall.push(wall)
    samples[name].cpu.push(cpu)
    if (inside !== undefined) samples[name].inside.push(inside)
  }
}
const bare = { wall: median(samples['bare node'].wall), cpu: median(samples['bare node'].cpu) }
console.log(`cold start (median of ${COLD_RUNS} processes, node -e; require + first token):`)
console.log(`    ${''.padEnd(36)}${'wall'.padStart(10)}${'CPU'.padStart(10)}   over bare node (wall / CPU); require to token`)
for (const [name, s] of Object.entries(samples)) {
  const wall = median(s.wall)
  const cpu = median(s.cpu)
  const extra = name === 'bare node' ? ''
    : `   +${(wall - bare.wall).toFixed(1)} / +${(cpu - bare.cpu).toFixed(1)} ms; ${median(s.inside).toFixed(1)} ms`
  console.log(`    ${name.padEnd(36)}${wall.toFixed(1).padStart(7)} ms${cpu.toFixed(1).padStart(7)} ms${extra}`)
  json.cold[name] = { wall, cpu, overBareWall: wall - bare.wall, overBareCpu: cpu - bare.cpu }
}

// Size: the npm tarball and the addon in it, for the default build (with the credential chain)
// and the slim one (`--no-default-features`), built here for the host without `--target` so it
// lands in target/release, never over the addon napi builds in target/<triple>/release.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkgDir, encoding: 'utf8', env: toolEnv }))
const addon = readdirSync(pkgDir).find((f) => f.endsWith('.node'))
const kib = (bytes) => `${(bytes / 1024).toFixed(0).padStart(7)} KiB`
console.log('size:')
console.log(`    npm pack tarball, default build         ${kib(packed.size)} (${packed.entryCount} files, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked)`)
console.log(`    ${addon.padEnd(40)}${kib(statSync(join(pkgDir, addon)).size)}`)
Object.assign(json.size, { tarball: packed.size, addon: statSync(join(pkgDir, addon)).size })
if (!process.env.BENCH_NO_SLIM) {
  const repo = join(pkgDir, '..', '..')
  execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'auroraiam-node', '--no-default-features'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'], env: toolEnv })
  const slimDir = mkdtempSync(join(tmpdir(), 'auroraiam-slim-'))
  try {
    for (const f of ['package.json', 'README.md', 'index.js', 'index.mjs', 'binding.js', 'index.d.ts']) copyFileSync(join(pkgDir, f), join(slimDir, f))
    // Stripped like `napi build --strip` (-C link-arg=-s).
    execFileSync('strip', ['--strip-all', '-o', join(slimDir, addon), join(repo, 'target', 'release', 'libauroraiam_node.so')])
    const [slim] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: slimDir, encoding: 'utf8', env: toolEnv }))
    console.log(`    npm pack tarball, slim build            ${kib(slim.size)} (${slim.entryCount} files, ${(slim.unpackedSize / 1024).toFixed(0)} KiB unpacked)`)
    console.log(`    ${(addon + ' (slim)').padEnd(40)}${kib(statSync(join(slimDir, addon)).size)}`)
    Object.assign(json.size, { slimTarball: slim.size, slimAddon: statSync(join(slimDir, addon)).size })
  } finally {
    rmSync(slimDir, { recursive: true, force: true })
  }
}

// BENCH_JSON=path: the numbers above, for scripts/perf-table.py.
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(json, null, 1))
