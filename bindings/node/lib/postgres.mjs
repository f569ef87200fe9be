// auroraiam/postgres, ES module entry (re-exports the CommonJS one).
import { createRequire } from 'node:module'

const module_ = createRequire(import.meta.url)('./postgres.js')

export const { options, postgres } = module_
export default module_
