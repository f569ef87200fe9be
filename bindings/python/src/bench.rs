//! `_core_sign_loop`: the core signing a token `calls` times in a row, with nothing of this
//! binding in between, so the benchmark script (`bench/bench.py`) times the core and the
//! binding with the same clock in the same run and prints the binding's overhead over the core
//! even on a loaded machine. Not a public API.

use std::hint::black_box;

use auroraiam::{SigningTime, TokenRequest};
use pyo3::prelude::*;

use crate::credentials::PyCredentials;
use crate::errors::IntoPyResult;

/// Signs an RDS token for `hostname:port` / `username` `calls` times with `credentials`'
/// signer, a request built once and the signing time read once: what `core/benches/token.rs`
/// times as `token/rds`. The first token (which lays the request out) is signed before.
#[pyfunction]
pub(crate) fn _core_sign_loop(
    py: Python<'_>,
    credentials: &Bound<'_, PyCredentials>,
    hostname: &str,
    port: i64,
    username: &str,
    calls: u32,
) -> PyResult<()> {
    let signer = credentials.get().signer();
    let request = TokenRequest::rds(hostname, port, username).build().or_raise(py)?;
    let at = SigningTime::now().or_raise(py)?;
    signer.sign(&request, at).or_raise(py)?;
    for _ in 0..calls {
        black_box(signer.sign(black_box(&request), black_box(at)).or_raise(py)?);
    }
    Ok(())
}
