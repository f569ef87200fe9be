// Inspecting a token offline: its fields, the reasons a server would reject it, a log-safe
// form, and (with the secret key) its signature, as the database would check it.
//
//   node inspect-token.mjs '<token>'                  # fields, diagnosis, redacted form
//   AWS_SECRET_ACCESS_KEY=... node inspect-token.mjs '<token>' [--host H --port P --user U]
//                                                     # also verifies it
// Without a token argument, it makes one from example credentials and inspects that.
import { parseArgs } from 'node:util'

import { diagnoseToken, generateAuthToken, parseToken, redactToken, verifyToken } from 'auroraiam'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { host: { type: 'string' }, port: { type: 'string' }, user: { type: 'string' } },
})
const example = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const token = positionals[0] ?? generateAuthToken({
  hostname: 'mydb.cluster-abc.us-east-1.rds.amazonaws.com', port: 5432, username: 'app_user', credentials: example,
})
const secret = positionals[0] === undefined ? example.secretAccessKey : process.env.AWS_SECRET_ACCESS_KEY
const expect = {
  expectHostname: values.host,
  expectPort: values.port === undefined ? undefined : Number(values.port),
  expectUsername: values.user,
}

// Never log a token itself: it is a password for up to 15 minutes.
console.log('token:    ', redactToken(token))
try {
  const info = parseToken(token)
  console.log('fields:   ', info)
  console.log('remaining:', `${info.remainingSeconds()} s`)
  const findings = diagnoseToken(token, expect)
  for (const { severity, code, message } of findings) console.log(`${severity}:`.padEnd(11), `${code}: ${message}`)
  if (findings.length === 0) console.log('diagnosis:  nothing a server would reject')
  if (secret !== undefined) {
    // A server knows the secret of each access key id; here, the one from the environment.
    verifyToken(token, (accessKeyId) => (accessKeyId === info.accessKeyId ? secret : undefined), expect)
    console.log('verified:  ', 'signature, lifetime and expectations hold')
  }
} catch (e) {
  console.log(`rejected:  ${e.code}: ${e.message}`)
  process.exitCode = 1
}
