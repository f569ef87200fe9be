// Loads the shared conformance vectors in place (tests/vectors/*.json at the repository root)
// and turns a case into the options of each API.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const vectorsDir = join(repoRoot, 'tests', 'vectors')

/** Every case of every vector file, as `{ file, ...case }`. */
export function allCases() {
  const files = readdirSync(vectorsDir)
    .filter((f) => f.endsWith('.json') && f !== 'package.json' && f !== 'package-lock.json')
    .sort()
  return files.flatMap((file) => {
    const data = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'))
    if (data.format !== 1) throw new Error(`${file}: unknown vector format ${data.format}`)
    return data.cases.map((c) => ({ file, ...c }))
  })
}

/** AWS SDK v3 identity object of a case. */
export function credentialsOf(c) {
  const credentials = { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key }
  if (c.session_token !== null) credentials.sessionToken = c.session_token
  return credentials
}

/** Options of `generateAuthToken` / `generateDsqlToken` for a case (region null = infer). */
export function oneShotOptions(c) {
  const options = { hostname: c.hostname, credentials: credentialsOf(c), expiresIn: c.expires_in, signingTime: c.signing_time }
  if (c.region !== null) options.region = c.region
  if (c.kind === 'rds') Object.assign(options, { port: c.port, username: c.username })
  else options.admin = c.kind === 'dsql-admin'
  return options
}

/** Constructor options of `Signer` / `DsqlSigner` for a case. */
export function signerOptions(c) {
  const options = { hostname: c.hostname, credentials: credentialsOf(c), expiresIn: c.expires_in }
  if (c.region !== null) options.region = c.region
  if (c.kind === 'rds') Object.assign(options, { port: c.port, username: c.username })
  return options
}

/** The `X-Amz-Date` of a token as Unix seconds. */
export function signingTimeOf(token) {
  const m = /[?&]X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(token)
  if (!m) throw new Error('token has no X-Amz-Date')
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000
}
