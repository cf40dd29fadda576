"""Seeded hostile and broken inputs for the fuzz tests and ``scripts/fuzz.py``.

Every input is made from a seed (``np.random.default_rng``), so a failure is
reproduced by its family and seed alone. Real files are encoded here with
Pillow / pillow-heif from a small drawn photo of two prints on an A4 sheet
(:func:`base_rgb`), then truncated, bit-flipped or given lying headers; bombs
and odd headers are written byte by byte.

Families
--------
``random_bytes``  random bytes, 0-4096 long
``magic_random``  a real format signature followed by random bytes
``truncated``     a real JPEG/PNG/HEIC/WebP/TIFF/BMP/GIF cut short
``bitflip``       a real file with flipped bits or overwritten runs
``lying_header``  a real file whose header states other sizes / depths
``geometry``      1x1, 1x100000, 100000x1 and other extreme shapes
``mode``          16-bit, float, alpha, CMYK, palette, 1-bit, animated GIF/WebP,
                  multi-page TIFF, HEIC with alpha, every EXIF orientation
``bomb``          small files claiming huge images (PNG 30000x30000 and others)
``array``         numpy arrays of odd shapes and dtypes, NaN and infinity
``photo``         the real photo, cropped / scaled / rotated / darkened / noised
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from typing import Any

import numpy as np
from PIL import Image

FAMILIES: tuple[str, ...] = (
    "random_bytes",
    "magic_random",
    "truncated",
    "bitflip",
    "lying_header",
    "geometry",
    "mode",
    "bomb",
    "array",
    "photo",
)

#: Families in the long run, with their weights (cheap families more often).
WEIGHTS: dict[str, float] = {
    "random_bytes": 0.16,
    "magic_random": 0.12,
    "truncated": 0.14,
    "bitflip": 0.14,
    "lying_header": 0.12,
    "geometry": 0.06,
    "mode": 0.08,
    "bomb": 0.06,
    "array": 0.06,
    "photo": 0.06,
}

#: Formats of the real files that are truncated, flipped and given lying headers.
REAL_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "HEIF", "WEBP", "TIFF", "BMP", "GIF")

MAGICS: tuple[bytes, ...] = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"\xff\xd8\xff\xe1",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"GIF87a",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"RIFF\x00\x10\x00\x00WEBPVP8L",
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1",
    b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
    b"%PDF-1.4\n",
    b"<svg ",
    b"\x00\x00\x01\x00",  # ICO
    b"8BPS",  # PSD
)


# --------------------------------------------------------------------------- #
# base material
# --------------------------------------------------------------------------- #
@functools.lru_cache(maxsize=1)
def base_rgb() -> np.ndarray:
    """A small photo of two wet prints on an A4 sheet lying on a grey floor (RGB, 400 x 300).

    Drawn here (the prints of ``tests/conftest.py`` on a slightly turned sheet)
    so the fuzz inputs do not change when the synthetic-photo generator does.
    """
    import cv2
    from conftest import drawn_print_rgb

    rng = np.random.default_rng(11)
    h, w = 300, 400
    img = np.full((h, w, 3), (118, 112, 104), np.float64) + rng.normal(0, 4, (h, w, 3))
    sheet_h = 270.0
    sheet_w = sheet_h / np.sqrt(2.0)  # A4 aspect
    centre = np.array([w / 2 + 6, h / 2 + 2])
    angle = np.deg2rad(4.0)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = (
        np.array(
            [[-sheet_w, -sheet_h], [sheet_w, -sheet_h], [sheet_w, sheet_h], [-sheet_w, sheet_h]]
        )
        / 2
        @ rot.T
        + centre
    )
    # the drawing's prints, on paper of the sheet's aspect (not squeezed into it)
    drawn = drawn_print_rgb(seed=3)
    dh, dw = drawn.shape[:2]
    x0 = round(0.14 * dw)  # the drawing's empty margins left and right
    drawn = drawn[:, x0 : dw - x0]
    dh, dw = drawn.shape[:2]
    ch = round(dw * sheet_h / sheet_w)
    canvas = np.empty((ch, dw, 3), np.uint8)
    canvas[:] = drawn[0, 0]  # the paper's colour
    top = (ch - dh) // 2
    canvas[top : top + dh] = drawn
    src = np.float32([[0, 0], [dw, 0], [dw, ch], [0, ch]])
    warp = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    prints = cv2.warpPerspective(canvas, warp, (w, h), flags=cv2.INTER_AREA, borderValue=(0, 0, 0))
    inside = cv2.warpPerspective(np.ones((ch, dw), np.float32), warp, (w, h)) > 0.5
    img[inside] = prints[inside]
    return np.clip(img, 0, 255).astype(np.uint8)


def encode(img: Image.Image | np.ndarray, fmt: str, **kw: Any) -> bytes:
    """Encode with Pillow (HEIF through pillow-heif, registered by footprint.io)."""
    import footprint.io  # noqa: F401 - registers the HEIF opener / saver

    if isinstance(img, np.ndarray):
        img = Image.fromarray(img)
    out = io.BytesIO()
    if fmt == "JPEG":
        kw.setdefault("quality", 85)
    if fmt == "HEIF":
        kw.setdefault("quality", 60)
    img.save(out, format=fmt, **kw)
    return out.getvalue()


@functools.cache
def real_file(fmt: str) -> bytes:
    """The base photo encoded as ``fmt`` (cached)."""
    rgb = base_rgb()
    if fmt == "GIF":
        return encode(Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE), "GIF")
    return encode(rgb, fmt)


def png_chunk(kind: bytes, data: bytes, *, crc: int | None = None) -> bytes:
    """One PNG chunk; ``crc`` overrides the correct checksum (a lie)."""
    c = zlib.crc32(kind + data) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", c)


def png_claiming(w: int, h: int, *, depth: int = 8, colour: int = 2, idat: bytes = b"") -> bytes:
    """A PNG whose header claims ``w`` x ``h`` pixels, with ``idat`` as its only data."""
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat or zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


@functools.cache
def png_zeros(w: int, h: int, *, colour: int = 0, depth: int = 8) -> bytes:
    """A real, complete PNG of ``w`` x ``h`` zero pixels (tiny file, big decode; cached).

    ``colour`` is the PNG colour type: 0 grey, 2 RGB, 3 palette (with a
    transparent entry), 4 grey + alpha, 6 RGBA.
    """
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    row = b"\x00" * (1 + (w * channels * depth + 7) // 8)
    comp = zlib.compressobj(6)
    parts = [comp.compress(row) for _ in range(h)]
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    extra = b""
    if colour == 3:
        extra = png_chunk(b"PLTE", b"\x00\x00\x00\xff\xff\xff") + png_chunk(b"tRNS", b"\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + extra
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


@functools.cache
def tiff_zeros(w: int, h: int, *, bits: int = 32, sample_format: int = 3) -> bytes:
    """A real, complete deflate TIFF of ``w`` x ``h`` zero grey pixels (cached).

    ``sample_format`` 1 unsigned, 2 signed, 3 IEEE float (``bits`` 32: Pillow modes I;32 / I / F).
    """
    comp = zlib.compressobj(6)
    row = b"\x00" * (w * bits // 8)
    strip = b"".join([comp.compress(row) for _ in range(h)] + [comp.flush()])
    data = bytearray(tiff_claiming(w, h, compression=8, strip=strip))
    # BitsPerSample (3rd entry) and one more entry: SampleFormat
    n = struct.unpack_from("<H", data, 8)[0]
    struct.pack_into("<HHIHH", data, 10 + 2 * 12, 258, 3, 1, bits, 0)
    ifd_end = 10 + 12 * n
    entry = struct.pack("<HHIHH", 339, 3, 1, sample_format, 0)
    data[ifd_end:ifd_end] = entry
    struct.pack_into("<H", data, 8, n + 1)
    # the strip moved by 12 bytes: patch StripOffsets (6th entry)
    off = struct.unpack_from("<I", data, 10 + 5 * 12 + 8)[0]
    struct.pack_into("<I", data, 10 + 5 * 12 + 8, off + 12)
    return bytes(data)


def tiff_claiming(w: int, h: int, *, compression: int = 1, strip: bytes = b"\x00" * 64) -> bytes:
    """A little-endian baseline TIFF claiming ``w`` x ``h`` grey pixels with one tiny strip."""
    entries = [
        (256, 4, 1, w),  # ImageWidth, LONG
        (257, 4, 1, h),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, compression),  # Compression
        (262, 3, 1, 1),  # Photometric: black is zero
        (273, 4, 1, 0),  # StripOffsets (patched below)
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, h),  # RowsPerStrip
        (279, 4, 1, len(strip)),  # StripByteCounts
    ]
    ifd_offset = 8
    ifd_size = 2 + 12 * len(entries) + 4
    data_offset = ifd_offset + ifd_size
    out = bytearray(b"II*\x00" + struct.pack("<I", ifd_offset))
    out += struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_offset
        if typ == 3:
            out += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, typ, count, value)
    out += struct.pack("<I", 0)
    out += strip
    return bytes(out)


def webp_vp8l_claiming(w: int, h: int) -> bytes:
    """A lossless WebP header claiming ``w`` x ``h`` (max 16384) with no real data."""
    bits = (w - 1) & 0x3FFF | ((h - 1) & 0x3FFF) << 14
    payload = b"\x2f" + struct.pack("<I", bits) + b"\x00" * 16
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def gif_claiming(w: int, h: int) -> bytes:
    """A GIF whose screen and only frame claim ``w`` x ``h`` with one byte of LZW data."""
    head = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"," + struct.pack("<HHHHB", 0, 0, w, h, 0) + b"\x02\x02\x44\x01\x00"
    return head + frame + b";"


def bmp_claiming(w: int, h: int, *, bpp: int = 24, payload: int = 64) -> bytes:
    """A BMP (BITMAPINFOHEADER) claiming ``w`` x ``h`` with ``payload`` bytes of pixels."""
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, bpp, 0, 0, 2835, 2835, 0, 0)
    head = b"BM" + struct.pack("<IHHI", 14 + 40 + payload, 0, 0, 14 + 40)
    return head + info + b"\x7f" * payload


def set_jpeg_size(data: bytes, w: int, h: int) -> bytes:
    """``data`` with the first SOF marker's width and height replaced (a lying header)."""
    out = bytearray(data)
    for marker in (b"\xff\xc0", b"\xff\xc2", b"\xff\xc1"):
        k = out.find(marker)
        if k > 0:
            out[k + 5 : k + 9] = struct.pack(">HH", h & 0xFFFF, w & 0xFFFF)
            break
    return bytes(out)


