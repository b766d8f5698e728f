"""What a person does in the web portal, as steps a test reads like a story: go to a page, fill a
form found by its accessible name, press its button, wait for what the page shows."""

import time

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT_SECONDS = 15


class Portal:
    def __init__(self, driver, base_url, screenshots=None):
        self.driver = driver
        self.base_url = base_url
        self.screenshots = screenshots  # a folder, or None to take none
        self.loads = 0

    # --- where we are ---------------------------------------------------------------------------

    def open(self, path="/accounts"):
        """Load the portal afresh at `#path` (a full page load: a URL that differs only in its `#`
        would merely change the hash, and keep the page's state of whoever was signed in before)."""
        self.loads += 1
        self.driver.get(f"{self.base_url}/?load={self.loads}#{path}")

    def go(self, path):
        """Go to `#path` the way a link does (no reload)."""
        self.driver.execute_script("location.hash = arguments[0]", path)

    def page(self, name):
        """Wait until page `name` is drawn; answers `main`."""
        return self.wait(
            lambda d: self.one(f'main[data-page="{name}"]:not([aria-busy])') if not self.all("main .loading") else None,
            f"page {name}",
        )

    def wait(self, condition, what, seconds=WAIT_SECONDS):
        def check(driver):
            try:
                return condition(driver)
            except (StaleElementReferenceException, WebDriverException):
                return None

        return WebDriverWait(self.driver, seconds, poll_frequency=0.05).until(
            check, message=f"waited {seconds}s for {what}"
        )

    def one(self, css, within=None):
        found = (within or self.driver).find_elements(By.CSS_SELECTOR, css)
        return found[0] if found else None

    def all(self, css, within=None):
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def shown(self, css, text=None, within=None):
        """Wait for a visible element (holding `text`, if given); answers it."""

        def check(driver):
            for element in self.all(css, within):
                if element.is_displayed() and (text is None or text in element.text):
                    return element
            return None

        return self.wait(check, f"{css} showing {text!r}")

    def gone(self, css):
        self.wait(lambda d: not any(e.is_displayed() for e in self.all(css)), f"{css} to go")

    # --- doing things ---------------------------------------------------------------------------

    def form(self, label):
        return self.shown(f'form[aria-label="{label}"]')

    def fill(self, label, **values):
        """Type into the form's fields by name; a select is chosen by value, a checkbox set to a bool."""
        form = self.form(label)
        for name, value in values.items():
            selector = f'[name="{name}"]:not([disabled])'
            control = self.wait(lambda d, selector=selector: self.one(selector, form), f"field {name}")
            if control.tag_name == "select":
                Select(control).select_by_value(str(value))
            elif control.get_attribute("type") == "checkbox":
                if control.is_selected() != bool(value):
                    control.click()
            elif control.get_attribute("type") == "radio":
                self.one(f'[name="{name}"][value="{value}"]', form).click()
            else:
                control.clear()
                control.send_keys(str(value))
        return form

    def submit(self, label, **values):
        form = self.fill(label, **values)
        self.one('button[type="submit"]', form).click()
        return form

    def press(self, text, within=None):
        """Click the visible button (or link, or summary) whose text starts with `text`."""

        def check(driver):
            for element in self.all("button, a, summary", within):
                if element.is_displayed() and element.is_enabled() and element.text.strip().startswith(text):
                    return element
            return None

        element = self.wait(check, f"a button {text!r}")
        element.click()
        return element

    def error_for(self, form_label, field):
        """The message the form shows next to `field` (waits for one)."""
        form = self.form(form_label)
        return self.wait(
            lambda d: self.one(f'[data-error-for="{field}"]', form).text.strip() or None, f"an error next to {field}"
        )

    def eventually(self, check, what, seconds=WAIT_SECONDS, every=None):
        """Poll `check` until truthy; `every` (a callable) runs between tries (e.g. a refresh)."""
        deadline = time.monotonic() + seconds
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {seconds}s for {what}")
            if every:
                every()
            time.sleep(0.25)

    # --- the browser's own state ----------------------------------------------------------------

    def token(self):
        return self.driver.execute_script("return sessionStorage.getItem('portal.token')")

    def sign_in_as(self, token):
        """Start a session with a token got over HTTP (to reach a page without the sign-in steps)."""
        self.driver.get(f"{self.base_url}/#/signin")
        self.driver.execute_script("sessionStorage.setItem('portal.token', arguments[0])", token)

    def forget_session(self):
        self.driver.get(f"{self.base_url}/#/signin")
        self.driver.execute_script("sessionStorage.clear(); localStorage.clear()")

    def console_problems(self):
        """What the page logged that a person would call a bug: script errors, policy violations."""
        entries = self.driver.get_log("browser")
        return [
            e["message"]
            for e in entries
            if e["level"] == "SEVERE"
            and (
                "Content Security Policy" in e["message"] or "Uncaught" in e["message"] or "SyntaxError" in e["message"]
            )
        ]

    def unlabelled(self):
        """The form controls on the page that no label names (hidden ones aside)."""
        return self.driver.execute_script("""
            return [...document.querySelectorAll('main input, main select, main textarea')]
              .filter((c) => c.type !== 'hidden' && !c.hidden)
              .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label'))
              .map((c) => c.outerHTML);""")

    def overflows(self):
        """How many pixels the page is wider than the window (0 when it fits)."""
        return self.driver.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
        )

    def downloads_to(self, folder):
        """Save what the page downloads into `folder` (Chromium asks no question headless)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
        return folder

    def downloaded(self, folder, pattern):
        """Wait for a whole file matching `pattern` in `folder`; answers (its name, its text)."""

        def done():
            found = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
            return found and not list(folder.glob("*.crdownload")) and found[0]

        path = self.eventually(done, f"a file {pattern} downloaded")
        return path.name, path.read_text(encoding="utf-8")

    def screenshot(self, name):
        """docs/screenshots/<name>.png of the whole page, at laptop width (only when asked for)."""
        if self.screenshots is None:
            return
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self.driver.execute_script("document.getElementById('toasts').replaceChildren(); window.scrollTo(0, 0)")
        width, height = self.driver.get_window_size().values()
        full = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, max(800, min(full + 100, 2400)))
        time.sleep(0.2)
        self.driver.save_screenshot(str(self.screenshots / f"{name}.png"))
        self.driver.set_window_size(width, height)
