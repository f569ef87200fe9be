//! Module arguments from the PAM service file:
//! `config=/etc/auroraiam/keys.conf host=localhost port=5432 region=us-east-1 [log=/path] [max_skew=300]
//! [kind=rds|dsql]`.

use std::path::PathBuf;

use auroraiam::{validate_hostname, validate_port, validate_region, DEFAULT_MAX_CLOCK_SKEW_SECS};

/// What one PAM service line asks the module to check tokens against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleArgs {
    /// Key file: `ACCESS_KEY_ID SECRET` per line (the emulator plays IAM).
    pub config: PathBuf,
    /// The endpoint name tokens must be signed for (compared case-insensitively).
    pub host: String,
    /// The port tokens must be signed for.
    pub port: u16,
    /// The region tokens must be signed for.
    pub region: String,
    /// Where one line per attempt is appended; `None` logs nothing.
    pub log: Option<PathBuf>,
    /// How far in the future a signing time may lie, in seconds.
    pub max_clock_skew_secs: u32,
    /// The account id IAM policies in the key file are evaluated for (`account_id=`).
    pub account_id: Option<String>,
    /// The database resource id (`db-…`, `cluster-…`, `prx-…`) policies are evaluated for (`resource_id=`).
    pub resource_id: Option<String>,
    /// `kind=dsql`: tokens are Aurora DSQL tokens for `host` (no port in them, so `port` is not
    /// checked): user `admin` must present a `DbConnectAdmin` token, every other user a
    /// `DbConnect` one (the core's `dsql_kind_for_user`). Default `kind=rds`.
    pub dsql: bool,
}

/// Parses the module arguments. Every argument is `name=value`; `config`, `host`, `port` and
/// `region` are required (a verifier that silently skips a check would pass tokens Aurora
/// rejects); unknown or repeated names are errors, so a typo never weakens a check.
pub fn parse_args<'a>(args: impl IntoIterator<Item = &'a str>) -> Result<ModuleArgs, String> {
    let (mut config, mut host, mut port, mut region, mut log, mut skew) =
        (None, None, None, None, None, None);
    let (mut account_id, mut resource_id, mut kind) = (None, None, None);
    for arg in args {
        let (name, value) = arg
            .split_once('=')
            .ok_or_else(|| format!("module argument {arg:?} is not name=value"))?;
        let slot = match name {
            "config" => &mut config,
            "host" => &mut host,
            "port" => &mut port,
            "region" => &mut region,
            "log" => &mut log,
            "max_skew" => &mut skew,
            "account_id" => &mut account_id,
            "resource_id" => &mut resource_id,
            "kind" => &mut kind,
            _ => return Err(format!("unknown module argument {name:?} (known: config, host, port, region, log, max_skew, account_id, resource_id, kind)")),
        };
        if slot.is_some() {
            return Err(format!("module argument {name} is given twice"));
        }
        if value.is_empty() {
            return Err(format!("module argument {name} is empty"));
        }
        *slot = Some(value.to_string());
    }
    let require = |v: Option<String>, name: &str| {
        v.ok_or_else(|| format!("module argument {name}= is required"))
    };
    let config = PathBuf::from(require(config, "config")?);
    if !config.is_absolute() {
        return Err("module argument config= must be an absolute path".to_string());
    }
    let host = require(host, "host")?;
    validate_hostname(&host).map_err(|e| format!("module argument host=: {}", e.message()))?;
    let port_text = require(port, "port")?;
    let port = port_text
        .parse::<i64>()
        .map_err(|_| format!("module argument port={port_text:?} is not a number"))
        .and_then(|p| {
            validate_port(p).map_err(|e| format!("module argument port=: {}", e.message()))
        })?;
    let region = require(region, "region")?;
    validate_region(&region).map_err(|e| format!("module argument region=: {}", e.message()))?;
    let log = log.map(PathBuf::from);
    if log.as_ref().is_some_and(|l| !l.is_absolute()) {
        return Err("module argument log= must be an absolute path".to_string());
    }
    let max_clock_skew_secs = match skew {
        None => DEFAULT_MAX_CLOCK_SKEW_SECS,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|v| *v <= 3600)
            .ok_or_else(|| {
                format!("module argument max_skew={s:?} is not a number of seconds in 0..=3600")
            })?,
    };
    if let Some(a) = &account_id {
        auroraiam::policy::validate_account_id(a).map_err(|e| format!("module argument account_id=: {}", e.message()))?;
    }
    if let Some(r) = &resource_id {
        auroraiam::policy::validate_rds_resource_id(r).map_err(|e| format!("module argument resource_id=: {}", e.message()))?;
    }
    let dsql = match kind.as_deref() {
        None | Some("rds") => false,
        Some("dsql") => true,
        Some(other) => return Err(format!("module argument kind={other:?} is neither rds nor dsql")),
    };
    Ok(ModuleArgs {
        dsql,
        account_id,
        resource_id,
        config,
        host,
        port,
        region,
        log,
        max_clock_skew_secs,
    })
}

