// The CommonJS view of the same declarations.
import auroraiam = require('auroraiam')

const token: string = auroraiam.generateAuthToken({ hostname: 'db.us-east-1.rds.amazonaws.com', port: 5432, username: 'u' })
const signer: auroraiam.Signer = new auroraiam.Signer({ hostname: 'db', port: 5432, username: 'u' })
void [token, signer]
