"""Installed versions are at or above the releases that fixed the crawler's published advisories, and the
declared ranges of the libraries whose internals the crawler leans on admit only the release the tests run on."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

MINIMUMS = {
    # decompression bombs (brotli/gzip/deflate) were fixed in Scrapy 2.13.4 together with brotli 1.2.0
    "scrapy": "2.13.4",
    "brotli": "1.2.0",
    # Authorization and Proxy-Authorization leaked on cross-domain redirects before 2.11.2 (covered above)
    "twisted": "23.10.0",
}


@pytest.mark.parametrize(("package", "minimum"), MINIMUMS.items())
def test_installed_version_has_the_fix(package: str, minimum: str):
    assert Version(version(package)) >= Version(minimum), f"{package} must be >= {minimum}"


def test_project_requirements_do_not_allow_vulnerable_releases():
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    declared = {req.name.lower(): req for req in map(Requirement, requires("tradewatch") or [])}
    for package, vulnerable in (("scrapy", "2.13.3"), ("scrapy", "2.11.1"), ("brotli", "1.1.0")):
        assert not declared[package].specifier.contains(vulnerable), f"{package} {vulnerable} must be excluded"


def test_scrapy_is_allowed_only_in_the_release_series_the_tests_run_on():
    """The engine slot the distributed scheduler acknowledges from, the starting engine the crawl process stops
    and the download handler's close() the browser handler overrides are checked by these tests on the
    installed Scrapy only: pyproject.toml admits no earlier or later minor release, which the tests never ran
    on (it admitted 2.14 to 2.19 while they ran on 2.19)."""
    from packaging.requirements import Requirement

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    (declared,) = [
        req for req in map(Requirement, pyproject["project"]["dependencies"]) if req.name.lower() == "scrapy"
    ]
    installed = Version(version("scrapy"))
    major, minor = installed.release[:2]
    assert declared.specifier.contains(installed)
    assert not declared.specifier.contains(f"{major}.{minor - 1}.99"), f"{declared} admits a release never tested"
    assert not declared.specifier.contains(f"{major}.{minor + 1}.0"), f"{declared} admits a release never tested"
