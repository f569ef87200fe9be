"""Exceptions raised by auroraiam (defined in Python, raised from the native module)."""

__all__ = ["AuroraIamError", "InvalidParameterError", "CredentialsError"]


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
    """Credentials are missing, malformed or expired (codes ``INVALID_CREDENTIALS``,
    ``CREDENTIALS_NOT_FOUND``, ``CREDENTIALS_EXPIRED``)."""
