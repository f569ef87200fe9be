"""``Signer`` and ``DsqlSigner``: cached tokens for one endpoint.

The native base class (``auroraiam._auroraiam._Signer``, over the core's ``TokenProvider``)
does the work; this module gives the constructors their signatures and adds
``get_token_async``. Imported on first use of ``auroraiam.Signer`` / ``auroraiam.DsqlSigner``,
so ``import auroraiam`` does not pay for it.
"""

from __future__ import annotations

from auroraiam._auroraiam import _Signer

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from auroraiam._auroraiam import _SignerCredentials

__all__ = ["Signer", "DsqlSigner"]


class _AsyncToken(_Signer):
    __slots__ = ()

    async def get_token_async(self) -> str:
        """``get_token()`` for asyncio code, never blocking the event loop: a cached token is
        returned at once; otherwise the call (which may fetch credentials) runs in a worker
        thread (``asyncio.to_thread``)."""
        token = self._cached_token()
        if token is not None:
            return token
        import asyncio

        return await asyncio.to_thread(self.get_token)

    async def get_fresh_token_async(self) -> str:
        """``get_fresh_token()`` for asyncio code: it always re-resolves credentials, so it
        runs in a worker thread (``asyncio.to_thread``)."""
        import asyncio

        return await asyncio.to_thread(self.get_fresh_token)


class Signer(_AsyncToken):
    """RDS / Aurora IAM tokens for one endpoint, cached: ``get_token()`` returns the same token
    while it has more than ``refresh_margin`` seconds of effective life left (its own lifetime,
    cut short by its credentials' expiry), then a new one. ``refresh_margin=None``: 60 s, or half
    the lifetime for tokens of 2 minutes or less.

    ``credentials`` is ``auroraiam.Credentials``, a botocore credentials object (asked for frozen
    credentials at each fetch, so ``RefreshableCredentials`` refresh), a mapping (as for
    ``generate_auth_token``), a zero-argument callable returning any of those (called at each
    fetch), or ``None``: the default credential chain (``profile`` selects a profile of it).
    Thread-safe; ``repr()`` shows no secret.
    """

    __slots__ = ()

    def __new__(
        cls,
        hostname: str,
        port: int,
        username: str,
        region: str | None = None,
        *,
        credentials: _SignerCredentials | None = None,
        profile: str | None = None,
        expires_in: int = 900,
        refresh_margin: int | None = None,
    ) -> Signer:
        return super().__new__(
            cls, False, hostname, port, username, region, None, credentials, profile, expires_in, refresh_margin
        )


class DsqlSigner(_AsyncToken):
    """Aurora DSQL tokens for one cluster endpoint (``admin=True``: the ``admin`` role), cached
    like ``Signer``'s. ``expires_in`` is 1..604800 seconds."""

    __slots__ = ()

    def __new__(
        cls,
        hostname: str,
        region: str | None = None,
        *,
        admin: bool = False,
        credentials: _SignerCredentials | None = None,
        profile: str | None = None,
        expires_in: int = 900,
        refresh_margin: int | None = None,
    ) -> DsqlSigner:
        return super().__new__(
            cls, True, hostname, None, None, region, admin, credentials, profile, expires_in, refresh_margin
        )
