"""Loading images: the only place where file formats and colour order are decided.

Sources may be a path, raw bytes, a binary file object or a numpy array. Files
are decoded with Pillow (HEIC/HEIF through pillow-heif); the EXIF orientation is
applied exactly once; every mode (grayscale, 16-bit, alpha, palette, CMYK) is
normalised to RGB uint8. The pixel count is checked from the header before any
full decode, and JPEGs are decoded in the DCT domain at 1/2, 1/4 or 1/8 size
when the analysis does not need full resolution.
"""

from __future__ import annotations

import hashlib
import io as _io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from footprint.errors import (
    ImageLoadError,
    ImageTooLargeError,
    ImageTooSmallError,
    UnsupportedFormatError,
)
from footprint.params import LoadParams

log = logging.getLogger(__name__)

try:  # HEIC / HEIF support
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - declared dependency
    HEIF_SUPPORTED = False

#: Pillow format names accepted as input.
SUPPORTED_FORMATS: frozenset[str] = frozenset(
    {"JPEG", "MPO", "PNG", "WEBP", "TIFF", "BMP", "HEIF", "AVIF", "GIF"}
)

#: File suffixes (lower case) a folder scan considers images.
IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".gif"}
)

Source = Union[str, Path, bytes, bytearray, memoryview, BinaryIO, np.ndarray]  # noqa: UP007

_HELP = "Save the photo as JPEG, PNG, WebP, TIFF, BMP or HEIC and try again."

