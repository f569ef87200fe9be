//! Conversions shared by the option setters of diagnosis, verification and the token provider:
//! C integers into the core's types, with an error naming the argument.

use std::time::Duration;

use auroraiam::{ErrorCode, SigningTime};

use crate::failure::Failure;

/// The clock of a check: an explicit instant, or the system clock when the check runs.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Clock(Option<SigningTime>);

impl Clock {
    /// Sets an explicit instant (`INVALID_SIGNING_TIME` outside 1970..9999).
    pub(crate) fn set(&mut self, unix_seconds: i64) -> Result<(), Failure> {
        self.0 = Some(SigningTime::from_unix_seconds(unix_seconds)?);
        Ok(())
    }

    /// The instant to check at.
    pub(crate) fn now(self) -> Result<SigningTime, Failure> {
        match self.0 {
            Some(t) => Ok(t),
            None => Ok(SigningTime::now()?),
        }
    }
}

/// A count of seconds that must fit the core's `u32` (clock skew).
pub(crate) fn seconds_u32(value: i64, field: &str) -> Result<u32, Failure> {
    u32::try_from(value).map_err(|_| {
        Failure::core(
            ErrorCode::InvalidArgument,
            format!(
                "{field} {value} s is out of range: it must be 0..={}",
                u32::MAX
            ),
        )
    })
}

/// A non-negative duration in whole seconds (refresh margin).
pub(crate) fn duration_secs(value: i64, field: &str) -> Result<Duration, Failure> {
    u64::try_from(value).map(Duration::from_secs).map_err(|_| {
        Failure::core(
            ErrorCode::InvalidArgument,
            format!("{field} {value} s is negative"),
        )
    })
}

/// A non-negative duration in milliseconds (chain timeout).
pub(crate) fn duration_millis(value: i64, field: &str) -> Result<Duration, Failure> {
    u64::try_from(value)
        .map(Duration::from_millis)
        .map_err(|_| {
            Failure::core(
                ErrorCode::InvalidArgument,
                format!("{field} {value} ms is negative"),
            )
        })
}

/// A port to compare with (`INVALID_PORT` outside 1..=65535, the core's rule).
pub(crate) fn port(value: i64) -> Result<u16, Failure> {
    Ok(auroraiam::validate_port(value)?)
}
