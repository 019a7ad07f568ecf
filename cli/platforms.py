"""`tradewatch platforms`: list the platform profiles, check one against a saved page, start a new one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.i18n import N_, _
from cli.output import console, fail, print_json

platforms_app = typer.Typer(help="Platform profiles: list, check against a saved page, create.", no_args_is_help=True)

MAX_PAGE_BYTES = 32 * 1024 * 1024

# Headings of the listing fields `platforms check` prints.
LISTING_COLUMNS: dict[str, str] = {
    "listing_id": N_("Listing id"),
    "title": N_("Title"),
    "price": N_("Price"),
    "seller": N_("Seller"),
    "location": N_("Location"),
    "url": N_("URL"),
}
RENDER_MODES: dict[str, str] = {"static": N_("static HTML"), "js": N_("JavaScript (browser)")}
PAGE_KINDS: dict[str, str] = {"results": N_("search results"), "item": N_("item page")}


def _profile(name: str | None, file: Path | None) -> Any:
    from crawler.profiles import load_profile, load_profile_file

    if file is not None:
        return load_profile_file(file)
    if not name:
        fail(_("Give a platform name or --profile FILE"))
    return load_profile(name)


def _read_page(page: Path) -> bytes:
    if not page.is_file():
        fail(_("no such page file: {path}").format(path=page))
    if page.stat().st_size > MAX_PAGE_BYTES:
        fail(_("page file larger than {size} MB: {path}").format(size=MAX_PAGE_BYTES // (1024 * 1024), path=page))
    return page.read_bytes()


@platforms_app.command("list")
def list_platforms(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List installed platform profiles (shipped ones and those under TRADEWATCH_HOME/platforms).

    Example:

        tradewatch platforms list
    """
    from cli.i18n import localise_message
    from core.errors import TradewatchError
    from crawler.profiles import PACKAGED_PROFILES, available_profiles, load_profile_file

    rows = []
    for name, path in available_profiles().items():
        try:
            profile = load_profile_file(path)
            rows.append(
                {
                    "name": name,
                    "display_name": profile.display_name,
                    "render": profile.render.mode,
                    "base_url": profile.base_url,
                    "source": "shipped" if path.parent == PACKAGED_PROFILES else str(path),
                    "error": None,
                }
            )
        except TradewatchError as error:
            rows.append({"name": name, "display_name": "", "render": "", "base_url": "", "source": str(path),
                         "error": str(error)})  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table(title=_("Platforms"))
    for heading in (_("Name"), _("Platform"), _("Rendering"), _("Base URL"), _("Source")):
        table.add_column(heading)
    for row in rows:
        invalid = _("Invalid: {error}").format(error=localise_message(row["error"] or ""))
        display = localise_message(row["display_name"]) or invalid
        source = _("shipped") if row["source"] == "shipped" else row["source"]
        render = _(RENDER_MODES[row["render"]]) if row["render"] in RENDER_MODES else row["render"]
        table.add_row(row["name"], display, render, row["base_url"], source)
    console().print(table)


