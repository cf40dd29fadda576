"""No data leaves the machine: analysing, scoring a folder and running the app open
no network connection to anything but this computer.

Each command runs in a real subprocess whose Python carries an audit hook
(``sys.addaudithook``, installed by a ``sitecustomize.py`` on ``PYTHONPATH``; child
processes such as batch workers inherit it). The hook writes every
``socket.connect``, ``socket.sendto``, ``socket.bind``, ``socket.getaddrinfo`` and
``socket.gethostbyname`` destination to a log; the tests assert that every one is
loopback (or a Unix socket). A positive control shows the hook does catch an
outside connection. The app runs as ``streamlit run app.py`` with the repository's
``.streamlit/config.toml`` and no privacy flags on the command line, and is driven
by Debian's Chromium; every request the page makes must go to the local server.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE = ROOT / "sample_images" / "ink-black-a4.jpg"

SITECUSTOMIZE = """
import os, sys

_LOG = os.environ.get("FOOTPRINT_NET_LOG")
_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind",
           "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
           "socket.gethostbyaddr"}


def _write(line):
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line.replace("\\n", " ") + "\\n").encode("utf-8", "replace"))
    finally:
        os.close(fd)


def _hook(event, args):
    if event not in _EVENTS:
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
        family = int(getattr(args[0], "family", -1))
        dest = args[1] if len(args) > 1 else None
    else:
        family, dest = -1, args[0]
    _write(f"{os.getpid()}\\t{event}\\t{family}\\t{dest!r}")


if _LOG:
    _write(f"{os.getpid()}\\tstart\\t-1\\t{sys.argv[:2]!r}")
    sys.addaudithook(_hook)
"""

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_local(family: int, dest: object) -> bool:
    """True for loopback addresses and names, Unix sockets, and 'no host'."""
    import socket

    if family == socket.AF_UNIX:
        return True
    host = dest[0] if isinstance(dest, tuple) else dest
    if host in (None, "", b""):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if str(host).lower() in LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False  # any other name would be looked up: not local
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _read_log(path: Path) -> tuple[set[int], list[tuple[int, str, int, object]]]:
    """(process ids that started under the hook, socket events)."""
    import ast

    pids: set[int] = set()
    events = []
    if not path.exists():
        return pids, events
    for line in path.read_text().splitlines():
        pid, event, family, dest = line.split("\t", 3)
        if event == "start":
            pids.add(int(pid))
            continue
        try:
            value = ast.literal_eval(dest)
        except (ValueError, SyntaxError):
            value = dest
        events.append((int(pid), event, int(family), value))
    return pids, events


def _outside(events: list[tuple[int, str, int, object]]) -> list[tuple[int, str, int, object]]:
    return [e for e in events if not _is_local(e[2], e[3])]


def _hooked_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "net.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(hook_dir), str(ROOT)])
    env["FOOTPRINT_NET_LOG"] = str(log)
    env["FOOTPRINT_DATA_DIR"] = str(tmp_path / "data")  # never the user's records
    env.pop("FOOTPRINT_DB_URL", None)
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env.pop(proxy, None)
    return env, log


def test_the_hook_catches_an_outside_connection(tmp_path: Path) -> None:
    """Positive control: the same hook logs a connection to a non-loopback address."""
    env, log = _hooked_env(tmp_path)
    code = (
        "import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.connect(('192.0.2.1', 9))\n"  # TEST-NET-1: UDP connect sends nothing
        "socket.getaddrinfo('localhost', 80)\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    pids, events = _read_log(log)
    assert len(pids) == 1
    assert [(e[1], e[3]) for e in _outside(events)] == [("socket.connect", ("192.0.2.1", 9))]
    assert any(e[1] == "socket.getaddrinfo" and e[3] == "localhost" for e in events)


def test_analysing_a_photo_opens_no_connection(tmp_path: Path) -> None:
    env, log = _hooked_env(tmp_path)
    out = subprocess.run(
        [str(BIN / "footprint"), "analyse", str(SAMPLE), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert '"arch_index"' in out.stdout
    pids, events = _read_log(log)
    assert pids  # the CLI ran under the hook
    assert _outside(events) == []


def test_scoring_a_folder_with_workers_opens_no_connection(tmp_path: Path) -> None:
    env, log = _hooked_env(tmp_path)
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("ink-black-a4.jpg", "wet-concrete-a4.jpg", "podograph-letter.jpg"):
        shutil.copy(ROOT / "sample_images" / name, photos / name)
    out = subprocess.run(
        [
            str(BIN / "footprint"),
            "score",
            str(photos),
            "-o",
            str(tmp_path / "rows.csv"),
            "--jobs",
            "2",
            "--overlays",
            str(tmp_path / "overlays"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode in (0, 1), out.stderr
    rows = (tmp_path / "rows.csv").read_text().splitlines()
    assert len(rows) >= 4  # header + at least one row per photo
    pids, events = _read_log(log)
    assert len(pids) >= 3  # the CLI and its two spawned workers all ran under the hook
    assert _outside(events) == []


# --------------------------------------------------------------------------- #
# the app: real server, real Chromium
# --------------------------------------------------------------------------- #
@pytest.mark.browser
@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(), reason="Debian's /usr/bin/chromium is not installed"
)
def test_app_in_a_browser_talks_only_to_localhost(tmp_path: Path) -> None:
    from browser_helpers import chromium, free_port, settle, streamlit_process

    env, log = _hooked_env(tmp_path)
    # the effective configuration of `streamlit run` from the repository, no flags
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    effective = {
        line.split("=", 1)[0].strip(): line.split("=", 1)[1].strip()
        for line in shown.stdout.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    assert effective["gatherUsageStats"] == "false"
    assert effective["address"] == '"localhost"'

    port = free_port()
    server_log = tmp_path / "streamlit.log"
    requests: list[str] = []
    base = f"http://localhost:{port}"
    with streamlit_process(
        ["--server.port", str(port)], env=env, logfile=server_log, url=base
    ) as proc:
        with chromium() as browser:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.on("request", lambda req: requests.append(req.url))
            page.goto(base, wait_until="domcontentloaded")
            page.locator('input[type="file"]').first.wait_for(state="attached", timeout=60_000)
            page.locator('input[type="file"]').first.set_input_files(str(SAMPLE))
            label = page.locator('[data-testid="stMetricLabel"]', has_text="Arch index")
            label.first.wait_for(timeout=90_000)
            settle(page, quiet_ms=500)  # charts and images drawn, then any late requests
            for path in ("guide", "about", "clinic-patients"):
                page.goto(f"{base}/{path}", wait_until="domcontentloaded")
                page.locator("h1").first.wait_for(timeout=60_000)
                page.wait_for_timeout(500)
            context.close()
    text = server_log.read_text(errors="replace")
    assert "Traceback" not in text, text
    pids, events = _read_log(log)
    assert proc.pid in pids  # the server ran under the hook
    assert _outside(events) == []
    binds = [e for e in events if e[0] == proc.pid and e[1] == "socket.bind" and e[2] in (2, 10)]
    assert binds and all(_is_local(e[2], e[3]) for e in binds)  # listens on loopback only
    assert len(requests) > 10  # the pages did load through the server
    foreign = [
        u
        for u in requests
        if not u.startswith(
            (f"http://localhost:{port}/", f"ws://localhost:{port}/", "data:", "blob:", "about:")
        )
    ]
    assert foreign == []
