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
