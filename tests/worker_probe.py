"""What a pool worker has imported, asked in the worker itself: a module of its own, importing nothing of
tradewatch, so that asking does not import what the worker is checked not to import."""

from __future__ import annotations

import sys


def modules_loaded() -> tuple[bool, bool, bool, bool]:
    """(scipy imported, the starting process's main module imported, the configuration imported, asyncio
    imported)."""
    main = "__mp_main__" in sys.modules and hasattr(sys.modules["__mp_main__"], "MARK")
    return "scipy" in sys.modules, main, "core.config" in sys.modules, "asyncio" in sys.modules
