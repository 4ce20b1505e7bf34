"""Typed errors raised by library code; only `cli.main` turns them into exit statuses."""


class Gu1lintError(Exception):
    """Base of every error gu1lint reports as one line and exit status 2."""


class ConfigError(Gu1lintError):
    """A configuration file or a combination of flags is wrong."""


class UsageError(Gu1lintError):
    """The command line cannot be carried out as given."""


class ReadError(Gu1lintError):
    """A file cannot be read; carries the position where reading stopped."""

    def __init__(self, reason: str, line: int | None = None, row: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.row = row


class ApiError(Gu1lintError):
    """The gu1 API answered with an error or could not be reached."""
