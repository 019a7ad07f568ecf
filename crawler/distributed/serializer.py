"""Distributed sweeps: requests as JSON (never pickle), with bytes, header maps and Playwright page methods tagged."""

from __future__ import annotations

import base64
import json
import logging
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


class JsonRequestSerializer:
    """`Request.to_dict()` as JSON: bytes, maps with bytes keys and Playwright page methods are tagged.

    Meta values that are neither are dropped with a warning (they are per-process objects, such as an open
    browser page, that a request must not carry to another machine).
    """

    @classmethod
    def _encode(cls, value: Any, path: str = "") -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, bytes):
            return {"$b": base64.b64encode(value).decode("ascii")}
        if isinstance(value, list | tuple):
            return [cls._encode(item, path) for item in value]
        if isinstance(value, dict):
            if all(isinstance(key, str) for key in value):
                out = {}
                for key, item in value.items():
                    encoded = cls._encode(item, f"{path}.{key}")
                    if encoded is not _DROP:
                        out[key] = encoded
                return {"$d": out} if any(key.startswith("$") for key in out) else out
            return {"$map": [[cls._encode(key, path), cls._encode(item, path)] for key, item in value.items()]}
        if isinstance(value, datetime):
            return {"$dt": value.isoformat()}
        if type(value).__name__ == "PageMethod":
            return {"$pm": [value.method, cls._encode(list(value.args)), cls._encode(value.kwargs)]}
        log.warning("not sending %s (%s) to other workers", path or "a value", type(value).__name__)
        return _DROP

    @classmethod
    def _decode(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [cls._decode(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (tag, inner), *_ = value.items()
            if tag == "$b":
                return base64.b64decode(inner)
            if tag == "$map":
                return {cls._decode(key): cls._decode(item) for key, item in inner}
            if tag == "$dt":
                return datetime.fromisoformat(inner)
            if tag == "$d":
                return {key: cls._decode(item) for key, item in inner.items()}
            if tag == "$pm":
                from scrapy_playwright.page import PageMethod

                method, args, kwargs = inner
                return PageMethod(method, *cls._decode(args), **cls._decode(kwargs))
        return {key: cls._decode(item) for key, item in value.items()}

    @classmethod
    def dumps(cls, obj: dict[str, Any]) -> str:
        return json.dumps(cls._encode(obj), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, data: bytes | str) -> dict[str, Any]:
        return cls._decode(json.loads(data))


_DROP = object()
