"""Real Senapas processes for the soak and the multi-process tests: `senapas serve` and `senapas worker`.

Each runs as its own process group, with its output in a file, so that a run can find the
gunicorn workers of a server, kill one of them, and stop everything it started (and nothing else).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
SENAPAS = [sys.executable, "-c", "from web.cli import main; main()"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_url_with_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema` first (for a private test schema)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@dataclass
class Started:
    """One started process: its command line, its output file, the Popen."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    _out: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        """The process id (the leader of its process group)."""
        return self.popen.pid

    def children(self) -> list[int]:
        """The ids of its direct children (a gunicorn master's workers)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                found.append(int(entry.name))
        return sorted(found)

    def tail(self, chars: int = 3000) -> str:
        """The end of its output."""
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> None:
        """Ask its process group to end (SIGTERM), then kill what is left."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait()
            except ProcessLookupError:
                pass
        if self._out is not None:
            self._out.close()
            self._out = None


def start(name: str, args: list[str], env: dict[str, str], folder: Path) -> Started:
    """Start `senapas <args>` in a new process group with `env` added, output to `folder/<name>.log`."""
    log = folder / f"{name}.log"
    out = log.open("ab")
    popen = subprocess.Popen([*SENAPAS, *args], cwd=ROOT, env={**os.environ, **env}, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
    return Started(name, popen, log, out)


def serve(name: str, port: int, env: dict[str, str], folder: Path, workers: int = 2,
          wait: float = 90) -> Started:
    """`senapas serve` on 127.0.0.1:port, once it accepts connections and has forked its `workers` gunicorn workers."""
    started = start(name, ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)], env, folder)
    deadline = time.monotonic() + wait
    while True:
        if started.popen.poll() is not None:
            raise RuntimeError(f"{name} exited: {started.tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            if len(started.children()) >= workers:
                return started
            raise OSError("workers not forked yet")
        except OSError:
            if time.monotonic() > deadline:
                started.stop()
                raise RuntimeError(f"{name} did not listen within {wait:.0f} s: {started.tail()}") from None
            time.sleep(0.1)


def rss_kib(pid: int) -> int:
    """The resident memory of a process in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
