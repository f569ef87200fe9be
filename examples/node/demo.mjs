// `make demo-node`: prints the token for the demo inputs (scripts/demo.env), alone on stdout.
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
import { generateAuthToken } from '../../bindings/node/index.mjs'

const env = process.env
console.log(generateAuthToken({
  hostname: env.DEMO_HOSTNAME,
  port: Number(env.DEMO_PORT),
  username: env.DEMO_USERNAME,
  signingTime: Number(env.DEMO_SIGNING_TIME),
}))
