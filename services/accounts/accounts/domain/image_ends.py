"""Where a PNG, GIF or JPEG file ends, read from its own structure: bytes after that end are
something else riding along (HTML that a browser might sniff, a ZIP), and a logo is only an image.

Each reader answers the offset just past the image's last byte, or raises `ValueError` for a file
whose structure is broken.
"""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type
GIF_TRAILER, GIF_EXTENSION, GIF_IMAGE = 0x3B, 0x21, 0x2C
JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0–7 carry no length


def png_end(data: bytes, inflate_limit: int) -> int:
    """The end of the IEND chunk. The image data must inflate to no more than `inflate_limit`
    bytes (a 16×16 PNG whose data inflates to 200 MB is a bomb, whatever it claims)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    offset, inflater, inflated = len(PNG_SIGNATURE), zlib.decompressobj(), 0
    while offset + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        if len(body) < length:
            raise ValueError("a chunk runs past the file")
        if kind == b"IDAT":
            inflated += len(inflater.decompress(body, inflate_limit - inflated + 1))
            if inflated > inflate_limit:
                raise ValueError("the image data inflates past its image")
        offset += 12 + length
        if kind == b"IEND":
            return offset
    raise ValueError("no IEND chunk")


def png_raw_size(width: int, height: int, bit_depth: int, colour_type: int, interlaced: int) -> int:
    """The bytes a PNG's image data inflates to (each row, its filter byte): an upper bound when
    interlaced (its passes add a filter byte per row of each)."""
    bits = bit_depth * PNG_CHANNELS.get(colour_type, 4)
    row = 1 + (width * bits + 7) // 8
    return row * height * (2 if interlaced else 1) + 64


def gif_end(data: bytes) -> int:
    """The end of the trailer byte."""
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("no GIF header")
    flags = data[10]
    offset = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while offset < len(data):
        block = data[offset]
        if block == GIF_TRAILER:
            return offset + 1
        if block == GIF_EXTENSION:
            offset = _gif_sub_blocks(data, offset + 2)
        elif block == GIF_IMAGE:
            local = data[offset + 9] if offset + 9 < len(data) else 0
            offset += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            offset = _gif_sub_blocks(data, offset + 1)  # past the LZW code size
        else:
            raise ValueError("not a GIF block")
    raise ValueError("no GIF trailer")


def _gif_sub_blocks(data: bytes, offset: int) -> int:
    while offset < len(data):
        size = data[offset]
        offset += 1 + size
        if size == 0:
            return offset
    raise ValueError("sub-blocks run past the file")


def jpeg_end(data: bytes) -> int:
    """The end of the EOI marker: segments by their lengths, entropy-coded data to the next marker."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("no JPEG start")
    offset = 2
    while offset + 1 < len(data):
        if data[offset] != 0xFF:
            raise ValueError("a JPEG segment does not start with a marker")
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker == 0xD9:
            return offset + 2
        if marker in JPEG_STANDALONE:
            offset += 2
            continue
        length = struct.unpack(">H", data[offset + 2 : offset + 4])[0]
        offset += 2 + length
        if marker == 0xDA:
            offset = _past_scan(data, offset)
    raise ValueError("no JPEG end")


def _past_scan(data: bytes, offset: int) -> int:
    """After a start of scan, the entropy-coded data runs to the next marker that is not a stuffed
    0xFF00 or a restart (RST0–7)."""
    while (offset := data.find(b"\xff", offset)) >= 0 and offset + 1 < len(data):
        following = data[offset + 1]
        if following == 0xFF:  # fill before a marker
            offset += 1
        elif following == 0x00 or 0xD0 <= following <= 0xD7:
            offset += 2
        else:
            return offset
    raise ValueError("a scan runs past the file")