def set_heif_size(data: bytes, w: int, h: int) -> bytes:
    """``data`` with every ``ispe`` (image spatial extents) box claiming ``w`` x ``h``."""
    out = bytearray(data)
    k = out.find(b"ispe")
    while k > 0:
        out[k + 8 : k + 16] = struct.pack(">II", w & 0xFFFFFFFF, h & 0xFFFFFFFF)
        k = out.find(b"ispe", k + 4)
    return bytes(out)


# --------------------------------------------------------------------------- #
# families
# --------------------------------------------------------------------------- #
def _length(rng: np.random.Generator, hi: int) -> int:
    return int(np.exp(rng.uniform(0, np.log(hi + 1)))) - 1


def random_bytes(rng: np.random.Generator) -> bytes:
    return rng.bytes(_length(rng, 4096))


def magic_random(rng: np.random.Generator) -> bytes:
    magic = MAGICS[int(rng.integers(len(MAGICS)))]
    return magic + rng.bytes(_length(rng, 2048))


def truncated(rng: np.random.Generator) -> bytes:
    data = real_file(REAL_FORMATS[int(rng.integers(len(REAL_FORMATS)))])
    if rng.uniform() < 0.5:
        cut = int(rng.integers(0, min(len(data), 1024)))  # inside the header
    else:
        cut = int(rng.integers(0, len(data)))
    return data[:cut]


