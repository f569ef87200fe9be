// IAM policies and database accounts: rdsConnectPolicy, dsqlConnectPolicy, explainPolicy,
// createUserSql. The cases are the shared table tests/policy/cases.json that the core
// (core/tests/policy_cases.rs) and Python run too: golden policies byte for byte, explanations
// equal to the core's JSON, each bad part's exact code, the SQL for hostile names and master
// users. Then what only JavaScript has: argument types.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { createUserSql, dsqlConnectPolicy, explainPolicy, generateAuthToken, rdsConnectPolicy } from '../index.mjs'
import { repoRoot } from './vectors.mjs'

const CASES = JSON.parse(readFileSync(join(repoRoot, 'tests', 'policy', 'cases.json'), 'utf8'))
const ACCOUNT = '123456789012'
const CLUSTER = 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const TYPE = 'INVALID_ARGUMENT_TYPE'

const build = (c) => c.resource_ids
  ? rdsConnectPolicy({ region: c.region, accountId: c.account_id, resourceIds: c.resource_ids, users: c.users, userPatterns: c.user_patterns })
  : dsqlConnectPolicy({ accountId: c.account_id, clusters: c.clusters, region: c.region, admin: c.admin })

const login = (l) => l && { accountId: l.account_id, region: l.region, resourceId: l.resource_id, user: l.user, token: l.token }

function expectCode(fn, code, label) {
  assert.throws(fn, (err) => {
    assert.equal(err.code, code, `${label}: ${err.message}`)
    return true
  }, label)
}

test('golden policy per resource kind, byte for byte', () => {
  assert.ok(CASES.build.length >= 9)
  for (const c of CASES.build) assert.equal(build(c), c.policy, c.name)
})

test('explanations equal the core JSON, decisions included', () => {
  for (const c of CASES.explain) assert.deepEqual(explainPolicy(c.policy, login(c.login)), c.explanation, JSON.stringify(c.login))
})

test('every golden policy explains back to its resources with no notes', () => {
  for (const c of CASES.build) {
    const explained = explainPolicy(build(c))
    assert.deepEqual(explained.notes, [], c.name)
    assert.deepEqual(new Set(explained.grants.map((g) => g.resource)), new Set(JSON.parse(c.policy).Statement[0].Resource), c.name)
    assert.equal(explained.decision, undefined)
  }
})

test('each bad part has its code', () => {
  for (const c of CASES.errors) {
    const a = c.args
    const label = `${c.function} ${JSON.stringify(a)}`
    if (c.function === 'explain_policy') {
      expectCode(() => explainPolicy(a.policy, login(a)), c.code, label)
    } else if (c.function === 'create_user_sql') {
      expectCode(() => createUserSql({ dialect: a.dialect, user: a.user, masterUser: a.master_user, roleArn: a.role_arn }), c.code, label)
    } else {
      expectCode(() => build(a), c.code, label)
    }
  }
})

test('account SQL for hostile names and master users', () => {
  for (const c of CASES.create_user_sql) {
    const created = createUserSql({ dialect: c.dialect, user: c.user, masterUser: c.master_user ?? undefined, roleArn: c.role_arn })
    assert.equal(created.sql, c.sql, `${c.dialect} ${c.user}`)
    assert.deepEqual(created.statements, c.sql.trimEnd().split('\n'))
    assert.deepEqual(created.warnings, c.warnings)
  }
})

test('a decision for a token', () => {
  const token = generateAuthToken({
    hostname: 'mydb.cluster-abc.us-east-1.rds.amazonaws.com', port: 5432, username: 'app_user', region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  })
  const policy = rdsConnectPolicy({ region: 'us-east-1', accountId: ACCOUNT, resourceIds: [CLUSTER], users: ['app_user'] })
  assert.equal(explainPolicy(policy, { token, accountId: ACCOUNT, resourceId: CLUSTER }).decision.allowed, true)
  const other = rdsConnectPolicy({ region: 'eu-west-1', accountId: ACCOUNT, resourceIds: [CLUSTER], users: ['app_user'] })
  const denied = explainPolicy(other, { token, accountId: ACCOUNT, resourceId: CLUSTER }).decision
  assert.equal(denied.allowed, false)
  assert.match(denied.reason, /region/)
  expectCode(() => explainPolicy(policy, { token, accountId: ACCOUNT, user: 'app_user' }), 'INVALID_ARGUMENT', 'token and user')
  expectCode(() => explainPolicy(policy, { region: 'us-east-1', accountId: ACCOUNT, resourceId: CLUSTER }), 'INVALID_ARGUMENT', 'no user')
})

test('argument types', () => {
  const ok = { region: 'us-east-1', accountId: ACCOUNT, resourceIds: [CLUSTER], users: ['app'] }
  expectCode(() => rdsConnectPolicy(), TYPE, 'no options')
  expectCode(() => rdsConnectPolicy({ ...ok, resourceIds: CLUSTER }), TYPE, 'a string, not an array')
  expectCode(() => rdsConnectPolicy({ ...ok, users: ['app', 7] }), TYPE, 'a number in users')
  expectCode(() => rdsConnectPolicy({ ...ok, region: undefined }), TYPE, 'no region')
  expectCode(() => dsqlConnectPolicy({ accountId: ACCOUNT, clusters: ['x.dsql.us-east-1.on.aws'], admin: 1 }), TYPE, 'admin 1')
  expectCode(() => explainPolicy({ Version: '2012-10-17' }), TYPE, 'policy object')
  expectCode(() => explainPolicy('{}', 'us-east-1'), TYPE, 'login string')
  expectCode(() => createUserSql({ dialect: 'mysql', user: Buffer.from('app') }), TYPE, 'user buffer')
  expectCode(() => createUserSql({ dialect: 'postgresql', user: 'a\uDC80b' }), 'INVALID_UTF8', 'lone surrogate')
  assert.throws(() => rdsConnectPolicy({ ...ok, resourceIds: CLUSTER }), TypeError)
})
