//! The command line: subcommands, options and their help texts.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Generate, inspect and verify Amazon Aurora / RDS IAM and Aurora DSQL auth tokens.
#[derive(Parser)]
#[command(name = "auroraiam", version = VERSION, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// `auroraiam --version`: the version and the optional features this binary was built with.
pub const VERSION: &str = if cfg!(feature = "credential-chain") {
    concat!(env!("CARGO_PKG_VERSION"), " (features: credential-chain)")
} else {
    concat!(env!("CARGO_PKG_VERSION"), " (features: none; credentials from AWS_* variables only)")
};

pub const TOP_EXAMPLES: &str = "\
Examples:
  PGPASSWORD=\"$(auroraiam generate-db-auth-token --hostname mydb.cluster-abc.us-east-1.rds.amazonaws.com \\
      --port 5432 --username app_user)\" psql \"host=mydb.cluster-abc.us-east-1.rds.amazonaws.com \\
      port=5432 user=app_user dbname=app sslmode=require\"
  auroraiam inspect \"$TOKEN\"
  auroraiam verify --secret-access-key-file secret.txt - <<< \"$TOKEN\"

Credentials for generate-*: the AWS SDKs' default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN, then ~/.aws/config and credentials (AWS_PROFILE, --profile), web identity,
ECS/EKS container credentials, EC2 instance metadata).
Errors go to stderr as `auroraiam: error: <CODE>: <message>`.";

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Print an Aurora/RDS IAM auth token (as `aws rds generate-db-auth-token`).
    #[command(after_help = RDS_EXAMPLES)]
    GenerateDbAuthToken(RdsArgs),
    /// Print an Aurora DSQL auth token (as `aws dsql generate-db-connect-auth-token`).
    #[command(after_help = DSQL_EXAMPLES)]
    GenerateDbConnectAuthToken(DsqlArgs),
    /// Print an Aurora DSQL admin auth token (as `aws dsql generate-db-connect-admin-auth-token`).
    #[command(after_help = DSQL_ADMIN_EXAMPLES)]
    GenerateDbConnectAdminAuthToken(DsqlArgs),
    /// Show what a token contains and why a server would reject it (no secret needed).
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
    /// Check a token's signature with the secret access key, like the server does.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Print the least-privilege IAM policy for a database or DSQL cluster, or explain one.
    #[command(after_help = POLICY_EXAMPLES)]
    Policy(PolicyArgs),
    /// Print the SQL that creates a database user logging in with IAM tokens.
    #[command(after_help = CREATE_USER_SQL_EXAMPLES)]
    CreateUserSql(CreateUserSqlArgs),
}

