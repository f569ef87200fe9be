// Migrating from @aws-sdk/rds-signer: change the import, keep the code.
//
// - import { Signer } from '@aws-sdk/rds-signer'
// + import { Signer } from 'auroraiam'
//
// The constructor takes the same options (hostname, port, username, region, credentials,
// profile, sha256) and getAuthToken() returns the same kind of token, about 10-30 times
// faster and without the AWS SDK. Credential providers from @aws-sdk/credential-providers keep
// working. Differences: the options are validated in the constructor (a clear error instead
// of a token the database rejects), a missing region is inferred from the hostname, and
// `profile` without `credentials` is refused until shared config profiles are supported.
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

// The synchronous one-shot form, when credentials are at hand:
//   import { generateAuthToken } from 'auroraiam'
//   const password = generateAuthToken({ hostname, port, username, credentials: await provider() })
