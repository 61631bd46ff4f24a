"""API operations declared once, in code: the route, its validation and its OpenAPI entry.

Each view is declared with `operation(...)`, naming its pydantic models for the path,
query, body and answer. The same declaration registers the Flask route, validates every
request against those models (a refusal is a problem document, never a 500), and builds
the OpenAPI 3.1 document, whose JSON Schemas pydantic writes (JSON Schema 2020-12 is the
dialect of OpenAPI 3.1). Nothing about the API is written twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, request
from flask_babel import gettext
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from coordinator.api.problems import Problem, problem_response, validation_problem

JSON = "application/json"
PROBLEM = "application/problem+json"
_PATH_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style: /meetings/{meeting_id}
    operation_id: str
    summary: str
    description: str
    tag: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    token: bool  # needs a personal API token
    errors: tuple[int, ...]
    etag: bool
    alternatives: tuple[tuple[int, type[BaseModel]], ...]  # other success answers


@dataclass
class Registry:
    operations: list[Operation] = field(default_factory=list)

    def operation(self, bp: Blueprint, method: str, path: str, *, summary: str,
                  tag: str, query: type[BaseModel] | None = None,
                  body: type[BaseModel] | None = None,
                  response: type[BaseModel] | None = None, status: int = 200,
                  token: bool = False, errors: tuple[int, ...] = (),
                  etag: bool = False,
                  alternatives: tuple[tuple[int, type[BaseModel]], ...] = (),
                  ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a view: `view(query=..., body=..., **path_ids)` returns a model (or a
        (model, status, headers) tuple, or a Response)."""

        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            op = Operation(method.upper(), path, view.__name__, summary,
                           (view.__doc__ or "").strip(), tag, query, body, response, status,
                           token, errors, etag, alternatives)
            self.operations.append(op)
            rule = _PATH_PARAM.sub(r"<int:\1>", path)

            @wraps(view)
            def handle(**ids: int) -> Any:
                for name, value in ids.items():
                    if not 0 < value < 2**31:
                        return problem_response(Problem(404, detail=gettext(
                            "No such %(name)s.", name=name)))
                kwargs: dict[str, Any] = dict(ids)
                if token:
                    # Who asks comes first: a stranger learns nothing of the fields (a 401
                    # goes to the app's handler, which adds the WWW-Authenticate challenge).
                    from coordinator.api.access import required  # (api/ imports spec)

                    required()
                try:
                    if query is not None:
                        kwargs["query"] = query.model_validate(_query_dict(query))
                    if body is not None:
                        kwargs["body"] = body.model_validate(_json_body())
                except ValidationError as exc:
                    return problem_response(validation_problem(exc))
                except Problem as exc:
                    return problem_response(exc)
                return view(**kwargs)

            bp.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[method])
            return handle

        return decorate


def _query_dict(model: type[BaseModel]) -> dict[str, Any]:
    """The query string for `model`: list fields take every value, others the first."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in request.args:
            continue
        origin = getattr(info.annotation, "__origin__", None)
        out[key] = request.args.getlist(key) if origin is list else request.args.get(key)
    return out


def _json_body() -> Any:
    if request.mimetype != JSON:
        raise Problem(415, detail=gettext("Send the body as application/json."))
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # The parser's reason stays as it says it (English): it points at the exact spot.
        raise Problem(400, title=gettext("Malformed JSON"), detail=gettext(
            "The body is not valid UTF-8 JSON: %(reason)s", reason=str(exc)[:200])) from exc


def openapi_document(registry: Registry, *, title: str, version: str, description: str,
                     server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared operation."""
    from coordinator.api.problems import ProblemDocument

    models: set[type[BaseModel]] = {ProblemDocument}
    for op in registry.operations:
        models.update(m for m in (op.body, op.response) if m is not None)
        models.update(model for _, model in op.alternatives)
    keyed: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "serialization") for m in models] + [
        (op.body, "validation") for op in registry.operations if op.body is not None]
    refs, defs = models_json_schema(keyed, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    schemas = dict(defs.get("$defs", {}))
    for op in registry.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _path_item(op, refs, schemas)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": title, "version": version, "description": description},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token, created in the workspace under "
                               "'API tokens'. It acts as its account, in its scope."}},
        },
    }


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {
        PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}}}


ERROR_TEXT = {
    400: "Malformed request (e.g. a body that is not JSON).",
    401: "A token is needed, or the one given is unknown or revoked.",
    403: "The token's account may not change this record (outside its scope).",
    404: "No such record.",
    409: "The request conflicts with the record's state.",
    413: "The body is too large.",
    415: "The body must be application/json.",
    422: "A field was refused; `errors` says which and why.",
    429: "Too many requests: wait and retry.",
}


def _path_item(op: Operation, refs: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary,
                            "tags": [op.tag]}
    if op.description:
        item["description"] = op.description
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
              for name in _PATH_PARAM.findall(op.path)]
    if op.query is not None:
        schema = op.query.model_json_schema(mode="validation",
                                            ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))  # enums the parameters refer to
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            param = {"name": name, "in": "query", "required": name in required,
                     "schema": prop}
            if prop.get("type") == "array":
                param.update(style="form", explode=True)
            params.append(param)
    if params:
        item["parameters"] = params
    if op.body is not None:
        item["requestBody"] = {"required": True, "content": {
            JSON: {"schema": refs[(op.body, "validation")]}}}
    success: dict[str, Any] = {"description": "Done."}
    if op.response is not None:
        success["content"] = {JSON: {"schema": refs[(op.response, "serialization")]}}
    if op.etag:
        success["headers"] = {"ETag": {"schema": {"type": "string"},
                                       "description": "Send it back in If-None-Match."}}
    responses: dict[str, Any] = {str(op.status): success}
    for code, model in op.alternatives:
        responses[str(code)] = {"description": model.__doc__ or "Done.", "content": {
            JSON: {"schema": refs[(model, "serialization")]}}}
    if op.etag:
        responses["304"] = {"description": "Not modified since the ETag you sent."}
    codes = {400, 404, 413, 429, *op.errors}
    if op.query is not None or op.body is not None:
        codes.add(422)
    if op.body is not None:
        codes.add(415)
    if op.token:
        codes.update({401, 403})
        item["security"] = [{"token": []}]
    else:
        codes.add(401)  # a token that is sent must be valid, even where none is needed
    for code in sorted(codes):
        responses[str(code)] = _problem(ERROR_TEXT[code])
    item["responses"] = responses
    return item


def json_response(model: BaseModel | None, status: int = 200,
                  headers: dict[str, str] | None = None) -> Response:
    body = b"" if model is None else model.model_dump_json(by_alias=True).encode()
    response = Response(body, status=status, mimetype=JSON if model is not None else None,
                        headers=headers)
    if model is None:
        del response.headers["Content-Type"]  # 204: no body, no content type
    return response
