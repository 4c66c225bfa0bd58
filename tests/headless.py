"""A real headless Chromium driven over the Chrome DevTools Protocol, with no extra package.

Chromium is started with ``--remote-debugging-pipe``: it reads CDP commands from file
descriptor 3 and writes replies and events to descriptor 4, each message JSON ended by a NUL
byte. No port, no websocket library, no driver binary; only Debian's ``chromium`` package.

:func:`load_page` opens one page, records every failed request, every request that is not local
(``file:`` or ``data:``), every script exception, JavaScript dialog and console error, evaluates
an expression once the page has loaded, and saves a full-page screenshot. Used by the report's
browser test and by ``scripts/report_screenshot.py``.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """The Chromium binary: ``$NORMNEWS_CHROMIUM``, else the first on PATH."""
    named = os.environ.get("NORMNEWS_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLoad:
    """What happened while a page loaded."""

    loaded: bool = False
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    value: Any = None
    """The result of the expression evaluated after load."""


class _Pipe:
    """One CDP connection over Chromium's pipe."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self.to_browser = to_browser
        self.from_browser = from_browser
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            # Wait with a deadline: a blocking read on a Chromium that hangs (or whose helper
            # processes keep the pipe open after it died) would hang the whole test run.
            remaining = deadline - time.monotonic()
            ready = select.select([self.from_browser], [], [], max(0.0, remaining))[0]
            if not ready:
                raise TimeoutError("Chromium sent nothing in time")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        """Send one command and wait for its reply (events meanwhile are kept)."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self._event(reply)

    def _event(self, message: dict[str, Any]) -> None:
        """Keep an event; dismiss a JavaScript dialog at once (an open alert() would block
        the page, and the load with it), so the dialog is reported instead of a time-out."""
        self.events.append(message)
        if message["method"] == "Page.javascriptDialogOpening":
            self.next_id += 1
            dismiss: dict[str, Any] = {
                "id": self.next_id,
                "method": "Page.handleJavaScriptDialog",
                "params": {"accept": True},
            }
            if message.get("sessionId"):
                dismiss["sessionId"] = message["sessionId"]
            os.write(self.to_browser, json.dumps(dismiss).encode() + b"\0")

    def wait_for(self, method: str, timeout: float) -> bool:
        """Wait until event ``method`` has arrived (True) or the time is up (False)."""
        deadline = time.monotonic() + timeout
        while not any(e["method"] == method for e in self.events):
            try:
                message = self._read_message(deadline)
            except TimeoutError:
                return False
            if "method" in message:
                self._event(message)
        return True


def load_page(
    url: str,
    *,
    screenshot: Path | None = None,
    evaluate: str = "true",
    width: int = 1366,
    height: int = 900,
    timeout: float = 60.0,
    chromium: str | None = None,
) -> PageLoad:
    """Open ``url`` in a fresh headless Chromium and report how the load went.

    Args:
        url: The page (a ``file://`` URL for a report).
        screenshot: Where to save a full-page PNG, if anywhere.
        evaluate: A JavaScript expression evaluated after load; its value is returned.
        width: Viewport width in CSS pixels (1366: a common laptop screen).
        height: Viewport height.
        timeout: Seconds for the load event.
        chromium: The binary (default :func:`find_chromium`).

    Returns:
        What happened.
    """
    binary = chromium or find_chromium()
    if binary is None:
        raise FileNotFoundError("no Chromium found (install Debian's chromium package)")
    profile = tempfile.mkdtemp(prefix="normnews-chromium-")
    to_read, to_browser = os.pipe()
    from_browser, to_write = os.pipe()

    def as_fds_3_and_4() -> None:
        # In the child, before exec: Chromium reads commands on fd 3 and writes on fd 4. Moved
        # up first, so a pipe end that is already 3 or 4 is not overwritten by the other.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_read, to_write)]
        for target, fd in zip((3, 4), high, strict=True):
            os.dup2(fd, target)
            os.close(fd)

    proc = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        # close_fds=False keeps fds 3 and 4 (dup2 makes them inheritable); every other fd
        # Python opened is close-on-exec anyway.
        close_fds=False,
        preexec_fn=as_fds_3_and_4,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(to_read)
    os.close(to_write)
    pipe = _Pipe(to_browser, from_browser)
    result = PageLoad()
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Network", "Runtime", "Log"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        pipe.events.clear()
        pipe.call("Page.navigate", {"url": url}, session=session)
        result.loaded = pipe.wait_for("Page.loadEventFired", timeout)
        # Let late requests and errors arrive: a round trip flushes what is queued.
        pipe.call("Runtime.evaluate", {"expression": "1"}, session=session)
        value = pipe.call(
            "Runtime.evaluate",
            {"expression": evaluate, "returnByValue": True, "awaitPromise": True},
            session=session,
        )
        if "exceptionDetails" in value:
            result.script_errors.append(f"evaluate: {_exception_text(value['exceptionDetails'])}")
        result.value = value.get("result", {}).get("value")
        if screenshot is not None:
            shot = pipe.call(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True},
                session=session,
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        _collect(pipe.events, result)
        with contextlib.suppress(ConnectionError, TimeoutError, RuntimeError):
            pipe.call("Browser.close", timeout=5)
    finally:
        os.close(to_browser)
        os.close(from_browser)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return result


def _collect(events: list[dict[str, Any]], result: PageLoad) -> None:
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            result.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            result.failed_requests.append(f"{params.get('errorText')} ({params.get('requestId')})")
        elif method == "Network.responseReceived" and params["response"].get("status", 200) >= 400:
            result.failed_requests.append(
                f"HTTP {params['response']['status']} {params['response']['url']}"
            )
        elif method == "Page.javascriptDialogOpening":
            result.script_errors.append(f"a {params.get('type')} dialog: {params.get('message')}")
        elif method == "Runtime.exceptionThrown":
            result.script_errors.append(_exception_text(params.get("exceptionDetails", {})))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            result.console_errors.append(json.dumps(params.get("args", []))[:500])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            result.console_errors.append(str(params["entry"].get("text")))


def _exception_text(details: dict[str, Any]) -> str:
    """The exception's own message first (``Error: …``), then where it was thrown: a cut of
    the raw JSON could lose the message behind a long file URL."""
    message = details.get("exception", {}).get("description") or details.get("text", "")
    where = f"{details.get('url', '')}:{details.get('lineNumber', '?')}"
    return f"{str(message).splitlines()[0] if message else 'exception'} (at {where})"
