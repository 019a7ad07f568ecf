"""The recogniser's models with their graphs optimised once, kept in the cache, so that a worker starts faster.

ONNX Runtime optimises a model's graph each time it loads it (fusing operators, folding constants, and at its
"all" level, which RapidOCR asks for, laying convolutions out in blocks for the CPU's vector width): for
RapidOCR's three models about 0.1 CPU s of each OCR worker's start-up, which every sweep with photos pays. The
graph is optimised once and saved (`SessionOptions.optimized_model_filepath`), then loaded in its place. The
layout depends on the CPU, so on a machine whose CPU can be named (`/proc/cpuinfo`'s model and instruction
sets) the graph is saved at the "all" level and its copy named by that CPU too: loading it then costs 0.07 CPU s
instead of 0.1 (three models, load 24), and it computes the very same outputs; such a copy is loaded with the
runtime's optimisation off, as its passes would find nothing left to do (`recogniser`). Elsewhere it is saved at
the "extended" level, which is the same on every CPU, and the layout is still made at each load. Each copy is
also named by the ONNX Runtime version and the original file's name, size and time, so a new wheel or runtime
never loads a stale one. Building a copy costs about 0.3 CPU s, once; a cache that cannot be written only
means the wheel's models are loaded. RapidOCR's own configuration is kept there too, as JSON, so that a worker
needs no YAML parser (`default_config`).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib.util
import itertools
import json
import math
import os
import sys
import types
from pathlib import Path
from typing import Any

PARTS = (("Det", "det_model_path"), ("Cls", "cls_model_path"), ("Rec", "rec_model_path"))


def configured_folder() -> Path | None:
    """The folder of the optimised copies under tradewatch's cache (TRADEWATCH_CACHE_DIR); None where it is off."""
    from core.config import get_settings

    folder = get_settings().resolved_cache_dir
    return None if folder is None else folder / "ocr"


def _config_file() -> Path:
    """RapidOCR's own configuration file, found without importing the package where it lies beside it (as in
    1.4), else where its main module says: a release that moves it still gets its own."""
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or spec.origin is None:  # as importing it would say
        raise ModuleNotFoundError("No module named 'rapidocr_onnxruntime'", name="rapidocr_onnxruntime")
    path = Path(spec.origin).parent / "config.yaml"
    return path if path.is_file() else Path(_import_rapidocr().DEFAULT_CFG_PATH)


def default_config(folder: Path | None) -> dict[str, Any]:
    """RapidOCR's own configuration (its YAML file) as a dict, read from a JSON copy in `folder` (named by the
    file's content), made from the YAML file where missing. A worker then imports no YAML parser: PyYAML's
    import and its pure-Python parse of the file, which RapidOCR's constructor and `_sources` each made, were
    about 0.02 CPU s of each worker's start-up."""
    source = _config_file()
    # named by the file's bytes (about 2 kB): a release that changes it keeps its size and time is not read stale
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = None if folder is None else folder / f"config-{digest}.json"
    if target is not None:
        with contextlib.suppress(OSError, ValueError):
            config = json.loads(target.read_text(encoding="utf-8"))
            if _is_config(config):
                return config
    from rapidocr_onnxruntime.utils import read_yaml

    config = read_yaml(source)
    try:
        text = json.dumps(config)
    except (TypeError, ValueError):  # a value JSON cannot hold: the YAML file is read every time
        return config
    if target is not None and json.loads(text) == config:  # a copy that reads back as anything else is not kept
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(target)
        except OSError:  # a read-only or full cache: the YAML file is read again next time
            temporary.unlink(missing_ok=True)
    return config


def _is_config(config: Any) -> bool:
    """Whether a copy read back has RapidOCR's sections (a damaged or foreign file is made again from the YAML)."""
    return isinstance(config, dict) and all(isinstance(config.get(part), dict) for part in ("Global", *dict(PARTS)))


class _YamlWhenUsed(types.ModuleType):
    """Stands for PyYAML in RapidOCR's modules, which import it as they load but use it only to read their
    configuration file, which `recogniser` gives them as a dict: PyYAML is imported if it is ever used."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("yaml"), name)


class BoxPolygon:
    """A text box as RapidOCR's detector uses shapely's Polygon: its area and perimeter only (to widen the box by
    area / perimeter), computed in the order GEOS computes them, so to the last bit of each double. Shapely's
    import (GEOS and its own modules) was about 0.015 CPU s of each worker's start-up, for these two sums."""

    def __init__(self, points: Any) -> None:
        ring = [(float(x), float(y)) for x, y in points]
        if ring and ring[0] != ring[-1]:
            ring.append(ring[0])  # closed, as shapely closes a polygon's shell
        self.ring = ring

    @property
    def area(self) -> float:
        """GEOS's Area::ofRing: the shoelace formula from the first point's x."""
        ring = self.ring
        if len(ring) < 3:
            return 0.0
        x0 = ring[0][0]
        total = 0.0
        for i in range(1, len(ring) - 1):
            total += (ring[i][0] - x0) * (ring[i - 1][1] - ring[i + 1][1])
        return abs(total / 2.0)

    @property
    def length(self) -> float:
        """GEOS's Length::ofLine: the sides' lengths summed in order."""
        total = 0.0
        for (x0, y0), (x1, y1) in itertools.pairwise(self.ring):
            dx, dy = x1 - x0, y1 - y0
            total += math.sqrt(dx * dx + dy * dy)
        return total

    def __getattr__(self, name: str) -> Any:
        """Anything else a RapidOCR asks of its Polygon is shapely's own answer (shapely imported then)."""
        if name == "ring" or name.startswith("__"):  # not set yet, or a protocol (copy, numpy): not geometry
            raise AttributeError(name)
        from shapely.geometry import Polygon

        return getattr(Polygon(self.ring), name)


