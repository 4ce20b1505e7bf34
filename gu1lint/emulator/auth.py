"""Bearer tokens per organization, and the error body of every refused request."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gu1lint.emulator.state import SCOPES, EmulatorState, Org


class ApiProblem(Exception):
    """An error answer: HTTP status, optional error.code and a message."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def error_response(request: Request, exc: Exception) -> Response:
    """The error body `{success: false, error: {code, message}}`."""
    assert isinstance(exc, ApiProblem)
    error: dict[str, Any] = {"message": exc.message}
    if exc.code:
        error["code"] = exc.code
    return JSONResponse(
        {"success": False, "error": error, "message": exc.message}, status_code=exc.status
    )


def authorize(request: Request, scopes: frozenset[str] = SCOPES) -> Org:
    """Bearer token -> organization; 401 without a known token, 403 without a needed scope."""
    state: EmulatorState = request.app.state.emulator
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if token not in state.tokens:
        raise ApiProblem(401, "Not authenticated", "UNAUTHORIZED")
    org_id, granted = state.tokens[token]
    if not granted & scopes:
        raise ApiProblem(403, "Missing batch-import permission", "FORBIDDEN")
    return state.org(org_id)
