"""The API client without a network: httpx.MockTransport stands in for the server."""

from __future__ import annotations

import httpx
import pytest

from gu1lint.errors import ApiError, UsageError
from gu1lint.upload.client import Gu1Client, HttpError, base_url, retry_after

TOKEN = "gk_test_client_secret"


def client(
    handler, sleeps: list[float] | None = None, url: str = "https://api.example"
) -> Gu1Client:
    record = sleeps if sleeps is not None else []
    return Gu1Client(url, TOKEN, transport=httpx.MockTransport(handler), sleep=record.append)


def test_base_url_precedence_and_loopback_only_http(monkeypatch) -> None:
    monkeypatch.delenv("GU1_API_URL", raising=False)
    assert base_url(None) == "https://api.gu1.ai"
    monkeypatch.setenv("GU1_API_URL", "https://eu.example/")
    assert base_url(None) == "https://eu.example"
    assert base_url("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert base_url("http://localhost:1") == "http://localhost:1"
    assert base_url("http://[::1]:8765") == "http://[::1]:8765"
    for bad in ("http://api.gu1.ai", "http://10.0.0.1", "ftp://x", "api.gu1.ai"):
        with pytest.raises(UsageError):
            base_url(bad)


def test_get_retries_5xx_with_doubling_backoff() -> None:
    answers = iter([500, 502, 504, 200])
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), json={"ok": True})

    assert client(handler, sleeps).get_json("/x") == {"ok": True}
    assert sleeps == [0.5, 1.0, 2.0]


def test_429_honours_retry_after() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=1)])
    sleeps: list[float] = []
    assert client(lambda r: next(answers), sleeps).get_json("/x") == 1
    assert sleeps == [7.0]


def test_retry_after_as_http_date_and_cap() -> None:
    assert retry_after(httpx.Response(429, headers={"Retry-After": "3600"})) == 60.0
    assert (
        retry_after(httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
        == 0.0
    )
    assert retry_after(httpx.Response(429)) is None


def test_post_is_not_resent_after_a_500() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500, json={"error": {"message": "boom"}})

    with pytest.raises(HttpError) as exc:
        client(handler).post_json("/upload", body={})
    assert len(calls) == 1 and exc.value.status == 500


def test_connection_errors_are_retried_then_reported() -> None:
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ApiError, match="cannot reach https://api.example: connection refused"):
        client(handler, sleeps).get_json("/x")
    assert len(sleeps) == 4


def test_one_line_errors_with_the_server_code() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        status = int(request.url.path.strip("/"))
        return httpx.Response(
            status,
            json={
                "success": False,
                "error": {"code": "TOO_MANY_ITEMS", "message": "30001 rows exceed 30000"},
            },
        )

    c = client(handler)
    with pytest.raises(HttpError, match=r"400 TOO_MANY_ITEMS: 30001 rows exceed 30000") as exc:
        c.get_json("/400")
    assert exc.value.code == "TOO_MANY_ITEMS"
    for status, words in ((401, "not authenticated"), (403, "forbidden"), (404, "not found")):
        with pytest.raises(HttpError, match=f"{status} {words}") as exc:
            c.get_json(f"/{status}")
        assert "\n" not in str(exc.value)


def test_authorization_only_to_the_api_origin_after_redirects() -> None:
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("authorization")))
        if request.url.host == "api.example" and request.url.path == "/a":
            return httpx.Response(302, headers={"Location": "/b"})
        if request.url.host == "api.example":
            return httpx.Response(307, headers={"Location": "https://elsewhere.example/c"})
        return httpx.Response(200, json={"done": True})

    assert client(handler).get_json("/a") == {"done": True}
    assert seen == [
        ("api.example", f"Bearer {TOKEN}"),
        ("api.example", f"Bearer {TOKEN}"),
        ("elsewhere.example", None),
    ]


def test_a_redirect_to_plain_http_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "http://api.example/x"})

    with pytest.raises(ApiError, match="plain http"):
        client(handler).get_json("/x")


def test_the_token_is_not_in_the_client_repr() -> None:
    assert TOKEN not in repr(client(lambda r: httpx.Response(200)))
