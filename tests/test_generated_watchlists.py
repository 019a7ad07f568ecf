"""The generated watchlists are what their build scripts write. Each script runs once into a copy of the watchlist
folder (a script reads the other watchlists beside the file it writes) under an arbitrary hash seed, and the
shipped files must be byte-identical to its output: a term added to a hand-written list (a ``requires`` word of
prohibited.yaml) or a script change not followed by a re-run fails here with the command that mends it. The
species builder also refuses a trade name it cannot place under a listed species.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WATCHLISTS = ROOT / "pipelines" / "watchlists"

# script -> (the files it writes, whether it reads ../shared/data)
GENERATORS: dict[str, tuple[tuple[str, ...], bool]] = {
    "build_goods_emoji.py": (("goods_emoji.yaml",), False),
    "build_dictionary_aliases.py": (("dictionary_aliases.yaml",), True),
    "build_wildlife_watchlist.py": (("wildlife_species.yaml", "prohibited_weapons_lexicon.yaml"), True),
}


@pytest.fixture(scope="module", params=sorted(GENERATORS))
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(script, folder it wrote into): the script run once, as its usage line says, with ``--out`` a copy."""
    script = request.param
    out = tmp_path_factory.mktemp(script.removesuffix(".py"))
    for path in WATCHLISTS.glob("*.yaml"):
        shutil.copyfile(path, out / path.name)
    command = [sys.executable, str(ROOT / "scripts" / script), "--out", str(out)]
    if GENERATORS[script][1]:
        command += ["--data", str(request.getfixturevalue("shared_data"))]
    # no PYTHONHASHSEED: the output must not depend on the order of a set or a dict of strings
    env = {key: value for key, value in os.environ.items() if key != "PYTHONHASHSEED"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"scripts/{script} failed:\n{done.stderr[-3000:]}"
    return script, out


def test_each_shipped_generated_watchlist_is_what_its_script_writes(generated: tuple[str, Path]) -> None:
    script, out = generated
    for name in GENERATORS[script][0]:
        shipped = (WATCHLISTS / name).read_text(encoding="utf-8")
        written = (out / name).read_text(encoding="utf-8")
        if shipped != written:
            diff = difflib.unified_diff(
                shipped.splitlines(), written.splitlines(), f"shipped {name}", f"{script} output", lineterm="", n=1
            )
            pytest.fail(
                f"pipelines/watchlists/{name} is not what scripts/{script} writes; regenerate it with "
                f"`python scripts/{script}` and commit the result. First differences:\n" + "\n".join(list(diff)[:40]),
                pytrace=False,
            )


def test_the_species_builder_refuses_a_trade_name_of_a_species_the_list_does_not_name(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A trade name is a term of its species' category: one keyed by a name the national list does not hold (a
    typo, a renamed species) would have no category and must stop the build, not vanish from it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_wildlife_watchlist", ROOT / "scripts" / "build_wildlife_watchlist.py"
    )
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    monkeypatch.setattr(builder, "TRADE_NAMES", {**builder.TRADE_NAMES, "九节狸猫": [("九节狸", "not a listed name")]})
    for path in WATCHLISTS.glob("*.yaml"):
        shutil.copyfile(path, tmp_path / path.name)
    with pytest.raises(SystemExit, match="九节狸猫"):
        builder.build_species(shared_data, out=tmp_path)
