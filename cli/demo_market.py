"""`tradewatch demo-market`: run the local demo marketplace and inspect its catalogue."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import signal
import sys
from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from cli.i18n import N_, _
from cli.labels import category_label
from cli.output import console, fail

if TYPE_CHECKING:
    from crawler.demo_market.options import MarketOptions

demo_app = typer.Typer(no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})

GROUP_HELP = """A local web shop standing in for a Chinese second-hand marketplace, with a deterministic catalogue.

Example:

    tradewatch demo-market serve

    tradewatch demo-market catalogue
"""

SERVE_HELP = """Serve the demo marketplace until Ctrl-C: /plain/ (HTML), /js/ (JavaScript + JSON API), /gbk/ (GBK).

Example:

    tradewatch demo-market serve --port 8765

    tradewatch demo-market serve --rate-limit 5 --error-rate 0.1

    tradewatch demo-market serve --wall captcha --layout v2 --slow-ms 500
"""

KIND_NAMES: dict[str, str] = {
    "ordinary": N_("Ordinary goods"),
    "plain": N_("Offence, named plainly"),
    "disguised": N_("Offence, disguised"),
    "hard_negative": N_("Legal look-alike (hard negative)"),
}

CATALOGUE_HELP = """Show how many listings of each kind and category the demo catalogue holds.

Example:

    tradewatch demo-market catalogue

    tradewatch demo-market catalogue --json > listings.jsonl
"""


@demo_app.command("serve", help=SERVE_HELP)
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on (0 picks a free one).")] = 8765,
    rate_limit: Annotated[
        float | None, typer.Option(help="Requests per second per client IP; above it answer 429.")
    ] = None,
    error_rate: Annotated[float, typer.Option(help="Fraction of requests answered 500/503 (0 to 1).")] = 0.0,
    wall: Annotated[
        str | None, typer.Option(help="Put every search and item page behind a wall: captcha or login.")
    ] = None,
    layout: Annotated[str, typer.Option(help="Page markup: v1 (default) or v2 (changed class names).")] = "v1",
    slow_ms: Annotated[int, typer.Option(help="Delay every response by this many milliseconds.")] = 0,
    seed: Annotated[int | None, typer.Option(help="Catalogue seed (default: the built-in one).")] = None,
) -> None:
    from crawler.demo_market.options import MarketOptions

    fields: dict[str, object] = {
        "rate_limit": rate_limit,
        "error_rate": error_rate,
        "wall": wall,
        "layout": layout,
        "slow_ms": slow_ms,
    }
    if seed is not None:
        fields["seed"] = seed
    try:
        options = MarketOptions.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        fail(_("invalid --{option}: {reason}").format(option=field.replace("_", "-"), reason=first["msg"]))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(options, host, port))


async def _serve(options: MarketOptions, host: str, port: int) -> None:
    from crawler.demo_market.server import start_market

    try:
        runner, base_url = await start_market(options, host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            fail(_("port {port} on {host} is already in use").format(port=port, host=host))
        fail(_("cannot listen on {host}:{port}: {error}").format(host=host, port=port, error=error.strerror or error))
    out = console()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        for variant, label in (
            ("plain", _("HTML rendered by the server")),
            ("js", _("rendered by JavaScript")),
            ("gbk", _("GBK-encoded HTML")),
        ):
            out.print(
                _("Demo marketplace running: {url}  ({variant})").format(url=f"{base_url}/{variant}/", variant=label),
                markup=False,
                soft_wrap=True,
            )
        out.print(_("Press Ctrl-C to stop"), markup=False, soft_wrap=True)
        sys.stdout.flush()
        await stop.wait()
    finally:
        await runner.cleanup()
    out.print(_("Demo marketplace stopped"), markup=False, soft_wrap=True)


@demo_app.command("catalogue", help=CATALOGUE_HELP)
def catalogue(
    as_json: Annotated[bool, typer.Option("--json", help="Print every listing as one JSON object per line.")] = False,
    seed: Annotated[int | None, typer.Option(help="Catalogue seed (default: the built-in one).")] = None,
) -> None:
    from crawler.demo_market.catalogue import CATEGORY_IDS, DEFAULT_SEED, KINDS, build_catalogue

    built = build_catalogue(DEFAULT_SEED if seed is None else seed)
    if as_json:
        for listing in built.listings:
            record = {
                "listing_id": listing.listing_id,
                "title": listing.title,
                "description": listing.description,
                "price": f"{listing.price:.2f}",
                "seller": listing.seller,
                "seller_id": listing.seller_id,
                "location": listing.location,
                "posted_at": listing.posted_at.isoformat(),
                "image": listing.image,
                "kind": listing.kind,
                "category": listing.category,
            }
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    kinds = Counter(listing.kind for listing in built.listings)
    by_category = Counter((listing.category, listing.kind) for listing in built.listings if listing.category)
    out = console()
    kind_table = Table(
        title=_("Demo catalogue (seed {seed}, {count} listings)").format(seed=built.seed, count=len(built))
    )
    kind_table.add_column(_("Kind"))
    kind_table.add_column(_("Count"), justify="right")
    for kind in KINDS:
        label = _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind
        kind_table.add_row(f"{label} ({kind})", str(kinds[kind]))
    out.print(kind_table)
    category_table = Table(title=_("Offence categories"))
    category_table.add_column(_("Category"))
    category_table.add_column(_("Named plainly"), justify="right")
    category_table.add_column(_("Disguised"), justify="right")
    for category in CATEGORY_IDS:
        category_table.add_row(
            category_label(category, with_id=True),
            str(by_category[(category, "plain")]),
            str(by_category[(category, "disguised")]),
        )
    out.print(category_table)


def register(app: typer.Typer) -> None:
    """Attach `demo-market` to the root command."""
    app.add_typer(demo_app, name="demo-market", help=GROUP_HELP)
