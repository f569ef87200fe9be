//! Limits of the core, repeated as header macros for C callers (a test keeps them equal).

/// Default token lifetime in seconds (15 minutes): pass it as `expires_in` when in doubt.
pub const AURORAIAM_DEFAULT_EXPIRES_IN: i64 = 900;
/// Longest lifetime an RDS/Aurora token may ask for, in seconds.
pub const AURORAIAM_MAX_RDS_EXPIRES_IN: i64 = 900;
/// Longest lifetime a DSQL token may ask for, in seconds (one week).
pub const AURORAIAM_MAX_DSQL_EXPIRES_IN: i64 = 604800;

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
    }
}
