"""The profile reference is generated from the models: every key described, the shipped copy up to date."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from crawler.profile_schema import documented_fields, markdown, profile_models
from crawler.profiles import ListingFields

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "profile-reference.md"
runner = CliRunner(env={"TRADEWATCH_LANG": "en"})


def test_every_key_of_every_profile_model_has_a_description():
    missing = [
        f"{model.__name__}.{name}"
        for model in profile_models()
        for name, info in documented_fields(model).items()
        if not (info.description or "").strip()
    ]
    assert missing == []
    assert {"Profile", "ListingFields", "FieldSelector", "JsonItems", "PaginationSpec"} <= {
        model.__name__ for model in profile_models()
    }


def test_the_markdown_reference_lists_field_names_json_items_and_offset_pagination():
    text = runner.invoke(app, ["platforms", "schema"]).stdout
    for name in ListingFields.model_fields:
        assert f"| `{name}` |" in text
    assert "## JsonItems" in text and "| `unwrap` |" in text
    assert "| `page_step` | int | `1` |" in text
    assert '| `timezone` | str | `"Asia/Shanghai"` |' in text


def test_the_json_schema_describes_the_profile_for_editors():
    result = runner.invoke(app, ["platforms", "schema", "--format", "json"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "source" not in schema["properties"]
    assert schema["properties"]["currency"]["description"].startswith("ISO 4217")
    assert schema["$defs"]["ListingFields"]["additionalProperties"] is False


def test_the_reference_in_docs_is_the_generated_one():
    assert REFERENCE.read_text(encoding="utf-8") == markdown(), (
        "run: tradewatch platforms schema > docs/profile-reference.md"
    )
