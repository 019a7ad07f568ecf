"""The leading scope of a CSS selector: `div.item h1.title::text` is `div.item`, then `h1.title::text` within it.

An item page's fields often share one scope (`div.item ...`). As XPath, each such field scans the whole page for
the scope again; found once and shared, each field only searches inside it. The split is exact: the selector's
XPath (as parsel translates it) is `P/R`, the scope `P` evaluated from the page and `R` from each element `P`
finds; when `P` finds one element, `./R` from it finds the same nodes in the same order as `P/R` from the page.
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import SelectorError, parse
from cssselect.parser import CombinedSelector, Tree
from parsel.csstranslator import HTMLTranslator, css2xpath

_PREFIX = "descendant-or-self::"  # what parsel puts before every CSS query's path
_TRANSLATOR = HTMLTranslator()  # as css2xpath translates (parsel's own instance is private)


@lru_cache(maxsize=1024)
def split_scope(css: str) -> tuple[str, str] | None:
    """(the scope's XPath, the rest's XPath relative to one element of the scope), or None when the selector has
    no combinator (one compound selector), is a group of selectors or does not translate."""
    try:
        selectors = parse(css)
        full = css2xpath(css)
    except (SelectorError, ValueError):
        return None
    if len(selectors) != 1:
        return None
    tree: Tree = selectors[0].parsed_tree
    if not isinstance(tree, CombinedSelector):
        return None
    first: CombinedSelector = tree
    while isinstance(first.selector, CombinedSelector):
        first = first.selector
    prefix = _PREFIX + str(_TRANSLATOR.xpath(first.selector))
    if not full.startswith(prefix + "/"):
        return None
    return prefix, "." + full[len(prefix) :]


def shared_scopes(queries: list[str]) -> frozenset[str]:
    """The scopes (as XPath) that at least two of these CSS selectors start with: worth finding once."""
    seen: set[str] = set()
    shared: set[str] = set()
    for css in queries:
        split = split_scope(css)
        if split is None:
            continue
        (shared if split[0] in seen else seen).add(split[0])
    return frozenset(shared)
