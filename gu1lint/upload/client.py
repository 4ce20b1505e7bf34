"""The gu1 API client (httpx): TLS on, the token only to the API's own origin, retries."""

from __future__ import annotations

import email.utils
import ipaddress
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from gu1lint import __version__
from gu1lint.errors import ApiError, UsageError

DEFAULT_URL = "https://api.gu1.ai"
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
#: statuses after which the server certainly did not act on a POST, so resending is safe
POST_RETRY_STATUSES = frozenset((429, 503))
MAX_REDIRECTS = 5
#: the first wait before a retry; it doubles with every attempt
BACKOFF_SECONDS = 0.5
STATUS_TEXT = {
    401: "not authenticated: GU1_API_KEY was refused",
    403: "forbidden: the API key lacks the batch-import permission "
    "(transactions:create, entities:bulk_import or events:create)",
    404: "not found",
}


class HttpError(ApiError):
    """An error answer of the API: HTTP status and the body's `error.code`, if any."""

    def __init__(
        self, message: str, status: int, code: str | None = None, detail: str | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.detail = status, code, detail


def base_url(flag: str | None) -> str:
    """--api-url, else GU1_API_URL, else the public API; plain http only to loopback."""
    url = (flag or os.environ.get("GU1_API_URL") or DEFAULT_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"API URL {url!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"refusing plain http:// to {parts.hostname}: use https:// "
            "(http is allowed only to localhost, e.g. the emulator)"
        )
    return url


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def api_token() -> str:
    """GU1_API_KEY (never printed, never logged)."""
    token = os.environ.get("GU1_API_KEY", "").strip()
    if not token:
        raise UsageError("set GU1_API_KEY to an API key of the organization")
    return token


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date), capped at 60 s."""
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return min(float(raw), 60.0)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), 60.0))


class Gu1Client:
    """Requests to one API origin; the Authorization header is added only for that origin."""

    def __init__(
        self,
        url: str,
        token: str,
        retries: int = 4,
        backoff: float | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.url = url
        self._token = token
        self.retries = retries
        self.backoff = BACKOFF_SECONDS if backoff is None else backoff
        self.sleep = sleep or time.sleep
        self.http = httpx.Client(
            verify=True,
            follow_redirects=False,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": f"gu1lint/{__version__}"},
        )
        self.origin = _origin(httpx.URL(url))

    def __repr__(self) -> str:
        return f"Gu1Client({self.url!r})"

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> Gu1Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET a JSON body."""
        return _json(self.request("GET", path, params=params), path)

    def get_text(self, path: str) -> str:
        """GET a text body (the failures CSV)."""
        return self.request("GET", path).text

    def post_json(
        self,
        path: str,
        body: Any = None,
        files: Callable[[], Any] | None = None,
        data: dict[str, str] | None = None,
    ) -> Any:
        """POST JSON or a multipart form; `files` opens fresh file parts for every attempt."""
        return _json(self.request("POST", path, json=body, files=files, data=data), path)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send with retries on connection errors, 429 (Retry-After) and 5xx; raise on errors."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._send_following(method, self.url + path, **kwargs)
            except httpx.TransportError as exc:
                if last or not _safe_to_resend(method, exc):
                    raise ApiError(f"cannot reach {self.url}: {_reason(exc)}") from None
                self.sleep(self.backoff * 2**attempt)
                continue
            if not last and _should_retry(method, response.status_code):
                wait = retry_after(response)
                self.sleep(self.backoff * 2**attempt if wait is None else wait)
                continue
            _raise_for_status(response, method, path)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send_following(
        self, method: str, url: str, files: Callable[[], Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        for _ in range(MAX_REDIRECTS + 1):
            target = httpx.URL(url)
            headers = {"Accept": "application/json, text/csv"}
            if _origin(target) == self.origin:
                headers["Authorization"] = f"Bearer {self._token}"
            parts = files() if files else None
            try:
                response = self.http.request(method, target, headers=headers, files=parts, **kwargs)
            finally:
                for part in parts or []:
                    part[1][1].close()
            if not response.is_redirect:
                return response
            url = str(target.join(response.headers["location"]))
            if httpx.URL(url).scheme != "https" and not is_loopback(httpx.URL(url).host):
                raise ApiError(
                    f"the API redirected to plain http ({httpx.URL(url).host}); not following"
                )
        raise ApiError(f"too many redirects from {self.url}")


def _should_retry(method: str, status: int) -> bool:
    """429 and 5xx are retried; a POST only on 429 and 503, where the server did not act."""
    return status in (POST_RETRY_STATUSES if method == "POST" else RETRY_STATUSES)


def _safe_to_resend(method: str, exc: httpx.TransportError) -> bool:
    """A POST is resent only when the connection never opened (nothing reached the server)."""
    return method != "POST" or isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _json(response: httpx.Response, path: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ApiError(f"{path}: the API answered with something that is not JSON") from exc


def _raise_for_status(response: httpx.Response, method: str, path: str) -> None:
    status = response.status_code
    if status < 400:
        return
    code, message = _error_fields(response)
    what = f"{method} {path}"
    if status == 400:
        text = f"{what}: 400 {code + ': ' if code else ''}{message or 'bad request'}"
    elif status in STATUS_TEXT:
        text = f"{what}: {status} {STATUS_TEXT[status]}"
    else:
        text = f"{what}: HTTP {status}{': ' + message if message else ''}"
    raise HttpError(text, status, code, message)


def _error_fields(response: httpx.Response) -> tuple[str | None, str | None]:
    """`error.code` and the message of an error body (either may be absent)."""
    try:
        body = response.json()
    except ValueError:
        return None, response.text.strip().splitlines()[0][:200] if response.text.strip() else None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
    else:
        code = body.get("code") if isinstance(body, dict) else None
        message = (
            error
            if isinstance(error, str)
            else (body.get("message") if isinstance(body, dict) else None)
        )
    return (str(code) if code else None), (str(message)[:300] if message else None)
