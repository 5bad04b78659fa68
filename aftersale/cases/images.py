"""Photos are re-encoded before they are stored: what is kept is the picture only — EXIF (GPS
position, camera serial, time), comments and any bytes smuggled after the image are dropped, the
EXIF orientation is applied to the pixels first so the photo stays upright. A file Pillow cannot
decode is refused. HEIC/HEIF is kept as uploaded: this Pillow build cannot read it."""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from aftersale.common.errors import DomainError

# Formats re-encoded, by sniffed type: (Pillow format, file extension).
REENCODED = {
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "image/webp": ("WEBP", "webp"),
    "image/gif": ("GIF", "gif"),
}
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; more is a decompression bomb, not evidence


def _refuse() -> DomainError:
    return DomainError("file", _("图片已损坏或无法识别，请重新拍摄后上传"), code="undecodable")


def reencode(data: bytes, mime: str) -> bytes:
    """The image in `data` (sniffed as `mime`, one of REENCODED) saved afresh without metadata."""
    fmt, _ext = REENCODED[mime]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            if image.width * image.height > MAX_PIXELS:
                raise DomainError("file", _("图片像素过多（上限 5000 万像素）"), code="too_large")
            image.load()
            animated = getattr(image, "is_animated", False)
            if not animated:
                image = ImageOps.exif_transpose(image)
    except DomainError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        EOFError,
    ):
        raise _refuse() from None
    out = io.BytesIO()
    options: dict = {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options = {"quality": 90, "optimize": True}
    elif fmt == "WEBP":
        options = {"quality": 90}
    if animated:
        options["save_all"] = True
    icc = image.info.get("icc_profile")
    if icc and fmt in ("JPEG", "PNG", "WEBP"):
        options["icc_profile"] = icc  # colours, not personal data
    try:
        image.save(out, format=fmt, **options)
    except (OSError, ValueError):
        raise _refuse() from None
    return out.getvalue()
