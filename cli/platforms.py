"""`tradewatch platforms`: list the platform profiles, check one against a saved page, start a new one."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.i18n import N_, _
from cli.output import console, fail, print_json
from cli.runs import outcome_label, reason_text

platforms_app = typer.Typer(help="Platform profiles: list, check against a saved page, create.", no_args_is_help=True)

MAX_PAGE_BYTES = 32 * 1024 * 1024

# Headings of the listing columns `platforms check` prints, and the most each other column takes on a terminal of
# 80 columns and on a wide one: the title (which wraps) keeps at least TITLE_WIDTH characters.
LISTING_COLUMNS: dict[str, tuple[str, int, int]] = {
    "listing_id": (N_("Listing id"), 8, 16),
    "title": (N_("Title"), 0, 0),
    "price": (N_("Price"), 8, 16),
    "stored": (N_("Stored"), 12, 36),
    "seller": (N_("Seller"), 6, 16),
    "url": (N_("URL"), 11, 48),
}
TITLE_WIDTH = 16
WIDE = 120
REJECT_REASONS: dict[str, str] = {
    "missing": N_("missing"),
    "field_error": N_("selector failed"),
    "duplicate": N_("duplicate"),
}
RENDER_MODES: dict[str, str] = {"static": N_("static HTML"), "js": N_("JavaScript (browser)")}
PAGE_KINDS: dict[str, str] = {"results": N_("search results"), "item": N_("item page")}


def _profile(name: str | None, file: Path | None) -> Any:
    """The profile named NAME, or read from a file given as NAME (a path) or with --profile."""
    from crawler.profiles import load_profile, load_profile_file

    if file is not None:
        return load_profile_file(file)
    if not name:
        fail(_("Give a platform name or --profile FILE"))
    if name.endswith((".yaml", ".yml")) or "/" in name or Path(name).is_file():
        return load_profile_file(Path(name).expanduser())
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


def _stored_cell(stored: dict[str, Any]) -> str:
    """Price and time as the store would keep them: `15.9 EUR 2024-06-03T11:05:00Z`, `?` where unread."""
    price = "?" if stored.get("price_raw") else "-" if stored["price"] is None else f"{stored['price']:g}"
    currency = stored["currency"] or ("" if stored["price"] is None else "?")
    posted = "?" if stored.get("posted_raw") else stored["posted_at"] or ""
    return " ".join(part for part in (price, currency, posted) if part)


def _check_json(profile: Any, result: Any) -> dict[str, Any]:
    return {
        "platform": profile.name,
        "kind": result.kind,
        "encoding": result.encoding,
        "blocked": result.blocked,
        "matched": result.matched,
        "listings": [
            {**listing, "stored": stored} for listing, stored in zip(result.listings, result.stored, strict=True)
        ],
        "rejected": result.rejects(),
        "rejected_listings": [
            {
                "reason": rejection.reason,
                "field": rejection.field,
                "detail": rejection.detail,
                "fields": rejection.fields,
            }
            for rejection in result.rejected
        ],
        "field_errors": result.field_errors,
        "field_error_details": result.error_details,
        "unparsed": result.unparsed,
        "coverage": {name: {"present": have, "total": total} for name, (have, total) in result.coverage.items()},
        "health": {"outcome": result.health.outcome, "reasons": result.health.reasons},
        "next_url": result.next_url,
    }


def _print_check(profile: Any, result: Any, limit: int) -> None:
    from core.safe_text import safe_str, safe_text

    out = console()
    page_kind = _(PAGE_KINDS[result.kind]) if result.kind in PAGE_KINDS else result.kind
    out.print(
        _("Platform: {platform}  Page: {kind}  Encoding: {encoding}").format(
            platform=profile.name, kind=page_kind, encoding=result.encoding
        ),
        markup=False,
    )
    shown = list(zip(result.listings, result.stored, strict=True))
    shown = shown if limit <= 0 else shown[:limit]
    if shown:
        table = Table(title=_("Listings ({count})").format(count=len(result.listings)))
        for column, (heading, narrow, wide) in LISTING_COLUMNS.items():
            if column == "title":
                table.add_column(_(heading), overflow="fold", min_width=TITLE_WIDTH)
            else:
                most = wide if out.width >= WIDE else narrow
                table.add_column(_(heading), overflow="ellipsis", no_wrap=True, max_width=most)
        for listing, stored in shown:
            cells = {column: listing.get(column, "") for column in LISTING_COLUMNS}
            cells["stored"] = _stored_cell(stored)
            table.add_row(*(safe_text(cells[column]) for column in LISTING_COLUMNS))
        out.print(table)
    cov = Table(title=_("Field coverage (of {count} matched listings)").format(count=result.matched))
    for heading in (_("Field"), _("Present"), _("Total"), _("Coverage"), _("Errors"), _("Unparsed")):
        cov.add_column(heading)
    for field_name, (have, total) in result.coverage.items():
        errors, unparsed = result.field_errors.get(field_name, 0), result.unparsed.get(field_name, 0)
        share = f"{have / total:.0%}" if total else "-"
        cov.add_row(field_name, str(have), str(total), share, str(errors or ""), str(unparsed or ""))
    out.print(cov)
    for key, count in result.rejects().items():
        reason, field_name = key.split(": ", 1)
        label = _(REJECT_REASONS[reason]) if reason in REJECT_REASONS else reason
        out.print(_("Rejected: {count} ({reason}: {field})").format(count=count, reason=label, field=field_name))
    for field_name, detail in result.error_details.items():
        out.print(
            _("Selector failed: {field}: {detail}").format(field=field_name, detail=safe_str(detail)), markup=False
        )
    if result.next_url:
        out.print(_("Next page: {url}").format(url=safe_str(result.next_url)), markup=False)
    out.print(
        _("Listings found: {count} of {matched} matched").format(count=len(result.listings), matched=result.matched),
        markup=False,
    )


@platforms_app.command("check")
def check(
    name: Annotated[str | None, typer.Argument(help="Platform name or a profile file (or use --profile).")] = None,
    file: Annotated[Path, typer.Option("--file", "-f", help="A saved page of the platform.")] = Path(),
    url: Annotated[str | None, typer.Option(help="The URL the page was saved from (for links and ids).")] = None,
    profile_file: Annotated[Path | None, typer.Option("--profile", help="A profile file instead of NAME.")] = None,
    kind: Annotated[str, typer.Option(help="results, item or auto.")] = "auto",
    limit: Annotated[int, typer.Option(help="Listings to print (0: all).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    keyword: Annotated[
        str | None, typer.Option(help="The keyword the page was searched for (left out of a proposed marker).")
    ] = None,
) -> None:
    """Run a profile over one saved page and print what a sweep would store: each listing as found and as
    stored (price, ISO 4217 currency, UTC time), the listings rejected and why, field coverage over every
    matched listing, and the outcome the profile's health thresholds give.

    A page of a search that found nothing (save one for a nonsense keyword) is accepted when the profile's
    `no_results_markers` or `no_results_selectors` recognise it; when they do not, the markers and selectors
    the page suggests are printed to add to the profile.

    Exit code 1 when the page is a block page or no listing was kept, 3 when a sweep would not be `ok`.

    Example:

        tradewatch platforms check taobao --file taobao-search.html --url "https://s.taobao.com/search?q=象牙"
        tradewatch platforms check ./xianzhi.yaml --file saved-search.html --json
        tradewatch platforms check demo --file empty-search.html --keyword qzxv123
    """
    from crawler.encoding import UndecodableError
    from crawler.page_check import check_page

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
    proposal = None
    if not result.listings and not result.blocked and not result.no_results and result.kind == "results":
        from crawler.page_check import propose_no_results

        proposal = propose_no_results(body, url or profile.base_url + "/", keyword=keyword, encoding=profile.encoding)
    if as_json:
        extra: dict[str, Any] = {"no_results": result.no_results}
        if proposal is not None:
            extra["proposed"] = {"no_results_markers": proposal.markers, "no_results_selectors": proposal.selectors}
        print_json({**_check_json(profile, result), **extra})
    else:
        _print_check(profile, result, limit)
    if result.blocked:
        fail(_("block page: {marker}").format(marker=result.blocked), code=1)
    if result.no_results and not result.listings:
        console().print(_("The profile recognises this page as a search with no results."), markup=False)
        return
    if proposal is not None and not as_json and (proposal.markers or proposal.selectors):
        _print_proposal(proposal)
    if not result.listings:
        if result.rejected:
            reasons = ", ".join(f"{key}: {count}" for key, count in result.rejects().items())
            fail(
                _("no listing kept: {matched} matched, all rejected ({reasons})").format(
                    matched=result.matched, reasons=reasons
                ),
                code=1,
            )
        fail(_("no listing found on the page"), code=1)
    if result.health.outcome != "ok":
        fail(
            _("a sweep of such pages would be {outcome}: {reasons}").format(
                outcome=outcome_label(result.health.outcome), reasons="; ".join(map(reason_text, result.health.reasons))
            ),
            code=3,
        )


def _print_proposal(proposal: Any) -> None:
    """The empty-results markers a page suggests, as YAML lines to paste into the profile."""
    from core.safe_text import safe_str

    out = console()
    out.print(_("If this is a search that found nothing, add to the profile:"), markup=False)
    if proposal.markers:
        out.print(safe_str(_yaml_list("no_results_markers", proposal.markers)), markup=False)
    if proposal.selectors:
        out.print(safe_str(_yaml_list("no_results_selectors", proposal.selectors)), markup=False)


def _yaml_list(key: str, values: list[str]) -> str:
    import json

    return f"{key}: [{', '.join(json.dumps(value, ensure_ascii=False) for value in values)}]"


SCHEMA_FORMATS = ("markdown", "json")


@platforms_app.command("schema")
def schema(
    output_format: Annotated[
        str, typer.Option("--format", help="markdown (a reference to read) or json (JSON Schema for editors).")
    ] = "markdown",
) -> None:
    """Print every key a platform profile takes, with its type, default and description, from the profile models.

    Example:

        tradewatch platforms schema > profile-reference.md
        tradewatch platforms schema --format json > tradewatch-profile.schema.json
    """
    from crawler.profile_schema import json_schema, markdown

    if output_format not in SCHEMA_FORMATS:
        fail(_("--format must be markdown or json"))
    sys.stdout.write(json_schema() if output_format == "json" else markdown())


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
{no_results}health:
  min_coverage: 0.9
  fields: [title, url, price]
"""

