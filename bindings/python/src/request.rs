//! Validated token requests, remembered for the next call with the same arguments.
//!
//! Services sign for the same database over and over; validating the hostname and inferring
//! the region is a fifth of a token's cost. The core's [`OwnedTokenRequest`] is the result of
//! that validation, so the last one is kept and reused when the arguments are identical.
//! Failed validations are never remembered.

use std::sync::{Arc, Mutex};

use auroraiam::{Error, OwnedTokenRequest, TokenKind, TokenRequest};

/// The arguments of a request, as the caller gave them.
#[derive(PartialEq, Eq)]
pub(crate) struct RequestArgs<'a> {
    pub(crate) kind: TokenKind,
    pub(crate) hostname: &'a str,
    pub(crate) port: i64,
    pub(crate) username: &'a str,
    pub(crate) region: Option<&'a str>,
    pub(crate) expires_in: i64,
}

struct Remembered {
    kind: TokenKind,
    hostname: String,
    port: i64,
    username: String,
    region: Option<String>,
    expires_in: i64,
    request: Arc<OwnedTokenRequest>,
}

impl Remembered {
    fn matches(&self, args: &RequestArgs<'_>) -> bool {
        self.kind == args.kind
            && self.port == args.port
            && self.expires_in == args.expires_in
            && self.hostname == args.hostname
            && self.username == args.username
            && self.region.as_deref() == args.region
    }
}

static LAST_REQUEST: Mutex<Option<Remembered>> = Mutex::new(None);

/// The validated request for `args`: the remembered one if the arguments are the same as last
/// time, else the core's verdict on them.
pub(crate) fn request_for(args: &RequestArgs<'_>) -> Result<Arc<OwnedTokenRequest>, Error> {
    {
        let last = LAST_REQUEST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(remembered) = last.as_ref().filter(|r| r.matches(args)) {
            return Ok(remembered.request.clone());
        }
    }
    let builder = match args.kind {
        TokenKind::Rds => TokenRequest::rds(args.hostname, args.port, args.username),
        TokenKind::Dsql => TokenRequest::dsql(args.hostname, false),
        TokenKind::DsqlAdmin => TokenRequest::dsql(args.hostname, true),
    };
    let request = Arc::new(builder.maybe_region(args.region).expires_in_secs(args.expires_in).build()?.to_owned_request());
    *LAST_REQUEST.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Remembered {
        kind: args.kind,
        hostname: args.hostname.to_string(),
        port: args.port,
        username: args.username.to_string(),
        region: args.region.map(str::to_string),
        expires_in: args.expires_in,
        request: request.clone(),
    });
    Ok(request)
}