def bitflip(rng: np.random.Generator) -> bytes:
    data = bytearray(real_file(REAL_FORMATS[int(rng.integers(len(REAL_FORMATS)))]))
    span = len(data) if rng.uniform() < 0.5 else min(len(data), 600)  # header-heavy half
    kind = rng.uniform()
    if kind < 0.6:
        for k in rng.integers(0, span, int(rng.integers(1, 24))):
            data[int(k)] ^= 1 << int(rng.integers(8))
    elif kind < 0.85:
        start = int(rng.integers(0, span))
        n = int(rng.integers(1, 64))
        data[start : start + n] = rng.bytes(n)
    else:  # a byte set to an extreme value
        k = int(rng.integers(0, span))
        data[k] = int(rng.choice([0x00, 0xFF, 0x7F, 0x80]))
    return bytes(data)


_EXTREMES = (0, 1, 2, 63, 64, 65, 255, 256, 4095, 30000, 65535, 65536, 2**31 - 1, 2**32 - 1)


def _extreme(rng: np.random.Generator) -> int:
    if rng.uniform() < 0.6:
        return int(rng.choice(_EXTREMES))
    return int(rng.integers(0, 70000))


def lying_header(rng: np.random.Generator) -> bytes:
    fmt = ("PNG", "JPEG", "GIF", "BMP", "HEIF", "TIFF", "WEBP")[int(rng.integers(7))]
    w, h = _extreme(rng), _extreme(rng)
    if fmt == "PNG":
        real = real_file("PNG")
        ihdr = bytearray(real[16:29])
        choice = rng.uniform()
        if choice < 0.5:
            ihdr[0:8] = struct.pack(">II", w, h)
        else:  # depth / colour type that do not match the data
            ihdr[8] = int(rng.choice([1, 2, 4, 8, 16, 3, 0, 255]))
            ihdr[9] = int(rng.choice([0, 2, 3, 4, 6, 7, 255]))
        fix_crc = rng.uniform() < 0.8
        crc = None if fix_crc else int(rng.integers(0, 2**32))
        return real[:8] + png_chunk(b"IHDR", bytes(ihdr), crc=crc) + real[33:]
    if fmt == "JPEG":
        return set_jpeg_size(real_file("JPEG"), w, h)
    if fmt == "GIF":
        data = bytearray(real_file("GIF"))
        data[6:10] = struct.pack("<HH", w & 0xFFFF, h & 0xFFFF)
        return bytes(data)
    if fmt == "BMP":
        data = bytearray(real_file("BMP"))
        sign = -1 if rng.uniform() < 0.3 else 1  # negative height: top-down rows
        data[18:26] = struct.pack("<ii", min(w, 2**31 - 1), sign * min(h, 2**31 - 1))
        return bytes(data)
    if fmt == "HEIF":
        return set_heif_size(real_file("HEIF"), w, h)
    if fmt == "TIFF":
        return tiff_claiming(max(w, 1), max(h, 1), compression=int(rng.choice([1, 8, 5, 7])))
    return webp_vp8l_claiming(max(1, min(w, 16384)), max(1, min(h, 16384)))


