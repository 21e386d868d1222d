"""One small driver interface over three browser engines, for tests/engines.

    engine.goto(url)      navigate; returns at the load event
    engine.run(body)      run a JS function body in the page, return its `return` value (JSON)
    engine.reset()        a fresh cookie jar
    engine.cookies()      [{name, value, expires}] of the current page's site
    engine.close()

Chromium: Playwright (pytest-playwright's browser). Firefox: puppeteer-core over WebDriver
BiDi, in Node (tests/engines/firefox.js; geckodriver is not needed). WebKit: WebKitGTK's
MiniBrowser through Selenium and WebKitWebDriver, on a private Xvfb display.

Rule: an engine that cannot start raises EngineUnavailable with what is missing and how
`./dev setup` installs it; the tests then fail, never skip.
"""

import json
import os
import shutil
import subprocess
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
SETUP_HINT = "run `./dev setup` (apt-get install firefox-esr webkit2gtk-driver xvfb; npm ci in tests/engines)"


class EngineUnavailable(Exception):
    """The engine cannot start on this machine; the message says what is missing."""


class ChromiumEngine:
    name = "chromium"

    def __init__(self, browser):
        self.browser = browser
        self.context = None
        self.reset()

    def goto(self, url):
        self.page.goto(url, wait_until="load")

    def run(self, body):
        return self.page.evaluate("() => {" + body + "\n}")

    def reset(self):
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context()
        self.page = self.context.new_page()

    def cookies(self):
        return [{"name": c["name"], "value": c["value"], "expires": c["expires"]}
                for c in self.context.cookies()]

    def close(self):
        if self.context is not None:
            self.context.close()


class FirefoxEngine:
    """Firefox ESR over WebDriver BiDi, through tests/engines/firefox.js."""

    name = "firefox"

    def __init__(self):
        if not os.path.exists(FIREFOX):
            raise EngineUnavailable("%s is missing: %s" % (FIREFOX, SETUP_HINT))
        if not (HERE / "node_modules" / "puppeteer-core").is_dir():
            raise EngineUnavailable("puppeteer-core is not installed in tests/engines: " + SETUP_HINT)
        node = shutil.which("node")
        if node is None:
            raise EngineUnavailable("node is missing: " + SETUP_HINT)
        self.proc = subprocess.Popen([node, str(HERE / "firefox.js"), FIREFOX], cwd=str(HERE),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        first = self.proc.stdout.readline()
        if not first:
            error = self.proc.stderr.read()[-2000:]
            self.close()
            raise EngineUnavailable("Firefox driver exited: " + error)
        answer = json.loads(first)
        if not answer["ok"]:
            self.close()
            raise EngineUnavailable(answer["error"])
        self.version = answer["value"]["version"]

    def call(self, op, **args):
        self.proc.stdin.write(json.dumps(dict(args, op=op)) + "\n")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("Firefox driver exited: " + self.proc.stderr.read()[-2000:])
        answer = json.loads(line)
        if not answer["ok"]:
            raise RuntimeError("Firefox %s failed: %s" % (op, answer["error"]))
        return answer["value"]

    def goto(self, url):
        self.call("goto", url=url)

    def run(self, body):
        return self.call("run", body=body)

    def reset(self):
        self.call("reset")

    def cookies(self):
        return self.call("cookies")

    def close(self):
        try:
            self.call("quit")
            self.proc.wait(15)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            pipe.close()


class WebKitEngine:
    """WebKitGTK's MiniBrowser (--automation) through WebKitWebDriver and Selenium, on a
    private Xvfb display (WebKitGTK has no headless mode)."""

    name = "webkit"

    def __init__(self):
        for path in (WEBKIT_DRIVER, MINIBROWSER):
            if not os.path.exists(path):
                raise EngineUnavailable("%s is missing: %s" % (path, SETUP_HINT))
        try:
            from selenium import webdriver
            from selenium.webdriver.webkitgtk.options import Options
            from selenium.webdriver.webkitgtk.service import Service
        except ImportError:
            raise EngineUnavailable("selenium is not installed: pip install -e '.[dev]'")
        self.xvfb = None
        env = dict(os.environ, DISPLAY=self.start_xvfb())
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        try:
            with warnings.catch_warnings():
                # Selenium's WebKitGTK driver uses its own deprecated RemoteConnection argument.
                warnings.simplefilter("ignore", DeprecationWarning)
                self.driver = webdriver.WebKitGTK(options=options,
                                                  service=Service(WEBKIT_DRIVER, env=env))
        except Exception as error:
            self.stop_xvfb()
            raise EngineUnavailable("WebKitGTK did not start: %s" % error)
        self.driver.set_script_timeout(20)
        self.driver.set_page_load_timeout(20)
        self.version = self.driver.capabilities.get("browserVersion", "?")

    def start_xvfb(self):
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            raise EngineUnavailable("Xvfb is missing: " + SETUP_HINT)
        read, write = os.pipe()
        self.xvfb = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x720x24",
                                      "-nolisten", "tcp"], pass_fds=[write],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read, 16)
            if not chunk:
                break
            number += chunk
        os.close(read)
        if not number.strip():
            self.stop_xvfb()
            raise EngineUnavailable("Xvfb did not start")
        return ":" + number.decode().strip()

    def stop_xvfb(self):
        if self.xvfb is not None:
            self.xvfb.terminate()
            self.xvfb.wait()
            self.xvfb = None

    def goto(self, url):
        self.driver.get(url)

    def run(self, body):
        return self.driver.execute_script(body)

    def reset(self):
        # Cookies are per site and every test page is on the collector's origin.
        if self.driver.current_url.startswith("http"):
            self.driver.delete_all_cookies()

    def cookies(self):
        return [{"name": c["name"], "value": c["value"], "expires": c.get("expiry", -1)}
                for c in self.driver.get_cookies()]

    def close(self):
        try:
            self.driver.quit()
        finally:
            self.stop_xvfb()
