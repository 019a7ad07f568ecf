"""The recogniser's models with their graphs optimised once, kept in the cache, so that a worker starts faster.

ONNX Runtime optimises a model's graph each time it loads it (fusing operators, folding constants, and at its
"all" level, which RapidOCR asks for, laying convolutions out in blocks for the CPU's vector width): for
RapidOCR's three models about 0.1 CPU s of each OCR worker's start-up, which every sweep with photos pays. The
graph is optimised once and saved (`SessionOptions.optimized_model_filepath`), then loaded in its place. The
layout depends on the CPU, so on a machine whose CPU can be named (`/proc/cpuinfo`'s model and instruction
sets) the graph is saved at the "all" level and its copy named by that CPU too: loading it then costs 0.07 CPU s
instead of 0.1 (three models, load 24), and it computes the very same outputs. Elsewhere it is saved at the
"extended" level, which is the same on every CPU, and the layout is still made at each load. Each copy is
also named by the ONNX Runtime version and the original file's name, size and time, so a new wheel or runtime
never loads a stale one. Building a copy costs about 0.3 CPU s, once; a cache that cannot be written only
means the wheel's models are loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

PARTS = (("Det", "det_model_path"), ("Cls", "cls_model_path"), ("Rec", "rec_model_path"))


def configured_folder() -> Path | None:
    """The folder of the optimised copies under tradewatch's cache (TRADEWATCH_CACHE_DIR); None where it is off."""
    from core.config import get_settings

    folder = get_settings().resolved_cache_dir
    return None if folder is None else folder / "ocr"


def _sources() -> dict[str, Path]:
    """RapidOCR's own model files, by the keyword that names each for its constructor."""
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    config = update_model_path(read_yaml(str(DEFAULT_CFG_PATH)))
    return {keyword: Path(config[part]["model_path"]) for part, keyword in PARTS}


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


def optimised_models(folder: Path) -> dict[str, str]:
    """RapidOCR's keyword arguments that load each model's optimised copy from `folder`, made where missing;
    {} where that fails (a read-only or full cache): the wheel's models are then loaded as they are."""
    import onnxruntime

    try:
        cpu = cpu_identity()
        paths = {}
        for keyword, source in _sources().items():
            target = folder / _name(source, onnxruntime.__version__, cpu)
            if not target.is_file():
                folder.mkdir(parents=True, exist_ok=True)
                _optimise(source, target, for_cpu=cpu is not None)
            paths[keyword] = str(target)
    except Exception:  # ONNX Runtime's own errors have no common base; the copies are only an optimisation
        return {}
    return paths


def discard(paths: dict[str, str]) -> None:
    """Remove copies that did not load, so that the next worker makes them again."""
    for path in paths.values():
        with contextlib.suppress(OSError):
            Path(path).unlink()
