"""A readable page for the OpenAPI document, rendered on the server (no CDN, no script)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref: dict | None) -> str:
    if not ref:
        return ""
    if "$ref" in ref:
        return ref["$ref"].rsplit("/", 1)[-1]
    if ref.get("type") == "array":
        return f"[{_schema_name(ref.get('items'))}]"
    return ref.get("type", "")


@bp.get("/api/v1/docs")
def docs():
    """Every operation with its parameters, body and responses, and every schema."""
    from lithloop.web.api import api

    spec = api.spec.to_dict()
    operations = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "secured": bool(op.get("security")),
                    "parameters": op.get("parameters", []) + item.get("parameters", []),
                    "body": _schema_name(body.get("schema")),
                    "responses": [
                        (
                            code,
                            r.get("description", ""),
                            _schema_name(
                                r.get("content", {}).get("application/json", {}).get("schema")
                            ),
                        )
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=operations,
        schemas=spec.get("components", {}).get("schemas", {}),
    )
