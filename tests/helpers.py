"""Small helpers shared by several test modules: personas by role, tiny valid image files and a
clock held inside one rate-limit window."""

from __future__ import annotations

import struct
import zlib

import time_machine
from django.db.models import F
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.common.roles import Role

# The persona (attribute of the `people` fixture) that acts for each role on a case that is not
# assigned to a team (every agent and team lead may see such a case).
PERSONA_FOR_ROLE = {
    Role.CUSTOMER: "customer_user",
    Role.AGENT: "agent",
    Role.TEAM_LEAD: "team_lead",
    Role.DIRECTOR: "director",
    Role.OPTIMIZER: "optimizer",
    Role.DEPARTMENT: "warehouse",
    Role.EXPERT: "expert",
    Role.ADMIN: "admin",
}


def persona(people, role: str):
    return getattr(people, PERSONA_FOR_ROLE[role])


def force_status(case: Case, status: str) -> Case:
    """Put a case straight into a status (test set-up only), bumping its version as a write would."""
    Case.objects.filter(pk=case.pk).update(status=status, version=F("version") + 1)
    case.refresh_from_db()
    return case


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(*, padding: int = 0) -> bytes:
    """A valid 1×1 greyscale PNG; `padding` adds a text chunk of that many bytes."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    text = _png_chunk(b"tEXt", b"Comment\x00" + b"x" * padding) if padding else b""
    pixels = _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
    return b"\x89PNG\r\n\x1a\n" + header + text + pixels + _png_chunk(b"IEND", b"")


def _jpeg_segment(marker: int, data: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data


def jpeg_bytes() -> bytes:
    """A valid 1×1 greyscale baseline JPEG (one all-zero block)."""
    jfif = _jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    quant = _jpeg_segment(0xDB, b"\x00" + b"\x01" * 64)
    frame = _jpeg_segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    # One-symbol Huffman tables: DC difference category 0 and AC end-of-block, each coded "0".
    dc_table = _jpeg_segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
    ac_table = _jpeg_segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
    scan = _jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + jfif + quant + frame + dc_table + ac_table + scan + b"\x3f" + b"\xff\xd9"


def mp4_bytes() -> bytes:
    """The start of an MP4 file (an `ftyp` box), enough for content sniffing."""
    ftyp = b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 8) + b"free"


def one_limit_window():
    """Time held still inside one rate-limit window (`common.ratelimit.Limit` counts per fixed
    window): requests that straddled a window's end would start counting afresh."""
    return time_machine.travel(timezone.now().replace(second=5), tick=False)