_SHAPES = (
    (1, 1),
    (1, 100_000),
    (100_000, 1),
    (2, 30_000),
    (64, 64),
    (63, 640),
    (64, 16_383),
    (5000, 64),
    (3, 3),
    (65, 65),
)
#: Largest side each encoder writes.
_MAX_SIDE = {
    "PNG": 2**31 - 1,
    "GIF": 65_535,
    "BMP": 2**31 - 1,
    "TIFF": 2**31 - 1,
    "JPEG": 65_500,
    "WEBP": 16_383,
}


def geometry(rng: np.random.Generator) -> bytes:
    w, h = _SHAPES[int(rng.integers(len(_SHAPES)))]
    fmt = ("PNG", "GIF", "BMP", "TIFF", "JPEG", "WEBP")[int(rng.integers(6))]
    w, h = min(w, _MAX_SIDE[fmt]), min(h, _MAX_SIDE[fmt])
    if rng.uniform() < 0.5:
        arr = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    else:
        arr = np.full((h, w, 3), int(rng.integers(0, 256)), np.uint8)
    return encode(arr, fmt)


def _print_grey() -> np.ndarray:
    return np.asarray(Image.fromarray(base_rgb()).convert("L"))


#: Names of the :func:`mode` variants, by kind number.
MODE_KINDS: tuple[str, ...] = (
    "png-16bit-grey",
    "tiff-16bit-grey",
    "tiff-float-nan-inf",
    "tiff-int32-negative",
    "alpha-rgba-la",
    "cmyk",
    "palette-transparency",
    "1-bit",
    "animated-gif",
    "animated-webp",
    "multipage-tiff",
    "heic-alpha",
    "exif-orientation",
    "garbage-exif",
)


