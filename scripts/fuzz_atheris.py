"""Coverage-guided fuzzing of the loader and the analysis with atheris (libFuzzer).

Optional, not part of the tests: ``pip install atheris`` (wheels for CPython
3.8-3.11 on Linux x86-64; built from source elsewhere, which needs clang). The
footprint package and Pillow's Python plugins are instrumented, so libFuzzer
mutates towards new code paths. Every input goes through ``load_image`` and,
unless ``--load-only``, ``analyse``; a ``FootprintError`` is an accepted
outcome, anything else is a crash that libFuzzer saves as ``crash-<sha1>``
(reproduce it with ``scripts/fuzz_atheris.py crash-<sha1>``).

The seed corpus (written to a temporary folder unless a corpus folder is given)
is the real JPEG/PNG/HEIC/WebP/TIFF/BMP/GIF files and the bombs of
``tests/fuzz_inputs.py``.

Usage::

    .venv/bin/python scripts/fuzz_atheris.py --load-only -atheris_runs=200000 \\
        -max_len=65536 -rss_limit_mb=2048 -timeout=30 -artifact_prefix=/tmp/fp-
    .venv/bin/python scripts/fuzz_atheris.py -max_total_time=3600 -rss_limit_mb=2048 \\
        -timeout=60 -artifact_prefix=/tmp/fp- /tmp/fp-corpus

``-rss_limit_mb`` makes libFuzzer report an input that needs more memory as a
crash, ``-timeout`` one that takes longer as a hang.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

try:
    import atheris
except ImportError:  # pragma: no cover - optional tool
    sys.exit("atheris is not installed: pip install atheris (see docs/security.md)")

with atheris.instrument_imports(include=["footprint", "PIL"]):
    from footprint import analyse
    from footprint.errors import FootprintError
    from footprint.io import load_image

LOAD_ONLY = "--load-only" in sys.argv


def test_one_input(data: bytes) -> None:
    """One libFuzzer input: a typed error or a result, nothing else."""
    try:
        load_image(data)
    except FootprintError:
        return
    if LOAD_ONLY:
        return
    try:
        analyse(data)
    except FootprintError:
        pass


def seed_corpus() -> str:
    """A temporary folder with the real files and bombs of ``tests/fuzz_inputs.py``."""
    import fuzz_inputs as fz
    import numpy as np

    folder = Path(tempfile.mkdtemp(prefix="footprint-atheris-corpus-"))
    for fmt in fz.REAL_FORMATS:
        (folder / f"real-{fmt.lower()}").write_bytes(fz.real_file(fmt))
    for k, name in enumerate(fz.BOMB_KINDS):
        data = fz.bomb(np.random.default_rng(k), k)
        if len(data) < 100_000:
            (folder / f"bomb-{name}").write_bytes(data)
    return str(folder)


def main() -> None:
    warnings.simplefilter("ignore")  # Pillow's notes on corrupt EXIF etc.: expected here
    argv = [a for a in sys.argv if a != "--load-only"]
    if not any(not a.startswith("-") for a in argv[1:]):  # no corpus or crash file given
        argv.append(seed_corpus())
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
