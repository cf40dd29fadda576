"""footprint: measurements from a phone photo of a wet, ink or podograph footprint.

The one entry point for analysis is :func:`footprint.analyse`::

    >>> import footprint
    >>> result = footprint.analyse("print.jpg")          # doctest: +SKIP
    >>> result.feet[0].arch_index                        # doctest: +SKIP
    0.231

Results are screening information, not a diagnosis.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("footprint")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+source"

from footprint.errors import (  # noqa: E402
    AnatomyError,
    CalibrationError,
    FootprintError,
    ImageLoadError,
    NoFootprintError,
    UnclearPrintError,
)

__all__ = [
    "AnatomyError",
    "CalibrationError",
    "FootprintError",
    "ImageLoadError",
    "NoFootprintError",
    "UnclearPrintError",
    "__version__",
    "analyse",
]


def analyse(source, **options):  # type: ignore[no-untyped-def]
    """Analyse a photo of a footprint; see :func:`footprint.pipeline.analyse`."""
    from footprint.pipeline import analyse as _analyse

    return _analyse(source, **options)
