"""The JSON report: the whole Report as data, validated by ``selfaudit/schema/report.schema.json``."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from selfaudit import hookimpl
from selfaudit.model import Report, to_dict
from selfaudit.render import OutputFormat, RenderContext

__all__ = ["report_to_json_data", "render_json", "load_schema"]

SCHEMA_ID = "https://selfaudit.invalid/schema/report-1.json"


def report_to_json_data(report: Report) -> dict[str, Any]:
    data = to_dict(report)
    ordered = {"$schema": SCHEMA_ID, "schema_version": data.pop("schema_version")}
    ordered.update(data)
    return ordered


def render_json(report: Report, context: RenderContext | None = None) -> str:
    return json.dumps(report_to_json_data(report), ensure_ascii=False, indent=2) + "\n"


def load_schema() -> dict[str, Any]:
    """The published JSON Schema of the report (shipped inside the package)."""
    text = resources.files("selfaudit").joinpath("schema/report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@hookimpl
def selfaudit_formats() -> list[OutputFormat]:
    return [
        OutputFormat(
            name="json",
            description="the full report as JSON (schema: selfaudit/schema/report.schema.json)",
            extension="json",
            render=render_json,
        )
    ]