def _stand_ins() -> dict[str, types.ModuleType]:
    """What RapidOCR's modules are given for PyYAML and shapely's geometry while they are imported."""
    geometry = types.ModuleType("shapely.geometry")
    geometry.Polygon = BoxPolygon  # type: ignore[attr-defined]
    shapely = types.ModuleType("shapely")
    shapely.geometry = geometry  # type: ignore[attr-defined]
    return {"yaml": _YamlWhenUsed("yaml"), "shapely": shapely, "shapely.geometry": geometry}


def _import_rapidocr() -> Any:
    """RapidOCR's main module, imported without PyYAML or shapely (a worker imports neither otherwise); where
    either was imported already, or RapidOCR was, it is imported as it is."""
    names = ("yaml", "shapely", "shapely.geometry", "rapidocr_onnxruntime.utils")
    if any(name in sys.modules for name in names):
        return importlib.import_module("rapidocr_onnxruntime.main")
    stand_ins = _stand_ins()
    sys.modules.update(stand_ins)
    try:
        return importlib.import_module("rapidocr_onnxruntime.main")
    except ImportError:  # a RapidOCR that imports more of either: its modules imported again, as they are
        for name in [name for name in sys.modules if name.partition(".")[0] == "rapidocr_onnxruntime"]:
            del sys.modules[name]
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return importlib.import_module("rapidocr_onnxruntime.main")


def recogniser(config: dict[str, Any], *, as_saved: bool = False, **options: Any) -> Any:
    """RapidOCR's recogniser built with `config` as its own configuration (`default_config`) and `options`. With
    `as_saved` its models are copies optimised at ONNX Runtime's "all" level for this CPU (`optimised_models`),
    loaded with the runtime's graph optimisation off: every pass it would run again finds nothing left to do, and
    running them was about a third of loading the three models (ONNX Runtime's "offline mode")."""
    main = _import_rapidocr()
    default = main.DEFAULT_CFG_PATH
    read_file = main.read_yaml

    def read(path: str | Path) -> dict[str, Any]:
        return copy.deepcopy(config) if Path(path) == default else read_file(path)

    main.read_yaml = read  # RapidOCR reads its configuration file through this name of its module
    session = importlib.import_module("rapidocr_onnxruntime.utils").OrtInferSession  # each model's session
    own_options = session.__dict__["_init_sess_opts"]  # RapidOCR's options of a session (a staticmethod)
    if as_saved:
        session._init_sess_opts = staticmethod(_unoptimised(own_options.__func__))
    try:
        return main.RapidOCR(**options)
    finally:
        main.read_yaml = read_file
        session._init_sess_opts = own_options


def _unoptimised(session_options: Any) -> Any:
    """RapidOCR's session options (`session_options(config)`) with ONNX Runtime's graph optimisation off."""
    import onnxruntime

    def options(config: dict[str, Any]) -> Any:
        made = session_options(config)
        made.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        return made

    return options


def _sources(config: dict[str, Any]) -> dict[str, Path]:
    """RapidOCR's own model files, by the keyword that names each for its constructor."""
    paths = _import_rapidocr().update_model_path(copy.deepcopy(config))
    return {keyword: Path(paths[part]["model_path"]) for part, keyword in PARTS}


CPU_FIELDS = ("vendor_id", "model name", "flags", "CPU implementer", "CPU part", "Features")


def cpu_identity(cpuinfo: Path = Path("/proc/cpuinfo")) -> str | None:
    """The first processor's model and instruction sets as the kernel lists them; None where it lists none."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    first = text.split("\n\n", 1)[0]
    fields = [line for line in first.splitlines() if line.split(":", 1)[0].strip() in CPU_FIELDS]
    return "\n".join(fields) if any(line.startswith(("flags", "Features")) for line in fields) else None


def _name(source: Path, runtime: str, cpu: str | None) -> str:
    """The copy's file name: by runtime, source file and (for a copy laid out for it) CPU."""
    status = source.stat()
    key = f"{runtime}\0{source.name}\0{status.st_size}\0{status.st_mtime_ns}"
    if cpu is not None:
        key += f"\0{cpu}"
    return f"{source.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.onnx"


def _optimise(source: Path, target: Path, *, for_cpu: bool) -> None:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    levels = onnxruntime.GraphOptimizationLevel
    options.graph_optimization_level = levels.ORT_ENABLE_ALL if for_cpu else levels.ORT_ENABLE_EXTENDED
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    options.optimized_model_filepath = str(temporary)
    try:
        onnxruntime.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def optimised_models(folder: Path, config: dict[str, Any]) -> tuple[dict[str, str], bool]:
    """RapidOCR's keyword arguments that load each model's optimised copy from `folder`, made where missing, and
    whether the copies were optimised at the "all" level for this CPU (then loaded as they are saved,
    `recogniser`'s `as_saved`); ({}, False) where that fails (a read-only or full cache): the wheel's models are
    then loaded as they are. `config` is RapidOCR's configuration (`default_config`)."""
    import onnxruntime

    try:
        cpu = cpu_identity()
        paths = {}
        for keyword, source in _sources(config).items():
            target = folder / _name(source, onnxruntime.__version__, cpu)
            if not target.is_file():
                folder.mkdir(parents=True, exist_ok=True)
                _optimise(source, target, for_cpu=cpu is not None)
            paths[keyword] = str(target)
    except Exception:  # ONNX Runtime's own errors have no common base; the copies are only an optimisation
        return {}, False
    return paths, cpu is not None


def discard(paths: dict[str, str]) -> None:
    """Remove copies that did not load, so that the next worker makes them again."""
    for path in paths.values():
        with contextlib.suppress(OSError):
            Path(path).unlink()
