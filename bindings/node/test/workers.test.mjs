// Four worker threads load the addon and sign concurrently (each thread has its own
// Node-API environment, property-name cache and signer cache).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'

import { allCases } from './vectors.mjs'

const source = `
const { parentPort, workerData } = require('node:worker_threads')
const { generateAuthToken, generateDsqlToken, Signer } = require(workerData.entry)
const out = []
for (let round = 0; round < 20; round++) {
  for (const c of workerData.cases) {
    const o = { hostname: c.hostname, credentials: { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key,
      sessionToken: c.session_token ?? undefined }, expiresIn: c.expires_in, signingTime: c.signing_time, region: c.region }
    out.push(c.kind === 'rds' ? generateAuthToken({ ...o, port: c.port, username: c.username })
                              : generateDsqlToken({ ...o, admin: c.kind === 'dsql-admin' }))
  }
}
new Signer({ hostname: 'db.us-east-1.rds.amazonaws.com', port: 5432, username: 'u',
             credentials: { accessKeyId: 'AKID', secretAccessKey: 'S' } }).getAuthToken()
  .then((t) => parentPort.postMessage({ out, signer: t }))
`

test('4 worker threads give the vector tokens', async () => {
  const cases = allCases().filter((c) => c.expected_token)
  const entry = new URL('../index.js', import.meta.url).pathname
  const workers = [0, 1, 2, 3].map((i) => {
    const mine = cases.filter((_, j) => j % 4 === i)
    return new Promise((resolve, reject) => {
      const w = new Worker(source, { eval: true, workerData: { entry, cases: mine } })
      w.once('message', (m) => resolve({ mine, ...m }))
      w.once('error', reject)
    }).then(({ mine, out, signer }) => {
      assert.equal(out.length, mine.length * 20)
      out.forEach((token, k) => assert.equal(token, mine[k % mine.length].expected_token, mine[k % mine.length].id))
      assert.match(signer, /^db\.us-east-1\.rds\.amazonaws\.com:5432\/\?Action=connect&/)
      return out.length
    })
  })
  const counts = await Promise.all(workers)
  assert.equal(counts.reduce((a, b) => a + b), cases.length * 20)
})
