// auroraiam/mysql2, ES module entry (re-exports the CommonJS one).
import { createRequire } from 'node:module'

const mysql2 = createRequire(import.meta.url)('./mysql2.js')

export const { connectionOptions, poolOptions, createPool, createConnection } = mysql2
export default mysql2
