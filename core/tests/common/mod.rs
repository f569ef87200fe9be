//! Loads the shared conformance vectors from `tests/vectors/*.json`, in place.

use std::path::PathBuf;

use auroraiam::{credentials_from_parts, AuthToken, Error, SigningTime, TokenRequest};
use serde::Deserialize;

/// One vector case (see tests/vectors/README.md).
#[derive(Debug, Deserialize, Clone)]
pub struct Case {
    pub id: String,
    pub kind: String,
    pub hostname: String,
    pub port: Option<i64>,
    pub username: Option<String>,
    pub region: Option<String>,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub signing_time: i64,
    pub expires_in: i64,
    pub expected_token: Option<String>,
    #[allow(dead_code)]
    pub expected_error: Option<String>,
}

#[derive(Deserialize)]
struct VectorFile {
    cases: Vec<Case>,
}

/// The shared vectors directory at the workspace root.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Every case of every vector file, with the file name.
pub fn all_cases() -> Vec<(String, Case)> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with("package.json")
            && !p.ends_with("package-lock.json"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: VectorFile = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.extend(file.cases.into_iter().map(|c| (name.clone(), c)));
    }
    out
}

/// The request a case describes, as every surface builds it.
#[allow(dead_code)]
pub fn request_of(case: &Case) -> Result<TokenRequest<'_>, Error> {
    let builder = match case.kind.as_str() {
        "rds" => TokenRequest::rds(&case.hostname, case.port.expect("rds port"),
                                   case.username.as_deref().expect("rds username")),
        "dsql" => TokenRequest::dsql(&case.hostname, false),
        "dsql-admin" => TokenRequest::dsql(&case.hostname, true),
        other => panic!("{}: unknown kind {other}", case.id),
    };
    builder.maybe_region(case.region.as_deref()).expires_in_secs(case.expires_in).build()
}

/// Runs one case through the core, the way every surface does.
#[allow(dead_code)]
pub fn generate(case: &Case) -> Result<AuthToken, Error> {
    let request = request_of(case)?;
    let credentials = credentials_from_parts(&case.access_key_id, &case.secret_access_key,
                                             case.session_token.as_deref(), None)?;
    let at = SigningTime::from_unix_seconds(case.signing_time)?;
    auroraiam::generate_token(&request, &credentials, at)
}