def mode(rng: np.random.Generator, kind: int | None = None) -> bytes:
    rgb = base_rgb()
    grey = _print_grey()
    kind = int(rng.integers(len(MODE_KINDS))) if kind is None else kind
    if kind == 0:  # 16-bit grey PNG
        return encode(Image.fromarray(grey.astype(np.uint16) * 257), "PNG")
    if kind == 1:  # 16-bit grey TIFF
        return encode(Image.fromarray(grey.astype(np.uint16) * 257), "TIFF")
    if kind == 2:  # float TIFF, sometimes with NaN and infinity
        f = grey.astype(np.float32) / 255.0
        if rng.uniform() < 0.7:
            f[rng.uniform(size=f.shape) < rng.uniform(0, 1)] = np.nan
            f[rng.uniform(size=f.shape) < 0.05] = np.inf
            f[rng.uniform(size=f.shape) < 0.05] = -np.inf
        return encode(Image.fromarray(f, mode="F"), "TIFF")
    if kind == 3:  # 32-bit signed TIFF with negative values
        v = grey.astype(np.int32) * int(rng.choice([1, 257, 100_000])) - int(rng.integers(0, 5000))
        return encode(Image.fromarray(v, mode="I"), "TIFF")
    if kind == 4:  # RGBA / LA with random or zero alpha
        a = (rng.uniform(size=grey.shape) * 255).astype(np.uint8)
        if rng.uniform() < 0.3:
            a[:] = 0
        m = "RGBA" if rng.uniform() < 0.5 else "LA"
        base = Image.fromarray(rgb).convert(m)
        base.putalpha(Image.fromarray(a))
        return encode(base, "PNG" if rng.uniform() < 0.7 else "WEBP")
    if kind == 5:  # CMYK JPEG or TIFF
        return encode(
            Image.fromarray(rgb).convert("CMYK"), "JPEG" if rng.uniform() < 0.5 else "TIFF"
        )
    if kind == 6:  # palette with transparency
        p = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
        p.info["transparency"] = int(rng.integers(0, 16))
        return encode(p, "PNG" if rng.uniform() < 0.5 else "GIF")
    if kind == 7:  # 1-bit
        return encode(Image.fromarray(grey).convert("1"), "PNG" if rng.uniform() < 0.5 else "TIFF")
    if kind == 8:  # animated GIF
        frames = [Image.fromarray(np.roll(rgb, 10 * k, axis=1)).convert("P") for k in range(3)]
        return encode(
            frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0
        )
    if kind == 9:  # animated WebP
        frames = [Image.fromarray(np.roll(rgb, 10 * k, axis=0)) for k in range(3)]
        return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=50)
    if kind == 10:  # multi-page TIFF
        frames = [Image.fromarray(rgb), Image.fromarray(grey)]
        return encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    if kind == 11:  # HEIC with alpha
        rgba = Image.fromarray(rgb).convert("RGBA")
        return encode(rgba, "HEIF")
    if kind == 12:  # every EXIF orientation, sometimes an invalid one
        exif = Image.Exif()
        exif[0x0112] = int(rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 65535]))
        return encode(rgb, "JPEG", exif=exif.tobytes())
    # garbage EXIF block
    return encode(rgb, "JPEG", exif=b"Exif\x00\x00" + rng.bytes(int(rng.integers(0, 200))))


#: Bombs that are complete, valid files *within* the pixel limit (7000 x 7000 =
#: 49 MP < 50 MP): they must be decoded, and the decode must stay within memory.
AT_LIMIT = (
    ("png", 0, 8),
    ("png", 2, 8),
    ("png", 0, 16),
    ("png", 4, 8),
    ("png", 6, 8),
    ("png", 3, 8),
    ("tiff", 32, 3),
    ("tiff", 32, 2),
)


def at_limit(k: int) -> bytes:
    """The ``k``-th at-limit bomb (see :data:`AT_LIMIT`)."""
    kind, a, b = AT_LIMIT[k % len(AT_LIMIT)]
    if kind == "png":
        return png_zeros(7000, 7000, colour=a, depth=b)
    return tiff_zeros(7000, 7000, bits=a, sample_format=b)


#: Names of the :func:`bomb` variants that claim more pixels than the limit, by kind.
BOMB_KINDS: tuple[str, ...] = (
    "png-30000x30000",
    "png-huge-random",
    "gif-65535x65535",
    "jpeg-65500x65500",
    "tiff-100000x100000",
    "webp-16384x16384",
    "bmp-60000x60000",
    "heic-30000x30000",
    "png-8000x8000-complete",
)


