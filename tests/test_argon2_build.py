"""`make setup` builds libargon2 with AVX2 where it can (scripts/build-argon2.sh): what it says it
did is what is installed, and the installed library computes Argon2id exactly."""

import importlib.metadata
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD_RECORD = pathlib.Path(sys.prefix, "argon2-build.txt")


def installed_wheel_tags():
    wheel = importlib.metadata.distribution("argon2-cffi-bindings").read_text("WHEEL")
    return [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]


def test_the_installed_library_computes_rfc9106s_argon2id_test_vector():
    check = subprocess.run([sys.executable, ROOT / "scripts" / "check_argon2.py"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_setup_says_which_library_it_installed():
    record = BUILD_RECORD.read_text().strip()
    tags = installed_wheel_tags()
    if record == "argon2: built for x86-64-v3 (AVX2)":
        assert tags and all(tag.endswith("-linux_x86_64") for tag in tags)  # built here, not PyPI's manylinux
    else:
        assert record.startswith("argon2: PyPI's wheel kept: ")
        assert all("manylinux" in tag for tag in tags)
