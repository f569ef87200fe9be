// Soak driver for the Node surface (tests/soak/run.sh, docs/reliability.md).
//
//   node soak.mjs rss TOKENS          one-shot (generateAuthToken) then cached (Signer.getAuthToken):
//                                     TOKENS tokens each, RSS sampled
//   node soak.mjs rotation SECONDS M  16 worker_threads, each calling its own Signer over the default
//                                     chain (pointed at the loopback emulator by run.sh) from 4
//                                     concurrent loops, refresh margin M s; one fetch per rotation
//                                     per Signer
//
// Prints the lines every surface's driver prints (tests/soak/check.py reads them).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { readFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'

const auroraiam = (await import(process.env.AURORAIAM_NODE || '../../bindings/node/index.mjs')).default

const HOST = 'mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com'
const USER = 'app_user'
const CREDENTIALS = {
  accessKeyId: 'AKIASOAKEXAMPLE00001',
  secretAccessKey: 'soakSECRETexample/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjSOAKsessionTOKENexample0123456789abcdefghijklmnop',
}

function rssKb() {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) : 0
}

/** RSS and V8's own figures (process.memoryUsage), in kB. */
function memory() {
  const m = process.memoryUsage()
  const kb = (v) => Math.round(v / 1024)
  return { rss: rssKb(), heapTotal: kb(m.heapTotal), heapUsed: kb(m.heapUsed), external: kb(m.external), arrayBuffers: kb(m.arrayBuffers) }
}

// The warm-up: the first tenth, and at least this many calls. Until V8's compilers have
// optimized the calling code (seen: RSS moving by +-1.5 MB around 15,000-20,000 one-shot calls,
// the JS heap constant) the process is not in its steady state; a 50,000-token smoke run's
// 5,000-call warm-up ended before that.
const MIN_WARM_UP = 100_000

async function rssRun(path, tokens, makeToken) {
  const warm = Math.max(Math.floor(tokens / 10), MIN_WARM_UP)
  // As many calls after the warm-up as after a tenth of `tokens` (all of them with 10 million).
  const n = Math.max(tokens, warm + tokens - Math.floor(tokens / 10))
  const every = Math.max(Math.floor(tokens / 100), 1)
  const trace = process.env.SOAK_TRACE === '1'
  // Every sample is taken the same way, from the first to the last, and the figures are worked
  // out at the end: a branch first taken at the end of the warm-up made V8 re-optimize this loop
  // then, and the compiler's transient memory showed as +1 MB of RSS right after the warm-up.
  const samples = []
  const start = performance.now()
  for (let i = 1; i <= n; i++) {
    const t = makeToken()
    if (typeof t !== 'string') await t
    if (i % every === 0) {
      // After a full collection (--expose-gc): garbage awaiting collection is not growth.
      // Collected at the same pace during the warm-up too, so that the collector's own working
      // memory (first touched by its first full collections: about 1 MB) is in the baseline.
      globalThis.gc?.()
      const m = memory()
      m.i = i
      samples.push(m)
      if (trace) {
        // SOAK_TRACE=1: every sample on stderr, with the size of each V8 heap space (kB).
        const spaces = Object.fromEntries(getHeapSpaceStatistics().map((h) => [h.space_name, Math.round(h.space_size / 1024)]))
        console.error(`trace node ${path} ${i}: ${JSON.stringify({ ...m, spaces })}`)
      }
    }
  }
  globalThis.gc?.()
  const m = memory()
  const secs = ((performance.now() - start) / 1000).toFixed(1)
  const measured = samples.filter((x) => x.i >= warm)
  const base = measured[0] ?? m
  const after = base.rss
  const end = m.rss
  const maxAfter = Math.max(end, ...measured.map((x) => x.rss))
  console.log(`soak node ${path}: ${n} tokens in ${secs} s; RSS after warm-up ${after} kB, end ${end} kB, ` +
    `growth ${end - after} kB, max growth ${maxAfter - after} kB`)
  // V8's side of the same interval: a leak of JS objects, napi references or external strings
  // shows in heapUsed/external; heapTotal is the heap V8 reserved (it may grow, then plateau).
  const v8 = ['heapTotal', 'heapUsed', 'external', 'arrayBuffers']
    .map((k) => `${k} ${base[k]} -> ${m[k]} kB (${m[k] - base[k] >= 0 ? '+' : ''}${m[k] - base[k]})`)
  console.log(`soak node ${path} V8 after warm-up -> end: ${v8.join(', ')}`)
}

async function rss(n) {
  const options = { hostname: HOST, port: 5432, username: USER, region: 'us-east-1', credentials: CREDENTIALS }
  await rssRun('one-shot', n, () => auroraiam.generateAuthToken(options))
  const signer = new auroraiam.Signer(options)
  await rssRun('cached', n, () => signer.getAuthToken())
}

/** One worker: 4 concurrent loops on its own Signer until `stop`; returns what it saw. */
async function worker({ seconds, margin }) {
  const signer = new auroraiam.Signer({ hostname: HOST, port: 5432, username: USER, region: 'us-east-1', refreshMargin: margin })
  const seen = new Map()
  const errors = []
  const stop = performance.now() + seconds * 1000
  const loop = async () => {
    while (performance.now() < stop) {
      try {
        const { token, expiresAt } = await signer.getAuthTokenWithExpiry()
        const now = Date.now() / 1000
        const e = seen.get(token)
        if (e) {
          e.last = now
          e.calls++
        } else {
          seen.set(token, { token, first: now, last: now, calls: 1, expires_at: expiresAt.getTime() / 1000 })
        }
      } catch (e) {
        errors.push(`${e.code}: ${e.message}`)
      }
      await new Promise(setImmediate)
    }
  }
  await Promise.all([loop(), loop(), loop(), loop()])
  return { seen: [...seen.values()], errors }
}

async function rotation(seconds, margin) {
  const results = await Promise.all(
    Array.from({ length: 16 }, (_, i) => new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { seconds, margin, id: i } })
      w.once('message', resolve)
      w.once('error', reject)
    })),
  )
  let calls = 0
  let errors = 0
  results.forEach((r, id) => {
    for (const e of r.seen) {
      calls += e.calls
      console.log(JSON.stringify({ ...e, signer: id }))
    }
    for (const e of r.errors.slice(0, 3)) console.error(`soak node rotation: error: ${e}`)
    errors += r.errors.length
  })
  console.log(JSON.stringify({ summary: 'node', workers: '16 worker_threads x 4 loops, one Signer each',
    calls, errors, fetches: null, signers: 16, margin }))
}

if (!isMainThread) {
  parentPort.postMessage(await worker(workerData))
} else {
  const [mode, a, b] = process.argv.slice(2)
  if (mode === 'rss') await rss(Number(a ?? 10_000_000))
  else if (mode === 'rotation') await rotation(Number(a ?? 30), Number(b ?? 2))
  else {
    console.error('usage: node soak.mjs rss TOKENS | rotation SECONDS [MARGIN]')
    process.exit(2)
  }
}
