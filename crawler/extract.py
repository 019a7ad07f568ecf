"""Apply a profile's field selectors to a page or a part of one."""

from __future__ import annotations

import re
from collections.abc import Mapping

from parsel import Selector, SelectorList

from crawler.profiles import FieldSelector


def select(node: Selector | SelectorList, spec: FieldSelector) -> SelectorList:
    return node.css(spec.css) if spec.css else node.xpath(spec.xpath or "")


def extract_field(node: Selector | SelectorList, spec: FieldSelector) -> str | None:
    """The field's text: every match joined, whitespace trimmed, regex applied; None when absent."""
    parts = [part.strip() for part in select(node, spec).getall()]
    text = spec.join.join(part for part in parts if part).strip()
    if spec.regex and text:
        match = re.search(spec.regex, text)
        if not match:
            return None
        text = match.group(1) if match.groups() else match.group(0)
    return text or None


def extract_fields(node: Selector | SelectorList, fields: Mapping[str, FieldSelector]) -> dict[str, str]:
    """All fields that have a value; missing fields are left out so coverage can be counted."""
    values = {name: extract_field(node, spec) for name, spec in fields.items()}
    return {name: value for name, value in values.items() if value is not None}
