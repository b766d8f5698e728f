"""A real headless Chromium (Debian's `chromium` and `chromium-driver`, installed by `make browser`)
driven by Selenium, one per test module, on the `system` of `tests.conftest`."""

import os
import pathlib
import shutil
import tempfile

import pytest

from tests.browser.portal import Portal

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PORTAL_CHROMEDRIVER", "/usr/bin/chromedriver")
# Without these Chromium reaches for outside hosts (and fails here) or wants a sandbox it cannot have.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--lang=en-US",
)
LAPTOP = (1280, 900)


@pytest.fixture(scope="module")
def browser():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: `make browser` installs Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # Never let Selenium Manager look for a driver or a browser on the network.
    os.environ["SE_OFFLINE"] = "true"
    profile = tempfile.mkdtemp(prefix="portal-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={LAPTOP[0]},{LAPTOP[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_window_size(*LAPTOP)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def portal(system, browser):
    shots = os.environ.get("PORTAL_SCREENSHOTS") == "1"
    folder = pathlib.Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    return Portal(browser, system.base_url, folder if shots else None)