const POLICY_EXAMPLES: &str = "\
The policy JSON goes to stdout. Resource ids are the database's resource id, not its name:
DbiResourceId (db-…), DbClusterResourceId (cluster-…) or the RDS Proxy's prx-… id. --user is
an exact database user ('*', '?' and '$' in it are written as IAM's ${*} ${?} ${$});
--user-pattern takes IAM wildcards ('*' any run of characters, '?' one character).
--explain FILE reads a policy (- for stdin) and prints which logins it allows, what in it can
never match and, given a login (--user and --resource-id, or --token), whether IAM would allow
it: exit 0 allowed, 9 (LOGIN_DENIED) denied or depending on a Condition.

Examples:
  auroraiam policy --region us-east-1 --account-id 123456789012 \\
      --resource-id cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ --user app_user --user-pattern 'report_*'
  auroraiam policy --account-id 123456789012 --dsql-hostname abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws --dsql-admin
  auroraiam policy --explain policy.json
  auroraiam policy --explain policy.json --region us-east-1 --account-id 123456789012 \\
      --resource-id cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ --user app_user
  auroraiam policy --explain policy.json --token \"$TOKEN\" --account-id 123456789012 \\
      --resource-id cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ";

const CREATE_USER_SQL_EXAMPLES: &str = "\
The SQL goes to stdout, warnings to stderr (auroraiam: warning: …). Names are quoted for the
dialect (PostgreSQL/DSQL \"…\", MySQL/MariaDB `…`), so any name is safe to pipe into psql or mariadb.

Examples:
  auroraiam create-user-sql --dialect postgresql --user app_user | psql \"$ADMIN_URL\"
  auroraiam create-user-sql --dialect mysql --user app_user --user \"o'brien\"
  auroraiam create-user-sql --dialect postgresql --user admin --master-user admin
  auroraiam create-user-sql --dialect dsql --user app --role-arn arn:aws:iam::123456789012:role/app";

/// `policy` options.
#[derive(Args)]
pub struct PolicyArgs {
    /// Read this policy (JSON; - for stdin) and explain it instead of writing one.
    #[arg(long, value_name = "FILE")]
    pub explain: Option<PathBuf>,
    /// AWS account id that owns the database (12 digits).
    #[arg(long, value_name = "ACCOUNT")]
    pub account_id: Option<OsString>,
    /// Region of the database (RDS; DSQL takes it from --dsql-hostname).
    #[arg(long, value_name = "REGION")]
    pub region: Option<OsString>,
    /// Resource id of an instance (db-…), cluster (cluster-…) or proxy (prx-…); repeatable.
    #[arg(long, value_name = "ID")]
    pub resource_id: Vec<OsString>,
    /// Database user (exact name); repeatable.
    #[arg(long, value_name = "USER")]
    pub user: Vec<OsString>,
    /// Database user pattern with IAM wildcards * and ?; repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub user_pattern: Vec<OsString>,
    /// Aurora DSQL endpoint name (cluster id and region taken from it); repeatable.
    #[arg(long, value_name = "HOST")]
    pub dsql_hostname: Vec<OsString>,
    /// DSQL: dsql:DbConnectAdmin (the admin role) instead of dsql:DbConnect.
    #[arg(long)]
    pub dsql_admin: bool,
    /// --explain: the login to decide is the one this token is for (region, user, DSQL cluster).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<OsString>,
}

/// `create-user-sql` options.
#[derive(Args)]
pub struct CreateUserSqlArgs {
    /// postgresql (also postgres, pg), mysql, mariadb or dsql.
    #[arg(long, value_name = "DIALECT")]
    pub dialect: OsString,
    /// The database user to create; repeatable.
    #[arg(long, value_name = "USER", required = true)]
    pub user: Vec<OsString>,
    /// The master user's name: for it the SQL changes the existing user, with a warning.
    #[arg(long, value_name = "USER")]
    pub master_user: Option<OsString>,
    /// dsql: the IAM role allowed to log in as the user (arn:aws:iam::<account>:role/<name>).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<OsString>,
}

const RDS_EXAMPLES: &str = "\
The token is printed on stdout followed by a newline, nothing else (--format chooses a
connection URI, a JDBC URL, shell variable lines or JSON instead). The region is inferred
from RDS/Aurora endpoint names; pass --region for any other name. Through a tunnel or
port-forward, sign for the real endpoint name and port and dial the tunnel: the server
checks the host the token was signed for.

Examples:
  auroraiam generate-db-auth-token --hostname mydb.cluster-abc.us-east-1.rds.amazonaws.com \\
      --port 5432 --username app_user
  PGPASSWORD=\"$(auroraiam generate-db-auth-token --hostname \"$HOST\" --port 5432 --username app_user)\" \\
      psql \"host=$HOST port=5432 user=app_user dbname=app sslmode=require\"
  mysql --host=\"$HOST\" --port=3306 --user=app_user --enable-cleartext-plugin --ssl-mode=REQUIRED \\
      --password=\"$(auroraiam generate-db-auth-token --hostname \"$HOST\" --port 3306 --username app_user)\"
  psql \"$(auroraiam generate-db-auth-token --hostname \"$HOST\" --port 5432 --username app_user \\
      --format uri --dbname app)\"
  eval \"$(auroraiam generate-db-auth-token --hostname \"$HOST\" --port 5432 --username app_user \\
      --format env)\" && psql dbname=app
  # through a tunnel on localhost:15432
  PGPASSWORD=\"$(auroraiam generate-db-auth-token --hostname \"$HOST\" --port 5432 --username app_user)\" \\
      psql \"host=localhost port=15432 user=app_user dbname=app sslmode=require\"
  auroraiam generate-db-auth-token --hostname mydb.example.internal --region eu-west-1 \\
      --port 5432 --username app_user --signing-time 2026-11-26T12:00:00Z --expires-in 300";

