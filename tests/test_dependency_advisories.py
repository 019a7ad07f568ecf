"""Installed versions are at or above the releases that fixed the crawler's published advisories."""

from __future__ import annotations

from importlib.metadata import version

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
