"""A logo must really be an image of the type it claims, nothing but that image, and small.

The image is decoded in full (not sniffed), under a bound on its canvas; the file must end where
the image does (`image_ends`), so no HTML or archive rides along; and the bytes accepted are the
bytes served.
"""

import io

from PIL import Image, UnidentifiedImageError

from accounts.domain import image_ends

MAX_LOGO_BYTES = 1024 * 1024
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}
MAX_LOGO_PIXELS = 4096 * 4096  # a small file can still claim a huge canvas
PNG_IHDR = slice(16, 29)  # width, height, bit depth, colour type, compression, filter, interlace


def problem_with(content_type: str, data: bytes) -> str | None:
    """Why these bytes are not an acceptable logo of `content_type`, or None."""
    expected = PIL_FORMATS.get(content_type)
    if expected is None:
        return "A logo is PNG, JPEG or GIF."
    if not data:
        return "The logo is empty."
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return f"These bytes are {image.format or 'not an image'}, not {content_type}."
            if image.width * image.height > MAX_LOGO_PIXELS:
                return "The logo's canvas is too large."
            if _end_of(expected, data, image) != len(data):
                return f"The file holds more than its {expected} image."
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return f"These bytes are not a valid {content_type} image."
    return None


def _end_of(kind: str, data: bytes, image: Image.Image) -> int:
    if kind == "PNG":
        header = data[PNG_IHDR]
        limit = image_ends.png_raw_size(image.width, image.height, header[8], header[9], header[12])
        return image_ends.png_end(data, limit)
    if kind == "GIF":
        return image_ends.gif_end(data)
    return image_ends.jpeg_end(data)