def bomb(rng: np.random.Generator, kind: int | None = None) -> bytes:
    kind = int(rng.integers(len(BOMB_KINDS) + 1)) if kind is None else kind
    if kind == 0:
        return png_claiming(30_000, 30_000)
    if kind == 1:
        return png_claiming(
            int(rng.integers(8000, 2**31 - 1)),
            int(rng.integers(8000, 70_000)),
            depth=int(rng.choice([8, 16])),
            colour=int(rng.choice([0, 2, 6])),
        )
    if kind == 2:
        return gif_claiming(65_535, 65_535)
    if kind == 3:
        return set_jpeg_size(real_file("JPEG"), 65_500, 65_500)
    if kind == 4:
        return tiff_claiming(100_000, 100_000, compression=int(rng.choice([1, 8])))
    if kind == 5:
        return webp_vp8l_claiming(16_384, 16_384)
    if kind == 6:
        return bmp_claiming(60_000, -60_000)
    if kind == 7:
        return set_heif_size(real_file("HEIF"), 30_000, 30_000)
    if kind == 8:  # a real, complete PNG just over the limit (8000 x 8000 = 64 MP, ~60 kB)
        return png_zeros(8000, 8000)
    return at_limit(int(rng.integers(len(AT_LIMIT))))


def array(rng: np.random.Generator) -> np.ndarray:
    shapes = (
        (0, 0),
        (0, 5, 3),
        (1, 1),
        (1, 1, 3),
        (5, 5, 2),
        (70, 70, 5),
        (80, 120),
        (80, 120, 3),
        (80, 120, 4),
        (2, 3, 4, 5),
        (200, 150, 3),
        (1, 100_000),
    )
    shape = shapes[int(rng.integers(len(shapes)))]
    dtype = (
        "uint8",
        "uint16",
        "int16",
        "int64",
        "float32",
        "float64",
        "bool",
        "complex64",
        "float16",
    )[int(rng.integers(9))]
    a = rng.normal(0.5, 2.0, shape) * float(rng.choice([1.0, 255.0, 1e30]))
    if np.issubdtype(np.dtype(dtype), np.floating) and a.size:
        a.ravel()[rng.uniform(size=a.size) < 0.1] = np.nan
        a.ravel()[rng.uniform(size=a.size) < 0.05] = np.inf
    with np.errstate(all="ignore"):
        if dtype == "bool":
            return a > 0.5
        if np.issubdtype(np.dtype(dtype), np.integer):
            info = np.iinfo(dtype)
            return np.clip(np.nan_to_num(a), info.min, info.max).astype(dtype)
        return a.astype(dtype)


def photo(rng: np.random.Generator) -> bytes:
    rgb = base_rgb().astype(np.float32)
    h, w = rgb.shape[:2]
    if rng.uniform() < 0.4:  # crop
        x0, y0 = int(rng.integers(0, w // 3)), int(rng.integers(0, h // 3))
        rgb = rgb[y0 : y0 + int(rng.integers(h // 2, h)), x0 : x0 + int(rng.integers(w // 2, w))]
    if rng.uniform() < 0.3:
        rgb = np.rot90(rgb, int(rng.integers(1, 4)))
    rgb = rgb * rng.uniform(0.05, 1.5) + rng.uniform(-60, 60)
    if rng.uniform() < 0.5:
        rgb = rgb + rng.normal(0, rng.uniform(1, 80), rgb.shape)
    img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    if rng.uniform() < 0.3:
        img = img.resize(
            (
                int(img.width * rng.uniform(0.3, 2.0)) + 1,
                int(img.height * rng.uniform(0.3, 2.0)) + 1,
            )
        )
    return encode(img, ("JPEG", "PNG", "WEBP")[int(rng.integers(3))])


_MAKERS = {
    "random_bytes": random_bytes,
    "magic_random": magic_random,
    "truncated": truncated,
    "bitflip": bitflip,
    "lying_header": lying_header,
    "geometry": geometry,
    "mode": mode,
    "bomb": bomb,
    "array": array,
    "photo": photo,
}


def make(family: str, seed: int) -> bytes | np.ndarray:
    """The input of ``family`` for ``seed`` (same arguments, same bytes)."""
    return _MAKERS[family](np.random.default_rng([seed, FAMILIES.index(family)]))


def family_of(seed: int, weights: dict[str, float] | None = None) -> str:
    """The family of the ``seed``-th input of a long run (weighted, seeded)."""
    w = weights or WEIGHTS
    names = list(w)
    p = np.array([w[n] for n in names], dtype=np.float64)
    rng = np.random.default_rng([seed, 7919])
    return names[int(rng.choice(len(names), p=p / p.sum()))]