const DSQL_EXAMPLES: &str = "\
Examples:
  auroraiam generate-db-connect-auth-token --hostname abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws
  PGPASSWORD=\"$(auroraiam generate-db-connect-auth-token --hostname \"$HOST\" --expires-in 3600)\" \\
      psql \"host=$HOST user=app_role dbname=postgres sslmode=require\"";

const DSQL_ADMIN_EXAMPLES: &str = "\
Examples:
  auroraiam generate-db-connect-admin-auth-token --hostname abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws
  PGPASSWORD=\"$(auroraiam generate-db-connect-admin-auth-token --hostname \"$HOST\")\" \\
      psql \"host=$HOST user=admin dbname=postgres sslmode=require\"";

const INSPECT_EXAMPLES: &str = "\
The signature and session token are never printed. Exit status: 0 when no error-severity
diagnostic was found (warnings allowed), 9 when the server would reject the token,
3 when the text is not a token.

Examples:
  auroraiam inspect \"$TOKEN\"
  echo \"$TOKEN\" | auroraiam inspect --json
  auroraiam inspect --expect-host \"$HOST\" --expect-port 5432 --expect-user app_user \\
      --now 2026-11-26T12:10:00Z - < token.txt";

const VERIFY_EXAMPLES: &str = "\
The secret is read from a file (one trailing newline stripped) or from the environment
variable AURORAIAM_VERIFY_SECRET_ACCESS_KEY; never from the command line. Prints nothing
and exits 0 when the token is valid; otherwise the reason goes to stderr as
`auroraiam: error: <CODE>: <message>` and the exit status says which class it is
(3 malformed, 4 unknown key, 5 signature mismatch, 6 expired or not yet valid,
7 host/port/user/region/kind mismatch, 8 bad secret, 2 usage, 1 unreadable file).

Examples:
  auroraiam verify --secret-access-key-file ~/.secret \"$TOKEN\"
  auroraiam verify --secret-access-key-file ~/.secret --access-key-id AKIAIOSFODNN7EXAMPLE \\
      --expect-host \"$HOST\" --expect-port 5432 --expect-user app_user - < token.txt
  AURORAIAM_VERIFY_SECRET_ACCESS_KEY=\"$SECRET\" auroraiam verify --now 2026-11-26T12:10:00Z \"$TOKEN\"";

/// `generate-db-auth-token` options: aws-cli's, plus lifetime and signing time.
#[derive(Args)]
pub struct RdsArgs {
    /// Database endpoint name the token is signed for.
    #[arg(long, value_name = "HOST")]
    pub hostname: OsString,
    /// Database port (1-65535).
    #[arg(long, value_name = "PORT", allow_negative_numbers = true)]
    pub port: OsString,
    /// Database user name.
    #[arg(long, value_name = "USER")]
    pub username: OsString,
    #[command(flatten)]
    pub common: CommonGenerateArgs,
}

/// `generate-db-connect[-admin]-auth-token` options (as aws-cli's).
#[derive(Args)]
pub struct DsqlArgs {
    /// Cluster endpoint name the token is signed for.
    #[arg(long, value_name = "HOST")]
    pub hostname: OsString,
    #[command(flatten)]
    pub common: CommonGenerateArgs,
}