#: [1] Longest side / shortest side of an accepted image. A print with its sheet
#: is at most ~3:1 and phone panoramas ~20:9; a 64 x 59000 image would be reduced to
#: a 1-pixel-wide work image.
MAX_ASPECT_RATIO = 10.0


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image ready for analysis.

    Attributes
    ----------
    rgb : (H, W, 3) ndarray of uint8
        RGB pixels at work resolution, EXIF orientation applied.
    full_size : (int, int)
        (width, height) of the full-resolution image after EXIF orientation.
    scale : float
        Full-resolution pixels per work pixel (>= 1).
    sha256 : str
        SHA-256 of the input bytes (of the array bytes for array input).
    format : str
        Pillow format name, or ``"array"``.
    name : str
        File name, or ``"<bytes>"`` / ``"<array>"``.
    """

    rgb: np.ndarray
    full_size: tuple[int, int]
    scale: float
    sha256: str
    format: str
    name: str


def _read_bytes(source: Source) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise ImageLoadError(f"File not found: {path}. Check the path.") from exc
        except IsADirectoryError as exc:
            raise ImageLoadError(f"{path} is a folder, not an image file.") from exc
        except OSError as exc:
            raise ImageLoadError(f"Could not read {path}: {exc.strerror or exc}.") from exc
        return data, path.name
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "<bytes>"
    if hasattr(source, "read"):
        data = source.read()
        if not isinstance(data, (bytes, bytearray)):
            raise ImageLoadError("The file object did not return bytes; open it in binary mode.")
        return bytes(data), str(getattr(source, "name", "<stream>"))
    raise ImageLoadError(
        f"Cannot load an image from a {type(source).__name__}; give a path, bytes or an array."
    )


def _orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block must not stop loading
        return 1


#: Rows converted at a time: mode conversions work strip by strip, so a 50 MP
#: 16-bit, float, alpha or palette image needs about one RGB copy of memory
#: instead of several full-size float64 or RGBA intermediates.
_STRIP_ROWS = 256

_INT_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I"})


def _int_to_rgb(img: Image.Image) -> np.ndarray:
    """16/32-bit integer grey to RGB uint8: 0..65535 (or 0..255 when all values fit) to 0..255."""
    arr = np.asarray(img)
    hi = 65535.0 if arr.max(initial=0) > 255 else 255.0
    # the same values as clip(arr / hi * 255 + 0.5), looked up one byte per pixel
    lut = np.clip(np.arange(65536, dtype=np.float64) / hi * 255.0 + 0.5, 0, 255).astype(np.uint8)
    out = np.empty((*arr.shape, 3), np.uint8)
    for y0 in range(0, arr.shape[0], _STRIP_ROWS):
        strip = arr[y0 : y0 + _STRIP_ROWS]
        if strip.dtype != np.uint16:
            strip = np.clip(strip, 0, 65535).astype(np.uint16)
        out[y0 : y0 + _STRIP_ROWS] = lut[strip][:, :, None]
    return out


def _float_to_rgb(img: Image.Image) -> np.ndarray:
    """Float grey to RGB uint8, stretched over its finite range; NaN -> 0, +inf -> 255."""
    arr = np.asarray(img, dtype=np.float32)
    finite = np.isfinite(arr)
    if finite.any():
        lo = float(np.min(arr, where=finite, initial=np.inf))
        hi = float(np.max(arr, where=finite, initial=-np.inf))
    else:
        lo = hi = 0.0
    span = hi - lo if hi > lo else 1.0
    out = np.empty((*arr.shape, 3), np.uint8)
    with np.errstate(invalid="ignore", over="ignore"):
        for y0 in range(0, arr.shape[0], _STRIP_ROWS):
            s = (arr[y0 : y0 + _STRIP_ROWS].astype(np.float64) - lo) / span * 255.0 + 0.5
            s = np.nan_to_num(s, nan=0.0, posinf=255.0, neginf=0.0)
            out[y0 : y0 + _STRIP_ROWS] = np.clip(s, 0, 255).astype(np.uint8)[:, :, None]
    return out


def _strip_convert(img: Image.Image, alpha: bool) -> np.ndarray:
    """Convert ``img`` to RGB (alpha composited on white) strip by strip."""
    w, h = img.size
    out = np.empty((h, w, 3), np.uint8)
    for y0 in range(0, h, _STRIP_ROWS):
        y1 = min(h, y0 + _STRIP_ROWS)
        strip = img.crop((0, y0, w, y1))
        if alpha:
            rgba = strip.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            strip = Image.alpha_composite(background, rgba)
        out[y0:y1] = np.asarray(strip.convert("RGB"), dtype=np.uint8)
    return out


def _to_rgb_uint8(img: Image.Image) -> np.ndarray:
    """Normalise any Pillow mode to RGB uint8 (alpha composited on white)."""
    mode = img.mode
    if mode in _INT_MODES:
        return _int_to_rgb(img)
    if mode == "F":
        return _float_to_rgb(img)
    if mode == "RGB":
        return np.asarray(img, dtype=np.uint8)
    alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        mode == "P" and "transparency" in img.info
    )
    return _strip_convert(img, alpha)  # P, L, 1, CMYK, YCbCr, LAB, HSV and alpha modes


def _from_array(arr: np.ndarray, params: LoadParams) -> LoadedImage:
    a = np.asarray(arr)
    if a.dtype == np.bool_:
        a = a.astype(np.uint8) * 255
    elif not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise ImageLoadError(
            f"An image array must hold integer or real numbers, not {a.dtype}; "
            "convert it to uint8 RGB first."
        )
    if not (a.ndim == 2 or a.ndim == 3 and a.shape[2] in (3, 4)):
        raise ImageLoadError(
            f"An image array must be (H, W), (H, W, 3) or (H, W, 4); got shape {a.shape}."
        )
    _check_size(a.shape[1], a.shape[0], params)  # before any full-size copy
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    if a.shape[2] == 4:
        a = a[:, :, :3]
    if a.dtype != np.uint8:
        if np.issubdtype(a.dtype, np.floating):
            a = np.nan_to_num(a.astype(np.float64))
            a = np.clip(a * (255.0 if a.max(initial=0) <= 1.0 else 1.0), 0, 255).astype(np.uint8)
        elif a.dtype == np.uint16:
            a = (a >> 8).astype(np.uint8)
        else:
            a = np.clip(a, 0, 255).astype(np.uint8)
    h, w = a.shape[:2]
    digest = hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
    rgb, scale = _reduce(np.ascontiguousarray(a), params)
    return LoadedImage(rgb, (w, h), scale, digest, "array", "<array>")


def _check_size(w: int, h: int, params: LoadParams) -> None:
    if w * h > params.max_pixels:
        raise ImageTooLargeError(
            f"The image is {w} x {h} pixels ({w * h / 1e6:.0f} MP), more than the limit of "
            f"{params.max_pixels / 1e6:.0f} MP. Resize it or raise the pixel limit."
        )
    if min(w, h) < params.min_side_px:
        raise ImageTooSmallError(
            f"The image is only {w} x {h} pixels; a measurable footprint photo needs at least "
            f"{params.min_side_px} pixels on each side."
        )
    if max(w, h) > MAX_ASPECT_RATIO * min(w, h):
        raise ImageTooSmallError(
            f"The image is {w} x {h} pixels, {max(w, h) / min(w, h):.0f} times longer than it "
            f"is wide; a footprint photo is at most {MAX_ASPECT_RATIO:.0f}:1. Crop it less "
            "tightly or take the photo again."
        )


def _reduce(rgb: np.ndarray, params: LoadParams) -> tuple[np.ndarray, float]:
    """Downscale an array so its long side is about the work size (area averaging)."""
    import cv2

    h, w = rgb.shape[:2]
    long_side = max(h, w)
    if long_side <= params.work_long_side_px * 1.5:
        return rgb, 1.0
    factor = long_side / params.work_long_side_px
    size = (max(1, round(w / factor)), max(1, round(h / factor)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return small, w / size[0]


def load_image(
    source: Source, params: LoadParams | None = None, *, full_resolution: bool = False
) -> LoadedImage:
    """Load an image for analysis.

    Parameters
    ----------
    source : path, bytes, binary file object or ndarray
        The photo. Arrays are taken as RGB(A) or grayscale.
    params : LoadParams, optional
        Pixel limit and work resolution.
    full_resolution : bool
        Decode at full size instead of the work resolution.

    Returns
    -------
    LoadedImage

    Raises
    ------
    ImageLoadError
        Empty, truncated or unreadable input.
    UnsupportedFormatError
        A readable file of a type the analyser does not accept (e.g. PDF, SVG).
    ImageTooLargeError
        More pixels than ``params.max_pixels``; raised from the header, before decoding.
    ImageTooSmallError
        Fewer than ``params.min_side_px`` pixels on a side.
    """
    params = params or LoadParams()
    if isinstance(source, np.ndarray):
        return _from_array(source, params)
    data, name = _read_bytes(source)
    if not data:
        raise ImageLoadError(f"{name} is empty (0 bytes). Choose the photo file itself.")
    digest = hashlib.sha256(data).hexdigest()
    with warnings.catch_warnings():
        # Pillow warns about (and, past 2x its limit, refuses) huge images; we check ourselves.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        # notes on damaged metadata (corrupt EXIF, bad TIFF tags): the pixels decide
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        saved_limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            try:
                img = Image.open(_io.BytesIO(data))
            except UnidentifiedImageError as exc:
                raise UnsupportedFormatError(
                    f"{name} is not an image the analyser can read. {_HELP}"
                ) from exc
            except Exception as exc:  # noqa: BLE001 - any decoder failure is a load error
                raise ImageLoadError(f"{name} could not be opened: {exc}. {_HELP}") from exc
            fmt = img.format or "unknown"
            if fmt not in SUPPORTED_FORMATS:
                raise UnsupportedFormatError(
                    f"{name} is a {fmt} file, which is not supported. {_HELP}"
                )
            w, h = img.size
            # before reading EXIF: Pillow decodes a whole PNG to find its eXIf chunk
            _check_size(w, h, params)
            orientation = _orientation(img)
            full_w, full_h = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
            if not full_resolution and fmt in ("JPEG", "MPO"):
                target = params.work_long_side_px
                long_side = max(w, h)
                if long_side > 1.5 * target:
                    ratio = long_side / target
                    img.draft("RGB", (max(1, int(w / ratio)), max(1, int(h / ratio))))
            try:
                if getattr(img, "n_frames", 1) > 1:  # counting frames reads every header
                    img.seek(0)  # animated: analyse the first frame
                img.load()
            except Exception as exc:  # noqa: BLE001 - truncated or corrupt data
                raise ImageLoadError(
                    f"{name} is damaged or incomplete ({exc}). Copy the photo again from the phone."
                ) from exc
            try:
                img = ImageOps.exif_transpose(img) if orientation != 1 else img
                rgb = _to_rgb_uint8(img)
            except (ValueError, OSError) as exc:  # a mode or layout Pillow cannot convert
                raise ImageLoadError(
                    f"{name} uses a pixel format that cannot be converted to colour ({exc}). "
                    f"{_HELP}"
                ) from exc
        finally:
            Image.MAX_IMAGE_PIXELS = saved_limit
    scale = full_w / rgb.shape[1]
    if not full_resolution:
        rgb, extra = _reduce(rgb, params)
        scale *= extra
    return LoadedImage(np.ascontiguousarray(rgb), (full_w, full_h), float(scale), digest, fmt, name)


def strip_metadata(data: bytes, *, quality: int = 92) -> tuple[bytes, str]:
    """Re-encode an image without EXIF, GPS, XMP or other metadata.

    The EXIF orientation is applied to the pixels first, so the picture looks the
    same. Returns the new bytes and the file suffix (``.jpg`` or ``.png``).
    """
    loaded = load_image(data, LoadParams(max_pixels=LoadParams().max_pixels), full_resolution=True)
    out = _io.BytesIO()
    img = Image.fromarray(loaded.rgb)
    if loaded.format in ("JPEG", "MPO", "HEIF", "AVIF", "WEBP"):
        img.save(out, format="JPEG", quality=quality)
        return out.getvalue(), ".jpg"
    img.save(out, format="PNG")
    return out.getvalue(), ".png"
