// auroraiam for Node.js: the ES module entry, re-exporting the CommonJS one (one addon
// instance per process whichever way it is loaded).
import { createRequire } from 'node:module'

const auroraiam = createRequire(import.meta.url)('./index.js')

export const {
  generateAuthToken, generateDsqlToken, Signer, DsqlSigner, Credentials, errorCodes,
  parseToken, diagnoseToken, verifyToken, redactToken, __napiBindingTarget,
  rdsConnectPolicy, dsqlConnectPolicy, explainPolicy, createUserSql,
} = auroraiam
export default auroraiam
