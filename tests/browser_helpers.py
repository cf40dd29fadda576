"""Shared pieces of the real-browser tests: a Streamlit server and Debian's Chromium.

The approach is the one of ``tests/test_e2e_browser.py``: ``streamlit run app.py``
headless on a free loopback port, driven by Playwright with the system
``/usr/bin/chromium`` (never a downloaded browser).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def streamlit_process(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    logfile: Path,
    url: str,
    start_timeout_s: float = 60.0,
) -> Iterator[subprocess.Popen]:
    """Run ``python -m streamlit run app.py *args`` from the repository; yield the process
    once ``url`` answers ``/_stcore/health``; stop it afterwards.

    Parameters
    ----------
    args : sequence of str
        Options after ``app.py``.
    env : mapping
        The server's whole environment.
    logfile : Path
        The server's stdout and stderr go here.
    url : str
        Base URL the server will answer on.
    start_timeout_s : float
        Seconds to wait for ``/_stcore/health``.
    """
    with logfile.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", *args],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env),
        )
        try:
            deadline = time.monotonic() + start_timeout_s
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start:\n" + logfile.read_text())
                time.sleep(0.3)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def streamlit_server(
    logfile: Path, *, env: Mapping[str, str] | None = None, start_timeout_s: float = 60.0
) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free loopback port; yield its base URL.

    Parameters
    ----------
    logfile : Path
        The server's stdout and stderr go here (read it after the block to
        check for tracebacks).
    env : mapping, optional
        Extra environment variables for the server (e.g. the records database).
    start_timeout_s : float
        Seconds to wait for ``/_stcore/health``.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **dict(env or {}))
    with streamlit_process(
        args, env=full_env, logfile=logfile, url=url, start_timeout_s=start_timeout_s
    ):
        yield url


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Playwright ``Browser`` on Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


#: True once the page is drawn: no script run in progress, no placeholder
#: skeleton, every image loaded and every Plotly chart drawn.
_DRAWN_JS = """() => {
  const busy = '[data-testid=stStatusWidget], [data-testid=stSkeleton]';
  if (document.querySelector(busy)) return false;
  if (![...document.querySelectorAll('img')].every(i => i.complete)) return false;
  return [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
    .every(c => c.querySelector('.main-svg'));
}"""


def settle(page: Any, *, quiet_ms: int = 300, timeout_ms: int = 60_000) -> None:
    """Wait until the page is drawn (see ``_DRAWN_JS``), then ``quiet_ms`` more for
    layout after the last change (charts resize to a new viewport)."""
    page.wait_for_function(_DRAWN_JS, timeout=timeout_ms)
    page.wait_for_timeout(quiet_ms)


def shoot(page: Any, name: str, *, width: int | None = None) -> Path:
    """Screenshot the whole Streamlit page into ``docs/screenshots/<name>``.

    Streamlit scrolls inside its main container, so the viewport is grown to
    the content's height for the picture and restored afterwards.
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 900)"
    )
    before = page.viewport_size or VIEWPORT
    w = width or before["width"]
    page.set_viewport_size({"width": w, "height": min(int(height) + 40, 6000)})
    settle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": before["width"], "height": before["height"]})
    return path
