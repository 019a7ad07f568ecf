"""The profile reference, generated from the pydantic models so it can never drift from what is validated.

`tradewatch platforms schema` prints it as Markdown (one table per part of a profile: key, type, default,
description) or as JSON Schema, which editors use to check and complete profile YAML files.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from crawler.profiles import Profile


def json_schema() -> str:
    """JSON Schema of a profile file (draft 2020-12, as pydantic writes it)."""
    schema = Profile.model_json_schema(mode="validation")
    schema["properties"].pop("source", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The profile models an annotation refers to (inside lists, dicts and optionals too)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def profile_models() -> list[type[BaseModel]]:
    """Every model a profile is made of, the profile first, each once."""
    found: list[type[BaseModel]] = []
    queue: list[type[BaseModel]] = [Profile]
    while queue:
        model = queue.pop(0)
        if model in found:
            continue
        found.append(model)
        for info in model.model_fields.values():
            queue.extend(_models(info.annotation))
    return found


def documented_fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """The keys a profile author writes (internal ones, such as the file a profile came from, left out)."""
    return {name: info for name, info in model.model_fields.items() if not info.exclude}


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(argument) for argument in arguments if argument is not type(None))
    if origin is typing.Literal:
        return " | ".join(f"`{value}`" for value in arguments)
    if origin is list:
        return f"list of {_type_name(arguments[0])}"
    if origin is dict:
        return f"mapping of {_type_name(arguments[0])} to {_type_name(arguments[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
    elif info.default is PydanticUndefined:
        return ""
    else:
        value = info.default
    if isinstance(value, BaseModel):
        return "(defaults of its keys)"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def markdown() -> str:
    """The profile reference as Markdown: one section per model, a table of its keys."""
    lines = [
        "# Platform profile reference",
        "",
        "Generated from the profile models by `tradewatch platforms schema` (`--format json` gives JSON Schema",
        "for editors). Every key, its type, its default and what it does; a key not listed here is refused.",
    ]
    for model in profile_models():
        lines += ["", f"## {model.__name__}", ""]
        doc = " ".join((model.__doc__ or "").split("\n\n")[0].split())
        if doc:
            lines += [doc, ""]
        lines += ["| key | type | default | description |", "|---|---|---|---|"]
        for name, info in documented_fields(model).items():
            cells = [f"`{name}`", _type_name(info.annotation), _default(info), info.description or ""]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
