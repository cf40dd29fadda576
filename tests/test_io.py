"""Loading: formats, modes, EXIF orientation, limits and bad input."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from footprint.errors import (
    ImageLoadError,
    ImageTooLargeError,
    ImageTooSmallError,
    UnsupportedFormatError,
)
from footprint.io import load_image, strip_metadata
from footprint.params import LoadParams


def _pattern(w: int = 400, h: int = 300) -> np.ndarray:
    rng = np.random.default_rng(0)
    img = np.zeros((h, w, 3), np.uint8)
    img[: h // 2, : w // 2] = (200, 30, 30)  # red top-left block marks orientation
    img[h // 2 :, w // 2 :] = (30, 30, 200)
    img[: h // 2, w // 2 :] = (235, 235, 235)  # a white block
    img += rng.integers(0, 10, img.shape, dtype=np.uint8)
    return img


def _encode(arr: np.ndarray, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "BMP", "HEIF"])
def test_formats_load_as_rgb_uint8(fmt: str) -> None:
    data = _encode(_pattern(), fmt)
    img = load_image(data)
    assert img.rgb.dtype == np.uint8 and img.rgb.shape == (300, 400, 3)
    top_left = img.rgb[:100, :150].reshape(-1, 3).mean(axis=0)
    assert top_left[0] > 150 and top_left[2] < 90  # still red: RGB order, not BGR
    assert len(img.sha256) == 64


@pytest.mark.parametrize("mode", ["L", "I;16", "RGBA", "P", "CMYK", "LA", "1"])
def test_modes_are_normalised(mode: str) -> None:
    base = Image.fromarray(_pattern())
    if mode == "I;16":
        arr = (np.asarray(base.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
        im = Image.fromarray(arr)
    else:
        im = base.convert(mode)
    buf = io.BytesIO()
    im.save(buf, format="TIFF" if mode in ("CMYK", "I;16") else "PNG")
    out = load_image(buf.getvalue())
    assert out.rgb.shape == (300, 400, 3) and out.rgb.dtype == np.uint8
    assert out.rgb[:100, 250:].mean() > 180  # the white block stays light


def test_exif_orientation_is_applied_once() -> None:
    arr = _pattern()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to display
    data = _encode(arr, "JPEG", exif=exif.tobytes(), quality=95)
    img = load_image(data)
    assert img.rgb.shape == (400, 300, 3)
    assert img.full_size == (300, 400)
    # the red block (top-left in the stored pixels) is top-right after a 90 deg CW turn
    assert img.rgb[:150, 200:, 0].mean() > 150 and img.rgb[:150, 200:, 1].mean() < 90


def test_large_jpeg_is_decoded_at_reduced_size() -> None:
    arr = np.full((3024, 4032, 3), 128, np.uint8)
    data = _encode(arr, "JPEG", quality=80)
    img = load_image(data, LoadParams(work_long_side_px=1000))
    assert max(img.rgb.shape[:2]) <= 1500
    assert img.full_size == (4032, 3024)
    assert img.scale == pytest.approx(4032 / img.rgb.shape[1])


def test_full_resolution_on_request() -> None:
    data = _encode(np.full((1600, 2400, 3), 100, np.uint8), "JPEG")
    assert load_image(data, full_resolution=True).rgb.shape == (1600, 2400, 3)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", ImageLoadError),
        (b"this is not an image at all", UnsupportedFormatError),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", UnsupportedFormatError),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", UnsupportedFormatError),
    ],
)
def test_bad_bytes_give_typed_errors(data: bytes, error: type) -> None:
    with pytest.raises(error) as info:
        load_image(data)
    assert len(str(info.value)) > 20  # a sentence, not a code


def test_truncated_jpeg_is_a_load_error() -> None:
    data = _encode(_pattern(800, 600), "JPEG")
    with pytest.raises(ImageLoadError, match="damaged or incomplete"):
        load_image(data[: len(data) // 3])


def test_pixel_limit_is_checked_from_the_header() -> None:
    # a PNG header claiming 30000 x 30000 is refused without decoding
    data = _encode(np.zeros((3000, 3000), np.uint8), "PNG", optimize=True)
    with pytest.raises(ImageTooLargeError, match="MP"):
        load_image(data, LoadParams(max_pixels=1_000_000))


def test_tiny_images_are_refused() -> None:
    with pytest.raises(ImageTooSmallError):
        load_image(_encode(np.zeros((10, 10, 3), np.uint8), "PNG"))


def test_missing_file_and_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImageLoadError, match="not found"):
        load_image(tmp_path / "nope.jpg")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)


def test_arrays_are_accepted() -> None:
    img = load_image(np.zeros((200, 300), np.uint8))
    assert img.rgb.shape == (200, 300, 3) and img.format == "array"


def test_strip_metadata_removes_gps() -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[2] = (51.0, 30.0, 0.0)
    data = _encode(_pattern(), "JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    clean, suffix = strip_metadata(data)
    out = Image.open(io.BytesIO(clean))
    assert suffix == ".jpg"
    assert not out.getexif().get_ifd(0x8825)
    assert len(out.getexif()) == 0
