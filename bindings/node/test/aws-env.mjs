// A hermetic AWS environment for the tests that reach the default credential chain (signers
// without `credentials`), and the loopback emulator of the AWS credential endpoints
// (tests/emulators/aws_endpoints.py).
//
// Importing this module, before any signer runs, removes every AWS_* variable and points HOME,
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at empty files in a temporary directory, and
// disables IMDS: a developer's real configuration and a real metadata service are never used.
// process.env writes reach the C environment the native chain reads; tests change it only
// while no token is being fetched.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { repoRoot } from './vectors.mjs'

export const awsDir = mkdtempSync(join(tmpdir(), 'auroraiam-node-aws-'))
process.on('exit', () => rmSync(awsDir, { recursive: true, force: true }))

/** Back to the hermetic baseline: no AWS_* variable but the files and IMDS disabled. */
export function resetAwsEnv() {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key]
  process.env.HOME = join(awsDir, 'home')
  process.env.AWS_CONFIG_FILE = join(awsDir, 'config')
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(awsDir, 'credentials')
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  writeAwsFile('config', '')
  writeAwsFile('credentials', '')
}

/** Writes the shared `config` or `credentials` file. */
export function writeAwsFile(name, text) {
  writeFileSync(join(awsDir, name), text)
}

resetAwsEnv()

/** A loopback port nothing listens on. */
export async function closedPort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts the emulator (`python3 aws_endpoints.py --port 0`); it stops when `stop()` closes its
 * stdin (or when this process exits).
 */
export async function startEmulator() {
  const script = join(repoRoot, 'tests', 'emulators', 'aws_endpoints.py')
  const child = spawn(process.env.PYTHON || 'python3', [script, '--port', '0'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code} before printing its port`)))
    lines.once('line', (line) => {
      const m = /^PORT (\d+)$/.exec(line.trim())
      if (m) resolve(Number(m[1]))
      else reject(new Error(`emulator printed ${JSON.stringify(line)} instead of its port`))
    })
  })
  child.removeAllListeners('exit')
  const url = `http://127.0.0.1:${port}`
  const call = async (method, path, body) => {
    const response = await fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) })
    const json = await response.json()
    if (method === 'POST' && !response.ok) throw new Error(`emulator ${path}: ${JSON.stringify(json)}`)
    return { status: response.status, json }
  }
  return {
    url,
    config: async (settings) => (await call('POST', '/_control/config', settings)).json,
    reset: async () => (await call('POST', '/_control/reset')).json,
    stats: async () => (await call('GET', '/_control/stats')).json,
    /** What the emulator minted for an access key id (`secret`, `session_token`, `expiration_epoch`), or null. */
    minted: async (accessKeyId) => {
      const { status, json } = await call('GET', `/_control/secret/${encodeURIComponent(accessKeyId)}`)
      return status === 200 ? json : null
    },
    stop: () => {
      child.stdin.end()
      child.unref()
    },
  }
}