/// Options every generate-* subcommand has.
#[derive(Args)]
pub struct CommonGenerateArgs {
    /// Region to sign for [default: inferred from the hostname].
    #[arg(long, value_name = "REGION")]
    pub region: Option<OsString>,
    /// Token lifetime in seconds: RDS 1-900, DSQL 1-604800 [default: 900].
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub expires_in: Option<OsString>,
    /// Sign as of this time: RFC 3339 (2026-11-26T12:00:00Z) or Unix seconds [default: now].
    #[arg(long, value_name = "TIME", allow_negative_numbers = true)]
    pub signing_time: Option<OsString>,
    /// Take credentials from this profile of the shared AWS config/credentials files
    /// (as aws --profile; AWS_* credential variables are then ignored).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<OsString>,
    /// What to print: the token alone, a connection URI or JDBC URL holding it
    /// (percent-encoded), shell variable lines for eval, or JSON with the effective expiry.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = Format::Token)]
    pub format: Format,
    /// Protocol for --format uri/jdbc/env: postgresql or mysql [default: 5432 postgresql,
    /// 3306 mysql, DSQL postgresql].
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<OsString>,
    /// Database name for --format uri/jdbc/env [default: the client's; DSQL: postgres].
    #[arg(long, value_name = "NAME")]
    pub dbname: Option<OsString>,
}

/// `--format` of the generate-* subcommands.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The token and a newline (the password).
    Token,
    /// postgresql://USER:TOKEN@HOST:PORT/DB?sslmode=require (libpq) or mysql://…?ssl-mode=REQUIRED.
    Uri,
    /// jdbc:postgresql://HOST:PORT/DB?user=USER&password=TOKEN&sslmode=require (or jdbc:mysql://…).
    Jdbc,
    /// `export PGPASSWORD='…'` lines (PGHOST, PGPORT, PGUSER, PGDATABASE; MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD).
    Env,
    /// The same lines without `export` (for env files).
    EnvNoExport,
    /// One JSON object: the token, what it is for, and when it stops working.
    Json,
}

/// What a token is checked against (shared by inspect and verify).
#[derive(Args)]
pub struct ExpectArgs {
    /// The host the token should be for (case-insensitive).
    #[arg(long, value_name = "HOST", visible_alias = "expect-hostname")]
    pub expect_host: Option<OsString>,
    /// The port the token should be for.
    #[arg(long, value_name = "PORT", allow_negative_numbers = true)]
    pub expect_port: Option<OsString>,
    /// The database user the token should be for (exact).
    #[arg(long, value_name = "USER", visible_alias = "expect-username")]
    pub expect_user: Option<OsString>,
    /// Time the token is (to be) used: RFC 3339 or Unix seconds [default: now].
    #[arg(long, value_name = "TIME", allow_negative_numbers = true)]
    pub now: Option<OsString>,
    /// Seconds a signing time may lie in the future (clock skew) [default: 300].
    #[arg(long, value_name = "SECONDS")]
    pub max_clock_skew: Option<u32>,
}

/// `inspect` options.
#[derive(Args)]
pub struct InspectArgs {
    /// The token; `-` or nothing (with stdin not a terminal) reads it from stdin.
    #[arg(value_name = "TOKEN|-")]
    pub token: Option<OsString>,
    /// Print one JSON object instead of text (field reference: docs/cli.md).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub expect: ExpectArgs,
    /// Warn when the token is longer than this many bytes [default: 1024].
    #[arg(long, value_name = "BYTES")]
    pub pooler_length_limit: Option<usize>,
}

/// `verify` options.
#[derive(Args)]
pub struct VerifyArgs {
    /// The token; `-` or nothing (with stdin not a terminal) reads it from stdin.
    #[arg(value_name = "TOKEN|-")]
    pub token: Option<OsString>,
    /// File holding the secret access key (one trailing newline is stripped).
    #[arg(long, value_name = "FILE")]
    pub secret_access_key_file: Option<PathBuf>,
    /// Require the token to be signed by this access key id (else UNKNOWN_ACCESS_KEY).
    #[arg(long, value_name = "AKID")]
    pub access_key_id: Option<OsString>,
    #[command(flatten)]
    pub expect: ExpectArgs,
    /// The region the token should be signed for.
    #[arg(long, value_name = "REGION")]
    pub expect_region: Option<OsString>,
    /// The kind the token should be: rds, dsql or dsql-admin.
    #[arg(long, value_name = "KIND")]
    pub expect_kind: Option<OsString>,
    /// On success, print a summary on stderr and the redacted token on stdout.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Environment variable holding the secret for `verify` when no file is given.
pub const VERIFY_SECRET_ENV: &str = "AURORAIAM_VERIFY_SECRET_ACCESS_KEY";
