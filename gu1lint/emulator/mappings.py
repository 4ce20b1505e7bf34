"""The emulator's saved-mapping routes: list, create, partial update, delete."""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gu1lint.emulator.auth import ApiProblem, authorize

MAPPING_TARGETS = {"transaction", "entity_person", "entity_company", "entity_mixed", "user_event"}
FIELDS = ("name", "target", "columnMapping", "defaultFields", "headersSnapshot")


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        raise ApiProblem(400, "the body is not valid JSON", "VALIDATION_ERROR") from exc
    if not isinstance(body, dict):
        raise ApiProblem(400, "the body must be a JSON object", "VALIDATION_ERROR")
    return body


def _validate(mapping: dict[str, Any]) -> None:
    if not isinstance(mapping.get("name"), str) or not mapping["name"].strip():
        raise ApiProblem(400, "name is required", "VALIDATION_ERROR")
    if mapping.get("target") not in MAPPING_TARGETS:
        raise ApiProblem(
            400, f"target must be one of {', '.join(sorted(MAPPING_TARGETS))}", "VALIDATION_ERROR"
        )
    if not isinstance(mapping.get("columnMapping"), dict):
        raise ApiProblem(400, "columnMapping must be an object", "VALIDATION_ERROR")


async def list_or_create(request: Request) -> Response:
    """GET lists `{mappings: [...]}`; POST creates one and answers 201 `{mapping}`."""
    org = authorize(request)
    if request.method == "GET":
        return JSONResponse({"mappings": list(org.mappings.values())})
    body = await _body(request)
    mapping = {"id": str(uuid.uuid4()), **{k: body[k] for k in FIELDS if k in body}}
    mapping.setdefault("defaultFields", {})
    _validate(mapping)
    org.mappings[mapping["id"]] = mapping
    return JSONResponse({"mapping": mapping}, status_code=201)


async def update_or_delete(request: Request) -> Response:
    """PATCH updates any subset of the fields; DELETE answers `{ok: true}`; 404 when unknown."""
    org = authorize(request)
    mapping_id = request.path_params["mapping_id"]
    if mapping_id not in org.mappings:
        raise ApiProblem(404, "Mapping not found", "NOT_FOUND")
    if request.method == "DELETE":
        del org.mappings[mapping_id]
        return JSONResponse({"ok": True})
    body = await _body(request)
    updated = {**org.mappings[mapping_id], **{k: body[k] for k in FIELDS if k in body}}
    _validate(updated)
    org.mappings[mapping_id] = updated
    return JSONResponse({"mapping": updated})


MAPPING_ROUTES = [
    Route("/batch-import/mappings", list_or_create, methods=["GET", "POST"]),
    Route("/batch-import/mappings/{mapping_id}", update_or_delete, methods=["PATCH", "DELETE"]),
]
