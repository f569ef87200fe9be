#!/usr/bin/env node
// Cross-check the auroraiam conformance vectors against the official AWS SDK
// for JavaScript v3 signers (@aws-sdk/rds-signer, @aws-sdk/dsql-signer).
//
// Dev tool only; CI never needs it. Setup and run (from this directory):
//
//   npm ci                                   # installs the exact versions in package-lock.json
//   node crosscheck_js.mjs                   # human report over rds.json, dsql.json, public.json
//   node crosscheck_js.mjs --verbose         # also print the JS token of every disagreement
//   node crosscheck_js.mjs --stdin-json      # machine mode used by generate.py:
//                                            #   stdin: JSON array of cases, stdout: JSON results
//
// For every non-error case it builds the token with the SDK's public signer
// class and compares it with the case's `expected_token` (botocore's bytes):
// the part before "/?" must be identical and the query parameters must be the
// same multiset of raw (still percent-encoded) `key=value` pairs; their order
// is free (JS sorts all keys, botocore does not).
//
// How the inputs reach the SDK:
// - Clock: the signers call `SignatureV4.prototype.presign(request, {expiresIn})`
//   without a `signingDate`, so presign falls back to `new Date()`. We wrap
//   `presign` on the very SignatureV4 class the signer packages load and pass
//   `signingDate` = the case's signing_time. Nothing else is touched.
// - Expiry: DsqlSigner takes `expiresIn` in its config (used as is). The RDS
//   Signer hard-codes `expiresIn: 900`; for RDS cases the same presign wrapper
//   replaces that number with the case's expires_in (a no-op for 900). This is
//   the JS analogue of generate.py replaying botocore's generate_db_auth_token
//   with another expiry.
// - Region: the case's `region`; when it is null (the library must infer it)
//   we use the region botocore signed with, read from the X-Amz-Credential
//   scope of `expected_token`.
// - Credentials: a static object (no provider chain, no network).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// Load each signer and the SignatureV4 class *it* resolves (same module
// instance), so the presign wrapper is the one the signer actually calls.
function loadSigner(pkg) {
  const entry = require.resolve(pkg);
  const mod = require(entry);
  const sigv4 = createRequire(entry)("@smithy/signature-v4");
  const version = JSON.parse(readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), "package.json"), "utf8")).version;
  return { mod, SignatureV4: sigv4.SignatureV4, version };
}

const rds = loadSigner("@aws-sdk/rds-signer");
const dsql = loadSigner("@aws-sdk/dsql-signer");

// Per-call overrides read by the presign wrapper.
let current = null;
const WRAPPED = Symbol.for("auroraiam.crosscheck.presign");
for (const cls of new Set([rds.SignatureV4, dsql.SignatureV4])) {
  if (cls.prototype[WRAPPED]) continue;
  const original = cls.prototype.presign;
  cls.prototype.presign = function presign(request, options = {}) {
    if (current === null) throw new Error("presign called outside a case");
    const patched = { ...options, signingDate: new Date(current.signing_time * 1000) };
    if (current.kind === "rds") patched.expiresIn = current.expires_in;
    return original.call(this, request, patched);
  };
  cls.prototype[WRAPPED] = true;
}

function regionFromToken(token) {
  const m = /[?&]X-Amz-Credential=[^&]*?%2F[0-9]{8}%2F([^%&]+)%2F/.exec(token);
  if (!m) throw new Error(`no credential scope in ${token}`);
  return m[1];
}

function credentialsOf(c) {
  const creds = { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key };
  // Passed as given; the JS signer omits a falsy ("" or absent) session token.
  if (c.session_token !== null && c.session_token !== undefined) creds.sessionToken = c.session_token;
  return creds;
}

async function jsToken(c) {
  const region = c.region ?? regionFromToken(c.expected_token);
  const credentials = credentialsOf(c);
  current = c;
  try {
    if (c.kind === "rds") {
      const signer = new rds.mod.Signer({ hostname: c.hostname, port: c.port, username: c.username, region, credentials });
      return await signer.getAuthToken();
    }
    const signer = new dsql.mod.DsqlSigner({ hostname: c.hostname, region, credentials, expiresIn: c.expires_in });
    if (c.kind === "dsql") return await signer.getDbConnectAuthToken();
    if (c.kind === "dsql-admin") return await signer.getDbConnectAdminAuthToken();
    throw new Error(`unknown kind ${c.kind}`);
  } finally {
    current = null;
  }
}

function split(token) {
  const i = token.indexOf("/?");
  if (i < 0) return { prefix: token, pairs: [] };
  return { prefix: token.slice(0, i), pairs: token.slice(i + 2).split("&").sort() };
}

/** Same token up to the order of the query parameters. */
export function sameToken(a, b) {
  const x = split(a);
  const y = split(b);
  return x.prefix === y.prefix && x.pairs.length === y.pairs.length && x.pairs.every((p, i) => p === y.pairs[i]);
}

async function check(cases) {
  const out = [];
  for (const c of cases) {
    if (c.expected_token === undefined) continue; // error cases: not applicable
    let token = null;
    let error = null;
    try {
      token = await jsToken(c);
    } catch (e) {
      error = String(e && e.message ? e.message : e);
    }
    out.push({ id: c.id, js_token: token, js_error: error, agrees: token !== null && sameToken(token, c.expected_token) });
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const versions = { "@aws-sdk/rds-signer": rds.version, "@aws-sdk/dsql-signer": dsql.version, node: process.version };
  if (args.includes("--stdin-json")) {
    const cases = JSON.parse(readFileSync(0, "utf8"));
    process.stdout.write(JSON.stringify({ versions, results: await check(cases) }) + "\n");
    return;
  }
  const verbose = args.includes("--verbose");
  const files = args.filter((a) => !a.startsWith("--"));
  const paths = files.length ? files : ["rds.json", "dsql.json", "public.json"].map((f) => join(here, f));
  let agree = 0;
  let disagree = 0;
  console.log(`JS SDK: @aws-sdk/rds-signer ${rds.version}, @aws-sdk/dsql-signer ${dsql.version}, node ${process.version}`);
  for (const p of paths) {
    const doc = JSON.parse(readFileSync(p, "utf8"));
    const byId = new Map(doc.cases.map((c) => [c.id, c]));
    const results = await check(doc.cases);
    const bad = results.filter((r) => !r.agrees);
    agree += results.length - bad.length;
    disagree += bad.length;
    console.log(`${p}: ${results.length - bad.length} agree, ${bad.length} disagree`);
    for (const r of bad) {
      const c = byId.get(r.id);
      console.log(`  DISAGREE ${r.id}: ${c.description}${c.js_note ? ` [${c.js_note}]` : ""}`);
      if (verbose) {
        console.log(`    expected: ${c.expected_token}`);
        console.log(`    js:       ${r.js_token ?? `(error) ${r.js_error}`}`);
      }
    }
  }
  console.log(`total: ${agree} agree, ${disagree} disagree`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
