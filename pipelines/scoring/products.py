"""The ordinary product a title names: a head noun of the dictionary's product heads (地板 "floor", 气球 "balloon",
牙套 "orthodontic brace", 放大器 "amplifier", ``signals.product_heads``) that ends a word of the title. Where no
watchlist term names the goods, a mark or a trait the listing shows (人字纹 said of ivory, 鳞片 of a pangolin, 自己组装
of a gun) then describes that product: herringbone flooring, a scaly fish, a shoe cabinet. A head that ends a product
form of the category (地毯 of a tiger's skin) may be the goods themselves and clears nothing. The scorer does not ask
for drugs and covert cameras, which ride in or hide in such products (laughing gas in a party balloon, a camera in a
toothbrush)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .animals import in_tag
from .fold_text import is_cjk
from .markers import alternatives
from .payloads import FieldView


class ProductHeads:
    """The product heads (folded word -> kind), the dictionary's words that end in a one-character head and name
    something else (鲸鱼 "whale", 掌柜 "shopkeeper") and, per category, the heads that end one of its product forms."""

    def __init__(self, heads: Mapping[str, str], others: Iterable[str], forms: Mapping[str, Iterable[str]]) -> None:
        self._kinds = {word: kind for word, kind in heads.items() if word}
        self._others = frozenset(others)
        self._others_longest = max(map(len, self._others), default=1)  # 甩手掌柜: how far back to look
        pattern = alternatives(self._kinds)
        self._pattern = re.compile(pattern) if pattern else None
        self._own = {
            category: frozenset(h for h in self._kinds if any(form.endswith(h) for form in words))
            for category, words in forms.items()
        }

    def named(self, view: FieldView, category: str) -> tuple[str, str] | None:
        """(head, kind) of the first product head that ends a word of ``view`` (a title) and none of the category's
        product forms ends in, outside a tag in corner brackets; a one-character head not where it ends a word of
        the dictionary that names something else (的鱼 and 鞋柜, not 鲸鱼)."""
        if self._pattern is None:
            return None
        own = self._own.get(category, frozenset())
        text = view.norm.text
        original = view.norm.original
        for match in self._pattern.finditer(text):
            head = match.group()
            if head in own or in_tag(view, match.start(), match.end()):
                continue  # 【闲鱼】 names the marketplace
            o_end = view.span(match.start(), match.end())[1]
            if o_end < len(original) and is_cjk(original[o_end]):
                continue  # 气球状, 地板砖: the head of no word here
            if len(head) == 1 and any(
                text[match.start() - back : match.end()] in self._others
                for back in range(1, min(self._others_longest, match.end()))
            ):
                continue
            return head, self._kinds[head]
        return None