@platforms_app.command("check")
def check(
    name: Annotated[str | None, typer.Argument(help="Platform name (or use --profile).")] = None,
    file: Annotated[Path, typer.Option("--file", "-f", help="A saved page of the platform.")] = Path(),
    url: Annotated[str | None, typer.Option(help="The URL the page was saved from (for links and ids).")] = None,
    profile_file: Annotated[Path | None, typer.Option("--profile", help="A profile file instead of NAME.")] = None,
    kind: Annotated[str, typer.Option(help="results, item or auto.")] = "auto",
    limit: Annotated[int, typer.Option(help="Listings to print (0: all).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Run a profile over one saved page and print the listings and the field coverage.

    Exit code 1 when the page is a block page or no listing was found.

    Example:

        tradewatch platforms check taobao --file taobao-search.html --url "https://s.taobao.com/search?q=象牙"
    """
    from crawler.encoding import UndecodableError
    from crawler.extract import check_page

    if kind not in ("auto", "results", "item"):
        fail(_("--kind must be results, item or auto"))
    profile = _profile(name, profile_file)
    if file == Path():
        fail(_("Give the saved page with --file PAGE"))
    body = _read_page(file)
    try:
        result = check_page(profile, body, url or profile.base_url + "/", kind)
    except UndecodableError as error:
        fail(_("The page cannot be decoded: {error}").format(error=error))
    coverage = {name: {"present": have, "total": total} for name, (have, total) in result.coverage.items()}
    if as_json:
        print_json(
            {
                "platform": profile.name,
                "kind": result.kind,
                "encoding": result.encoding,
                "blocked": result.blocked,
                "listings": result.listings,
                "coverage": coverage,
                "next_url": result.next_url,
            }
        )
    else:
        out = console()
        page_kind = _(PAGE_KINDS[result.kind]) if result.kind in PAGE_KINDS else result.kind
        out.print(
            _("Platform: {platform}  Page: {kind}  Encoding: {encoding}").format(
                platform=profile.name, kind=page_kind, encoding=result.encoding
            ),
            markup=False,
        )
        shown = result.listings if limit <= 0 else result.listings[:limit]
        if shown:
            table = Table(title=_("Listings ({count})").format(count=len(result.listings)))
            for column, heading in LISTING_COLUMNS.items():
                table.add_column(_(heading), overflow="ellipsis", no_wrap=column == "url", max_width=48)
            for listing in shown:
                table.add_row(*(str(listing.get(column, "")) for column in LISTING_COLUMNS))
            out.print(table)
        cov = Table(title=_("Field coverage"))
        for heading in (_("Field"), _("Present"), _("Total"), _("Coverage")):
            cov.add_column(heading)
        for field_name, (have, total) in result.coverage.items():
            cov.add_row(field_name, str(have), str(total), f"{have / total:.0%}" if total else "-")
        out.print(cov)
        if result.next_url:
            out.print(_("Next page: {url}").format(url=result.next_url), markup=False)
        out.print(_("Listings found: {count}").format(count=len(result.listings)), markup=False)
    if result.blocked:
        fail(_("block page: {marker}").format(marker=result.blocked), code=1)
    if not result.listings:
        fail(_("no listing found on the page"), code=1)


PROFILE_SKELETON = """\
# Platform profile for {name}: fill in the selectors, then run
#   tradewatch platforms check {name} --file {fixture} --url URL
#   pytest {test}
name: {name}
display_name: "{name} / {name}"
base_url: https://www.example.com          # TODO: the marketplace's address
allowed_domains: [www.example.com]
search:
  url: "{{base_url}}/search?q={{keyword}}&page={{page}}"   # TODO: the search URL
  keyword_encoding: utf-8
results:
  item: {{css: ".TODO-listing"}}          # TODO: one element per listing
  fields:
    listing_id: {{xpath: "@data-id"}}     # TODO: or remove and use listing_id: {{url_pattern: ...}}
    title: {{css: ".TODO-title::text"}}
    url: {{css: ".TODO-title::attr(href)"}}
    price: {{css: ".TODO-price::text"}}
    seller: {{css: ".TODO-seller::text"}}
    location: {{css: ".TODO-location::text"}}
pagination:
  page_param: true
  max_pages: 5
render:
  mode: static                              # js if the listings are drawn by JavaScript
politeness:
  download_delay: 2.0
  concurrency_per_domain: 2
  obey_robots: true
block_markers: ["安全验证", "请登录"]
health:
  min_coverage: 0.9
  fields: [title, url, price]
"""

TEST_SKELETON = '''\
"""Profile {name} against its saved page. Fails until the profile's selectors are filled in."""

from pathlib import Path

from crawler.extract import check_page
from crawler.profiles import load_profile_file

HERE = Path(__file__).resolve().parent
PROFILE = HERE.parent / "{name}.yaml"
PAGE = HERE / "fixtures" / "{name}.html"
URL = "https://www.example.com/search?q=TODO"  # TODO: where the page was saved from


def test_{ident}_extracts_every_listing_with_title_price_and_url():
    result = check_page(load_profile_file(PROFILE), PAGE.read_bytes(), URL)
    assert result.blocked is None
    assert len(result.listings) == 0, "TODO: the number of listings on the saved page"
    for field in ("title", "url", "price"):
        have, total = result.coverage[field]
        assert have == total > 0, f"{{field}} found on {{have}} of {{total}} listings"
    first = result.listings[0]
    assert first["title"] == "TODO: the first listing's title"
'''


@platforms_app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="Name of the new platform: lower-case letters, digits, - and _.")],
    file: Annotated[Path, typer.Option("--file", "-f", help="A saved search page of the platform.")],
    out: Annotated[
        Path | None, typer.Option(help="Folder for the profile (default: TRADEWATCH_HOME/platforms).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing profile of that name.")] = False,
) -> None:
    """Write a profile skeleton, a copy of the page as its test fixture, and a test that fails until the
    selectors are filled in.

    Example:

        tradewatch platforms new xianyu --file ~/Downloads/xianyu-search.html
    """
    from core.config import get_settings
    from crawler.profiles import NAME_PATTERN

    if not re.fullmatch(NAME_PATTERN, name):
        fail(
            _("invalid platform name {name}: use lower-case letters, digits, - and _ (max 48)").format(name=repr(name))
        )
    body = _read_page(file)
    folder = (out or get_settings().resolved_home / "platforms").expanduser().resolve()
    profile_path = folder / f"{name}.yaml"
    fixture = folder / "tests" / "fixtures" / f"{name}.html"
    test_path = folder / "tests" / f"test_{name.replace('-', '_')}.py"
    if profile_path.exists() and not force:
        fail(_("{path} exists (use --force to overwrite)").format(path=profile_path))
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_bytes(body)
    profile_path.write_text(PROFILE_SKELETON.format(name=name, fixture=fixture, test=test_path), encoding="utf-8")
    test_path.write_text(TEST_SKELETON.format(name=name, ident=name.replace("-", "_")), encoding="utf-8")
    out_console = console()
    out_console.print(_("Profile: {path}").format(path=profile_path), markup=False)
    out_console.print(_("Saved page (test fixture): {path}").format(path=fixture), markup=False)
    out_console.print(_("Test: {path}").format(path=test_path), markup=False)
    out_console.print(
        _("Next: fill in the TODO selectors, then run: pytest {path}").format(path=test_path), markup=False
    )


def register(app: typer.Typer) -> None:
    app.add_typer(platforms_app, name="platforms")
