import io

from PIL import Image

from accounts.domain import logo


def image(fmt, size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size).save(buffer, format=fmt)
    return buffer.getvalue()


def test_real_images_of_the_claimed_type_pass():
    assert logo.problem_with("image/png", image("PNG")) is None
    assert logo.problem_with("image/jpeg", image("JPEG")) is None
    assert logo.problem_with("image/gif", image("GIF")) is None


def test_an_image_of_another_type_than_claimed_is_refused():
    assert "JPEG" in logo.problem_with("image/png", image("JPEG"))


def test_types_other_than_png_jpeg_gif_are_refused():
    assert logo.problem_with("image/webp", image("WEBP"))
    assert logo.problem_with("image/bmp", image("BMP"))


def test_truncated_and_fake_images_are_refused():
    assert logo.problem_with("image/png", image("PNG")[:30])
    assert logo.problem_with("image/gif", b"GIF89a" + b"\0" * 20)
    assert logo.problem_with("image/png", b"")


def test_a_tiny_file_claiming_a_huge_canvas_is_refused():
    assert logo.problem_with("image/png", image("PNG", size=(5000, 5000)))


def test_bytes_after_the_image_are_refused():
    html = b"<html><script>alert(1)</script></html>"
    assert "more than" in logo.problem_with("image/png", image("PNG") + html)
    assert "more than" in logo.problem_with("image/jpeg", image("JPEG") + html)
    zip_file = b"PK\x03\x04" + b"\0" * 26 + b"PK\x05\x06" + b"\0" * 18
    assert "more than" in logo.problem_with("image/gif", image("GIF") + zip_file)


def test_a_png_whose_data_inflates_far_past_its_canvas_is_refused():
    """16×16 pixels, and an image data stream that inflates to 200 MB."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    bomb = zlib.compress(b"\0" * (200 * 1024 * 1024), 9)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", bomb)
        + chunk(b"IEND", b"")
    )
    assert len(data) < logo.MAX_LOGO_BYTES
    assert logo.problem_with("image/png", data)


def test_images_with_the_structures_real_files_have_pass():
    for fmt, extra in (
        ("PNG", {"optimize": True}),
        ("JPEG", {"progressive": True, "quality": 80}),
        ("GIF", {"save_all": True, "append_images": [Image.new("RGB", (8, 8), "red")]}),
    ):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), "blue").save(buffer, format=fmt, **extra)
        assert logo.problem_with(f"image/{fmt.lower()}", buffer.getvalue()) is None, fmt
    buffer = io.BytesIO()
    Image.new("RGBA", (32, 32)).save(buffer, format="PNG")  # an alpha channel
    assert logo.problem_with("image/png", buffer.getvalue()) is None
    buffer = io.BytesIO()
    Image.new("P", (32, 32)).save(buffer, format="PNG")  # a palette
    assert logo.problem_with("image/png", buffer.getvalue()) is None
