"""Exceptions raised by auroraiam (defined in Python, raised from the native module)."""

__all__ = ["AuroraIamError", "InvalidParameterError", "CredentialsError", "TokenVerificationError"]


class AuroraIamError(Exception):
    """Base class of every auroraiam error.

    ``code`` is the stable error code name shared by every auroraiam surface, e.g.
    ``"INVALID_PORT"`` (the C status ``AURORAIAM_RESULT_INVALID_PORT``).
    """

    code: str

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> "tuple[type[AuroraIamError], tuple[str, str]]":
        return (type(self), (str(self), self.code))


class InvalidParameterError(AuroraIamError, ValueError):
    """An argument has the right type but a value auroraiam rejects (bad hostname, port 0, ...)."""


class CredentialsError(AuroraIamError):
    """Credentials are missing, malformed or expired, or their source failed (codes
    ``INVALID_CREDENTIALS``, ``CREDENTIALS_NOT_FOUND``, ``CREDENTIALS_EXPIRED``,
    ``CREDENTIALS_PROVIDER_FAILED``)."""


class TokenVerificationError(AuroraIamError):
    """``verify_token`` rejected a well-formed token; ``code`` says why: ``SIGNATURE_MISMATCH``,
    ``UNKNOWN_ACCESS_KEY``, ``TOKEN_LIFETIME_TOO_LONG``, ``TOKEN_EXPIRED``, ``TOKEN_NOT_YET_VALID``,
    ``HOST_MISMATCH``, ``PORT_MISMATCH``, ``USER_MISMATCH``, ``REGION_MISMATCH`` or ``KIND_MISMATCH``. (Text that is
    not a token at all is an ``InvalidParameterError`` with code ``TOKEN_MALFORMED``.)"""
