// auroraiam/postgres, ES module entry (re-exports the CommonJS one).
import { createRequire } from 'node:module'

const postgres = createRequire(import.meta.url)('./postgres.js')

export const { options } = postgres
export default postgres