TEST_SKELETON = '''\
"""Profile {name} against its saved page. Fails until the profile's selectors are filled in."""

from pathlib import Path

from crawler.page_check import check_page
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
    empty_page: Annotated[
        Path | None,
        typer.Option(help="A saved search page for a nonsense keyword: its 'nothing found' marker is proposed."),
    ] = None,
    keyword: Annotated[str | None, typer.Option(help="The nonsense keyword of --empty-page.")] = None,
) -> None:
    """Write a profile skeleton, a copy of the page as its test fixture, and a test that fails until the
    selectors are filled in. With --empty-page, the profile's `no_results_markers` and `no_results_selectors`
    are filled from a saved search that found nothing.

    Example:

        tradewatch platforms new xianyu --file ~/Downloads/xianyu-search.html
        tradewatch platforms new xianyu --file search.html --empty-page empty.html --keyword qzxv123
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
    no_results = "no_results_markers: []                    # TODO: text of a search that found nothing\n"
    if empty_page is not None:
        from crawler.page_check import propose_no_results

        proposal = propose_no_results(_read_page(empty_page), "https://www.example.com/", keyword=keyword)
        no_results = (
            "".join(
                _yaml_list(key, values) + "\n"
                for key, values in (
                    ("no_results_markers", proposal.markers),
                    ("no_results_selectors", proposal.selectors),
                )
                if values
            )
            or no_results
        )
    skeleton = PROFILE_SKELETON.format(name=name, fixture=fixture, test=test_path, no_results=no_results)
    profile_path.write_text(skeleton, encoding="utf-8")
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
