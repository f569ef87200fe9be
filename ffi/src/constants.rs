//! Limits of the core, repeated as header macros for C callers (a test keeps them equal).

/// Default token lifetime in seconds (15 minutes): pass it as `expires_in` when in doubt.
pub const AURORAIAM_DEFAULT_EXPIRES_IN: i64 = 900;
/// Longest lifetime an RDS/Aurora token may ask for, in seconds.
pub const AURORAIAM_MAX_RDS_EXPIRES_IN: i64 = 900;
/// Longest lifetime a DSQL token may ask for, in seconds (one week).
pub const AURORAIAM_MAX_DSQL_EXPIRES_IN: i64 = 604800;

/// Default clock skew tolerated by verification and diagnosis, in seconds: a token signed up to
/// this far in the future is accepted.
pub const AURORAIAM_DEFAULT_MAX_CLOCK_SKEW: i64 = 300;
/// Largest clock skew verification and diagnosis accept, in seconds (one hour); more is
/// `INVALID_ARGUMENT`.
pub const AURORAIAM_MAX_CLOCK_SKEW: i64 = 3600;
/// Default token length in bytes above which diagnosis warns that poolers may truncate it.
pub const AURORAIAM_DEFAULT_POOLER_LENGTH_LIMIT: usize = 1024;
/// Default refresh margin of a token provider, in seconds.
pub const AURORAIAM_DEFAULT_REFRESH_MARGIN: i64 = 60;
/// The usual bound on one default-chain resolution, in milliseconds (20 s).
pub const AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS: i64 = 20000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_equal_the_core_limits() {
        assert_eq!(
            AURORAIAM_DEFAULT_EXPIRES_IN,
            i64::from(auroraiam::DEFAULT_EXPIRES_IN)
        );
        assert_eq!(
            AURORAIAM_MAX_RDS_EXPIRES_IN,
            i64::from(auroraiam::MAX_RDS_EXPIRES_IN)
        );
        assert_eq!(
            AURORAIAM_MAX_DSQL_EXPIRES_IN,
            i64::from(auroraiam::MAX_DSQL_EXPIRES_IN)
        );
        assert_eq!(
            AURORAIAM_DEFAULT_MAX_CLOCK_SKEW,
            i64::from(auroraiam::DEFAULT_MAX_CLOCK_SKEW_SECS)
        );
        assert_eq!(AURORAIAM_MAX_CLOCK_SKEW, i64::from(auroraiam::MAX_CLOCK_SKEW_SECS));
        assert_eq!(
            AURORAIAM_DEFAULT_POOLER_LENGTH_LIMIT,
            auroraiam::DEFAULT_POOLER_LENGTH_LIMIT
        );
        assert_eq!(
            AURORAIAM_DEFAULT_REFRESH_MARGIN as u64,
            auroraiam::DEFAULT_REFRESH_MARGIN.as_secs()
        );
    }

    #[cfg(feature = "credential-chain")]
    #[test]
    fn chain_timeout_equals_the_core_default() {
        assert_eq!(
            AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS as u128,
            auroraiam::DEFAULT_CHAIN_TIMEOUT.as_millis()
        );
    }
}
