"""A logo must really be an image of the type it claims, and small."""
import io

from PIL import Image, UnidentifiedImageError

MAX_LOGO_BYTES = 1024 * 1024
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}
MAX_LOGO_PIXELS = 4096 * 4096  # a small file can still claim a huge canvas


def problem_with(content_type, data):
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
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return f"These bytes are not a valid {content_type} image."
    return None
