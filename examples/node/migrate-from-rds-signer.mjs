// Migrating from @aws-sdk/rds-signer: change the import, keep the code.
//
// - import { Signer } from '@aws-sdk/rds-signer'
// + import { Signer } from 'auroraiam'
//
// The constructor takes the same options (hostname, port, username, region, credentials,
// profile, sha256) and getAuthToken() returns the same kind of token, without the AWS SDK and
// tens of times faster. Credential providers from @aws-sdk/credential-providers keep working;
// without `credentials` the default credential chain is used, as in the AWS SDK (with
// `profile`, that profile). Differences: the options are validated in the constructor (a clear
// error instead of a token the database rejects), a missing region is inferred from the
// hostname (never taken from AWS_REGION), and the token is cached while it has more than
// `refreshMargin` (60 s) of life left instead of signed anew for every call.
import { Signer } from 'auroraiam'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'

const signer = new Signer({
  hostname: 'mydb.cluster-abc.us-east-1.rds.amazonaws.com',
  port: 5432,
  username: 'app_user',
  region: 'us-east-1',
  credentials: fromNodeProviderChain(),
})

const token = await signer.getAuthToken()
console.log(`token: ${token.length} characters, valid for 15 minutes`)

// Without `credentials` (the default chain, as the AWS SDK's default), and with the token's
// effective expiry (the earlier of its own and its credentials'):
const chained = new Signer({ hostname: 'mydb.cluster-abc.us-east-1.rds.amazonaws.com', port: 5432, username: 'app_user' })
const { expiresAt } = await chained.getAuthTokenWithExpiry()
console.log(`valid until ${expiresAt.toISOString()}`)

// The synchronous one-shot form, when credentials are at hand:
//   import { generateAuthToken } from 'auroraiam'
//   const password = generateAuthToken({ hostname, port, username, credentials: await provider() })
