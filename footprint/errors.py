"""Typed errors of the footprint analyser.

Every error says what went wrong *and what the user can do about it*. Callers
(the CLI, the app, batch scoring) catch :class:`FootprintError` and show
``str(err)``; they never need a traceback to explain a failure.

Each subclass carries a short machine-readable ``code`` used in batch output
and exit-code mapping.
"""

from __future__ import annotations


class FootprintError(Exception):
    """Base class of every error the analyser raises on purpose."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImageLoadError(FootprintError):
    """The input could not be read as an image (empty, truncated, not an image)."""

    code = "unreadable"


class UnsupportedFormatError(ImageLoadError):
    """The input is a file type the analyser does not read."""

    code = "unsupported"


class ImageTooLargeError(ImageLoadError):
    """The image has more pixels than the configured limit (decompression-bomb guard)."""

    code = "too_large"


class ImageTooSmallError(ImageLoadError):
    """The image is too small to hold a measurable footprint."""

    code = "too_small"


class NoFootprintError(FootprintError):
    """No footprint could be found in the image."""

    code = "no_footprint"


class UnclearPrintError(NoFootprintError):
    """A print-like mark was found but is too faint or unclear to measure reliably.

    Raised when every candidate foot's quality is below
    :attr:`footprint.params.AnatomyParams.min_quality`: measuring it would give
    a made-up number (on generated photos, such marks were floor texture or a
    partly segmented print).
    """

    code = "unclear_print"


class CalibrationError(FootprintError):
    """A scale reference was requested or given but could not be used."""

    code = "calibration"


class AnatomyError(FootprintError):
    """The print was found but heel, sole or toes could not be located."""

    code = "anatomy"


class ParameterError(FootprintError, ValueError):
    """A parameter value is out of its valid range."""

    code = "parameter"