/// The `log=` path alone, for reporting arguments that do not parse (first absolute one wins).
pub fn log_path_of<'a>(args: impl IntoIterator<Item = &'a str>) -> Option<PathBuf> {
    args.into_iter()
        .filter_map(|a| a.strip_prefix("log="))
        .map(PathBuf::from)
        .find(|p| p.is_absolute())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: [&str; 5] = [
        "config=/etc/k.conf",
        "host=localhost",
        "port=5432",
        "region=us-east-1",
        "log=/tmp/x.log",
    ];

    #[test]
    fn parses_every_argument() {
        let a = parse_args(GOOD.iter().copied().chain(["max_skew=60"])).unwrap();
        assert_eq!(a.config, PathBuf::from("/etc/k.conf"));
        assert_eq!(
            (a.host.as_str(), a.port, a.region.as_str()),
            ("localhost", 5432, "us-east-1")
        );
        assert_eq!(a.log, Some(PathBuf::from("/tmp/x.log")));
        assert_eq!(a.max_clock_skew_secs, 60);
        assert_eq!(
            parse_args(GOOD[..4].iter().copied())
                .unwrap()
                .max_clock_skew_secs,
            DEFAULT_MAX_CLOCK_SKEW_SECS
        );
    }

    #[test]
    fn rejects_missing_unknown_repeated_and_bad_values() {
        for (i, name) in ["config", "host", "port", "region"].iter().enumerate() {
            let args: Vec<&str> = GOOD
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, a)| *a)
                .collect();
            assert!(parse_args(args).unwrap_err().contains(name), "{name}");
        }
        let bad = |extra: &str, replace: usize| {
            let mut args: Vec<&str> = GOOD.to_vec();
            if replace < args.len() {
                args[replace] = extra;
            } else {
                args.push(extra);
            }
            parse_args(args).unwrap_err()
        };
        assert!(bad("hots=localhost", 9).contains("unknown module argument"));
        assert!(bad("host=other", 9).contains("twice"));
        assert!(bad("debug", 9).contains("not name=value"));
        assert!(bad("port=0", 2).contains("port"));
        assert!(bad("port=65536", 2).contains("port"));
        assert!(bad("port=abc", 2).contains("not a number"));
        assert!(bad("region=Nowhere", 3).contains("region"));
        assert!(bad("host=https://x", 1).contains("host"));
        assert!(bad("host=", 1).contains("empty"));
        assert!(bad("config=relative.conf", 0).contains("absolute"));
        assert!(bad("log=relative.log", 4).contains("absolute"));
        assert!(bad("max_skew=-1", 9).contains("max_skew"));
        assert!(bad("max_skew=99999", 9).contains("max_skew"));
        assert!(bad("kind=DSQL", 9).contains("neither rds nor dsql"));
        assert!(!parse_args(GOOD.iter().copied()).unwrap().dsql);
        assert!(!parse_args(GOOD.iter().copied().chain(["kind=rds"])).unwrap().dsql);
        assert!(parse_args(GOOD.iter().copied().chain(["kind=dsql"])).unwrap().dsql);
    }
}
