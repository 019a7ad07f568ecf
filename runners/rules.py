"""Running a rules sweep: the rules pages of one or more platforms, fetched in a child process.

`run_rules_sweep()` is what `tradewatch rules sweep` and the scheduler's weekly job call; the child
(`python -m runners.rules`, through `runners.child`) crawls with `spiders.rules.RulesSpider`, whose pipeline
stores the versions, and answers with each page's outcome.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from core.errors import TradewatchError
from crawler.profiles import Profile, load_profile, load_profile_file
from runners.child import child_main, run_child
from runners.crawl_settings import crawler_process, import_http_handler, platform_settings
from runners.process_exit import leave
from runners.sweep import default_log_file

WHAT = ("规则抓取", "rules sweep")


class RulesSweepRequest(BaseModel):
    platforms: list[str] = Field(default_factory=list, description="Installed profiles; default: all with rules pages.")
    profile_files: list[Path] = Field(default_factory=list)
    pages: list[str] = Field(default_factory=list, description="Only these page names.")
    base_url: str | None = None
    log_file: Path | None = None

    def load_profiles(self) -> list[Profile]:
        """The profiles to sweep, validated; refuses a platform without rules pages or an unknown page name."""
        from crawler.profiles import available_profiles

        if self.platforms or self.profile_files:
            profiles = [load_profile(name) for name in self.platforms]
            profiles += [load_profile_file(path) for path in self.profile_files]
            for profile in profiles:
                if not profile.rules_pages:
                    raise TradewatchError(
                        f"平台 {profile.name} 的配置没有 rules_pages / profile {profile.name} has no rules_pages"
                    )
        else:
            profiles = [p for p in (load_profile(name) for name in available_profiles()) if p.rules_pages]
            if not profiles:
                raise TradewatchError("没有配置 rules_pages 的平台 / no platform profile has rules_pages")
        known = {page.name for profile in profiles for page in profile.rules_pages}
        unknown = [name for name in self.pages if name not in known]
        if unknown:
            raise TradewatchError(
                f"未知规则页面 / unknown rules page: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        if self.base_url:
            profiles = [profile.with_base_url(self.base_url) for profile in profiles]
        return profiles


def crawl_here(request: RulesSweepRequest) -> list[dict[str, Any]]:
    """Run the rules sweep in this process (the child). Returns every page's outcome."""
    import_http_handler()
    from scrapy.crawler import Crawler
    from scrapy.utils.project import get_project_settings

    from pipelines.rules_page import OUTCOMES
    from spiders.rules import RulesSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    profiles = request.load_profiles()
    base = get_project_settings()
    process = crawler_process(base, profiles, request.log_file)
    crawlers: list[Crawler] = []
    for profile in profiles:
        crawler = Crawler(RulesSpider, platform_settings(base, profile, request.log_file), init_reactor=not crawlers)
        crawlers.append(crawler)
        process.crawl(crawler, platform=profile, pages=request.pages)
    process.start()
    outcomes: list[dict[str, Any]] = []
    for crawler in crawlers:
        if crawler.stats:
            outcomes += crawler.stats.get_value(OUTCOMES) or []
    # A page whose processing failed in the crawl (an error in the log) still gets its line in the report.
    seen = {(outcome["platform"], outcome["page"]) for outcome in outcomes}
    wanted = [(p, page) for p in profiles for page in p.rules_pages if not request.pages or page.name in request.pages]
    for profile, page in wanted:
        if (profile.name, page.name) not in seen:
            url = page.resolved_url(profile.base_url)
            outcomes.append({"platform": profile.name, "page": page.name, "url": url, "problem": "failed"})
    return outcomes


def run_rules_sweep(request: RulesSweepRequest, *, timeout: float | None = None) -> list[dict[str, Any]]:
    """Validate the request here, then crawl in a child process; returns each page's outcome."""
    request.load_profiles()
    if request.log_file is None:
        request = request.model_copy(update={"log_file": default_log_file()})
    return list(run_child("runners.rules", request, what=WHAT, log_file=request.log_file, timeout=timeout))


def rules_sweep_job(platforms: list[str], *, base_url: str | None, timeout: float | None) -> dict[str, Any]:
    """The scheduler's weekly rules sweep: counts of what it stored; fails (TradewatchError) naming every page
    that could not be read, after the others were stored."""
    outcomes = run_rules_sweep(RulesSweepRequest(platforms=platforms, base_url=base_url), timeout=timeout)
    problems = [f"{o['platform']} {o['page']}: {o['problem']}" for o in outcomes if o.get("problem")]
    summary = {
        "pages": len(outcomes),
        "new_versions": sum(1 for o in outcomes if not o.get("problem") and not o.get("unchanged")),
        "unchanged": sum(1 for o in outcomes if o.get("unchanged")),
        "findings": sum(len(o.get("findings") or []) for o in outcomes),
        "follow_ups": sum(len(o.get("follow_ups") or []) for o in outcomes),
    }
    if problems:
        raise TradewatchError(f"规则页面未能读取 / rules pages not read: {'; '.join(problems)} ({summary})")
    return summary


if __name__ == "__main__":
    leave(child_main("rules", RulesSweepRequest, crawl_here))
