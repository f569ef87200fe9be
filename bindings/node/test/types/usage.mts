// Type-checks index.d.ts against real usage (tsc --noEmit; never run).
import {
  generateAuthToken, generateDsqlToken, Signer, DsqlSigner, Credentials, errorCodes, parseToken, diagnoseToken, verifyToken, redactToken,
  rdsConnectPolicy, dsqlConnectPolicy, explainPolicy, createUserSql,
  type AuthTokenOptions, type AwsCredentialIdentity, type ErrorCodeInfo, type SignerOptions, type TokenInfo,
  type Diagnostic, type AuthTokenWithExpiry, type VerifyTokenOptions,
} from 'auroraiam'

// The AWS SDK v3 shapes (@smithy/types), written out so this file needs no SDK install.
interface SdkIdentity { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string;
  readonly credentialScope?: string; readonly accountId?: string; readonly expiration?: Date }
type SdkProvider = (identityProperties?: Record<string, any>) => Promise<SdkIdentity>
declare const fromNodeProviderChain: () => SdkProvider
declare const sdkIdentity: SdkIdentity

const credentials: AwsCredentialIdentity = { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date() }
const options: AuthTokenOptions = { hostname: 'db.cluster-x.us-east-1.rds.amazonaws.com', port: 5432, username: 'app', credentials }
const token: string = generateAuthToken(options)
const atDate: string = generateAuthToken({ ...options, signingTime: new Date(), expiresIn: 300, region: 'us-east-1' })
const atSeconds: string = generateAuthToken({ ...options, signingTime: 1_700_000_000 })
const fromSdk: string = generateAuthToken({ ...options, credentials: sdkIdentity })
const dsql: string = generateDsqlToken({ hostname: 'abc.dsql.us-east-1.on.aws', admin: true, expiresIn: 3600 })

const signer = new Signer({ hostname: 'db', port: 3306, username: 'app', region: 'us-east-1', credentials: fromNodeProviderChain() })
const pending: Promise<string> = signer.getAuthToken()
const fixed = new Signer({ hostname: 'db', port: 3306, username: 'app', credentials, profile: 'p', sha256: undefined } satisfies SignerOptions)
const dsqlSigner = new DsqlSigner({ hostname: 'abc.dsql.us-east-1.on.aws', credentials: async () => credentials, expiresIn: 900 })
const both: Promise<[string, string]> = Promise.all([dsqlSigner.getDbConnectAuthToken(), dsqlSigner.getDbConnectAdminAuthToken()])
const chain = new Signer({ hostname: 'db', port: 3306, username: 'app', profile: 'prod', refreshMargin: 120 })
const withExpiry: Promise<AuthTokenWithExpiry> = chain.getAuthTokenWithExpiry()
void withExpiry.then(({ token, expiresAt }: { token: string; expiresAt: Date }) => [token, expiresAt.getTime()])
const dsqlExpiry: Promise<Date> = dsqlSigner.getDbConnectAdminAuthTokenWithExpiry().then((t) => t.expiresAt)
const codes: ErrorCodeInfo[] = errorCodes()

// Inspection.
const info: TokenInfo = parseToken(token)
const fields: [string, number | null, string | null, Date, Date, boolean, number] =
  [info.kind, info.port, info.username, info.signingTime, info.expiresAt, info.hasSessionToken, info.remainingSeconds(new Date())]
const kind: 'rds' | 'dsql' | 'dsql-admin' = info.kind
const left: number = info.remainingSeconds()
const found: Diagnostic[] = diagnoseToken(token, { now: 1_700_000_000, expectPort: 5432, maxClockSkew: 60, poolerLengthLimit: 1024 })
const severity: 'error' | 'warning' | undefined = found[0]?.severity
const verifyOptions: VerifyTokenOptions = { now: new Date(), expectKind: 'rds', expectHostname: 'db', expectRegion: 'us-east-1' }
const verified: TokenInfo = verifyToken(token, new Map([['AKID', 'secret']]), verifyOptions)
const viaObject: TokenInfo = verifyToken(token, { AKID: 'secret' })
const viaFunction: TokenInfo = verifyToken(token, (accessKeyId) => (accessKeyId === 'AKID' ? 'secret' : undefined))
const forLogs: string = redactToken(token)
// @ts-expect-error the secret lookup is synchronous
verifyToken(token, async () => 'secret')
// @ts-expect-error expectKind is one of the three kind names
verifyToken(token, {}, { expectKind: 'aurora' })
// @ts-expect-error refreshMargin is a number of seconds
new Signer({ hostname: 'db', port: 3306, username: 'app', refreshMargin: '60' })
const first: { name: string; number: number; description: string } | undefined = codes[0]

// @ts-expect-error port must be a number
generateAuthToken({ ...options, port: '5432' })
// @ts-expect-error username is required
generateAuthToken({ hostname: 'db', port: 5432 })
// @ts-expect-error the one-shot functions take identity objects, not providers
generateAuthToken({ ...options, credentials: fromNodeProviderChain() })
// @ts-expect-error returns a promise, not a string
const notString: string = signer.getAuthToken()
// @ts-expect-error no such method
dsqlSigner.getAuthToken()

void [token, atDate, atSeconds, fromSdk, dsql, pending, fixed, both, first, notString, dsqlExpiry, fields, kind, left, severity,
  verified, viaObject, viaFunction, forLogs]

// IAM policies and database accounts.
const policy: string = rdsConnectPolicy({ region: 'us-east-1', accountId: '123456789012', resourceIds: ['cluster-ABC'], users: ['app'], userPatterns: ['report_*'] })
const dsqlPolicy: string = dsqlConnectPolicy({ accountId: '123456789012', clusters: ['x.dsql.us-east-1.on.aws'], admin: true })
const explained = explainPolicy(policy, { region: 'us-east-1', accountId: '123456789012', resourceId: 'cluster-ABC', user: 'app' })
const allowed: boolean | undefined = explained.decision?.allowed
const outcome: 'allowed' | 'explicit_deny' | 'implicit_deny' | 'conditional' | undefined = explained.decision?.outcome
const grantUser: string | null | undefined = explained.grants[0]?.user
const byToken = explainPolicy(dsqlPolicy, { token, accountId: '123456789012' })
const created = createUserSql({ dialect: 'mysql', user: 'app', masterUser: 'admin' })
const statements: string[] = created.statements
const sqlText: string = created.sql + created.warnings.join('\n')
// @ts-expect-error resourceIds is an array
rdsConnectPolicy({ region: 'us-east-1', accountId: '123456789012', resourceIds: 'cluster-ABC', users: ['app'] })
// @ts-expect-error user is required
createUserSql({ dialect: 'pg' })

// A Credentials object: made once from an identity, passed wherever credentials go.
const prepared = new Credentials({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' })
const viaPrepared: string = generateAuthToken({ ...options, credentials: prepared })
const dsqlViaPrepared: string = generateDsqlToken({ hostname: 'x.dsql.us-east-1.on.aws', credentials: prepared })
const keyId: string = prepared.accessKeyId
const maybeToken: string | undefined = prepared.sessionToken
const maybeExpiry: Date | undefined = prepared.expiration
void viaPrepared; void dsqlViaPrepared; void keyId; void maybeToken; void maybeExpiry
