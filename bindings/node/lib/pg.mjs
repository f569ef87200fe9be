// auroraiam/pg, ES module entry (re-exports the CommonJS one).
import { createRequire } from 'node:module'

const pg = createRequire(import.meta.url)('./pg.js')

export const { poolConfig } = pg
export default pg
