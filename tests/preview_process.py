"""A real `python build.py serve` in a subprocess, as an editor starts it, for the preview tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import FIXTURE_AS_OF, REPO

ADDRESS = re.compile(r"(http://127\.0\.0\.1:(\d+)/\S*)")
REBUILT = "Rakennettu uudelleen"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PreviewProcess:
    """Starts `serve` with its own TMPDIR, so the test can see the temporary folder and its removal."""

    def __init__(self, root: Path, tmpdir: Path, *args: str, port: int | None = None, wait: bool = True) -> None:
        self.tmpdir = tmpdir
        tmpdir.mkdir(parents=True, exist_ok=True)
        self.port_asked = port or free_port()
        env = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(tmpdir))
        env.pop("PROJCAT_DEBUG", None)
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
             "--port", str(self.port_asked), "--as-of", FIXTURE_AS_OF.isoformat(), *args],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8",
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = ""
        if wait:
            match = self.wait_for(ADDRESS)
            self.url = match.group(1)
            self.port = int(match.group(2))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def mark(self) -> int:
        """A position in the output; `since(mark)` is what was printed after it."""
        with self._changed:
            return len(self.lines)

    def since(self, mark: int) -> list[str]:
        with self._changed:
            return list(self.lines[mark:])

    def wait_for(self, pattern: re.Pattern[str] | str, since: int = 0, timeout: float = 60) -> re.Match[str]:
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[since:]:
                    match = regex.search(line)
                    if match:
                        return match
                if self.process.poll() is not None and not self._reader.is_alive():
                    raise AssertionError(f"serve exited ({self.process.returncode}) before {regex.pattern!r}:\n"
                                         + "\n".join(self.lines))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {regex.pattern!r} within {timeout} s:\n" + "\n".join(self.lines))
                self._changed.wait(min(left, 0.5))

    def served_folder(self) -> Path:
        folders = list(self.tmpdir.glob("projcat-preview-*/site"))
        assert len(folders) == 1, folders
        return folders[0]

    def stop(self, signum: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._reader.join(timeout=10)
        return code


def save_by_rename(path: Path, text: str) -> None:
    """As editors that write a temporary file and rename it over the original save."""
    temporary = path.with_name(f".{path.name}.tmp-save")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def started(root: Path, tmp_path: Path, *args: str) -> PreviewProcess:
    return PreviewProcess(root, tmp_path / "preview-tmp", *args)


def stopped_cleanly(server: PreviewProcess) -> None:
    """What every preview test ends with: Ctrl-C exits 0, no traceback was ever printed."""
    code = server.stop()
    assert code == 0, server.output
    assert "Traceback" not in server.output, server.output


def field_of(path: Path, field: str) -> str:
    match = re.search(rf"^{field}: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"no {field} in {path}"
    return match.group(1)


def with_field(path: Path, field: str, value: str) -> str:
    """The record's text with its top-level `field` set to `value`, replaced or added."""
    text = path.read_text(encoding="utf-8")
    line = re.compile(rf"^{field}: .*$", re.MULTILINE)
    if line.search(text):
        return line.sub(lambda _: f"{field}: {value}", text, count=1)
    return text.replace("---\n", f"---\n{field}: {value}\n", 1)
