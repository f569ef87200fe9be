//! The signers the free functions keep between calls (core [`SignerMemo`]s, process-wide).

use auroraiam::SignerMemo;

/// The signer last built from environment, mapping or botocore credentials: repeated calls
/// with the same credentials reuse its derived signing keys, as an `auroraiam.Credentials` does.
pub(crate) static LAST_SIGNER: SignerMemo = SignerMemo::new();

/// The signer of the free functions for the default chain's last credentials (not the
/// environment's), kept while they expire more than `DEFAULT_REFRESH_MARGIN` away.
pub(crate) static CHAIN_SIGNER: SignerMemo = SignerMemo::new();
