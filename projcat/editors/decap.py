"""Decap CMS itself: its browser bundle and its local server, from npm at pinned versions.

Only a site whose `site.yaml` has `cms:` needs them, and only then Node.
Both are installed once into `ROOT/.cache/cms/` (ignored by git): the
bundle from `decap-cms`'s package, checked against the digest pinned here,
and `decap-server` for `serve --cms`, with `npm ci` from the lock file
shipped beside this module (`decap_server/package-lock.json`), which pins
every package it needs with its digest; no package's install script runs. The build copies the bundle into
`admin/`, so the published admin loads nothing from a CDN.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from projcat.problems import OutputError
from projcat.strings import N_

# The advice shown with the problems below (`Problem.hint` composes <code>.hint).
N_("cms.no_node.hint"), N_("cms.npm_failed.hint"), N_("cms.bad_download.hint"), N_("cms.port_taken.hint")

CMS_FOLDER = Path(".cache") / "cms"


@dataclass(frozen=True)
class NpmPackage:
    name: str
    version: str
    # npm's `dist.integrity` of the tarball: what `npm pack` fetched is checked against it.
    integrity: str = ""

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


DECAP_CMS = NpmPackage(
    "decap-cms", "3.16.3",
    "sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw==",
)
# Its dependencies' versions and digests are in the lock file: `decap_server/README` says how it was made.
DECAP_SERVER = NpmPackage("decap-server", "3.11.3")
SERVER_PACKAGE = "decap_server"
SERVER_FILES = ("package.json", "package-lock.json")
# The bundle's entry script; webpack loads its numbered chunks from beside it.
ENTRY = "decap-cms.js"


def tools_folder(root: Path) -> Path:
    # Absolute: npm runs in a folder of its own and reads relative paths from there.
    return root.resolve() / CMS_FOLDER


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise OutputError("cms.no_node", "site.yaml")
    return npm


def _run_npm(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run([_npm(), *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise OutputError("cms.npm_failed", "site.yaml", detail=str(exc)) from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise OutputError("cms.npm_failed", "site.yaml", detail=lines[-1] if lines else f"exit {done.returncode}")
    return done.stdout


def bundle_folder(root: Path) -> Path:
    return tools_folder(root) / f"{DECAP_CMS.name}-{DECAP_CMS.version}"


def _bundle_wanted(name: str) -> bool:
    # The entry, its chunks, their WebAssembly modules and the licence notice; not the other build's.
    return name == ENTRY or name.endswith((f".{ENTRY}", f"{ENTRY}.LICENSE.txt", ".wasm"))


def install_bundle(root: Path) -> Path:
    """The folder holding Decap's bundle, fetched with `npm pack` when it is not there yet."""
    folder = bundle_folder(root)
    if (folder / ENTRY).is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as work:
        out = _run_npm(["pack", DECAP_CMS.spec, "--silent", "--pack-destination", work], Path(work))
        tgz = Path(work) / out.strip().splitlines()[-1]
        data = tgz.read_bytes()
        got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        if got != DECAP_CMS.integrity:
            raise OutputError("cms.bad_download", "site.yaml", value=DECAP_CMS.spec)
        staged = Path(work) / "bundle"
        staged.mkdir()
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                name = member.name.removeprefix("package/")
                if member.isfile() and (name == "LICENSE" or (name.startswith("dist/")
                                                              and _bundle_wanted(name[len("dist/"):]))):
                    source = archive.extractfile(member)
                    assert source is not None
                    (staged / Path(name).name).write_bytes(source.read())
        # One rename: the folder is there whole or not at all.
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staged, folder)
    return folder


@cache
def _read_bundle(folder: Path, stamp: int) -> dict[str, bytes]:
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir()) if file.is_file()}


def decap_bundle(root: Path) -> dict[str, bytes]:
    """Decap's files by name, as copied into `admin/`; read once per process."""
    folder = install_bundle(root)
    return _read_bundle(folder, (folder / ENTRY).stat().st_mtime_ns)


def server_files() -> dict[str, bytes]:
    """The package.json naming decap-server at its pinned version and the lock file pinning the rest."""
    folder = resources.files("projcat.editors").joinpath(SERVER_PACKAGE)
    return {name: folder.joinpath(name).read_bytes() for name in SERVER_FILES}


def server_folder(root: Path) -> Path:
    """Where decap-server is installed: named by the lock file's digest, so a new lock installs anew
    rather than trusting what an older (or an unlocked) install left."""
    digest = hashlib.sha256(server_files()["package-lock.json"]).hexdigest()[:16]
    return tools_folder(root) / f"{DECAP_SERVER.name}-{DECAP_SERVER.version}-{digest}"


def server_script(root: Path) -> Path:
    """decap-server's start script, installed with `npm ci` from the shipped lock when it is not there yet.

    `npm ci` installs exactly the lock's versions and refuses a package whose digest differs;
    `--ignore-scripts` keeps any package's install scripts from running on the editor's computer."""
    folder = server_folder(root)
    script = folder / "node_modules" / DECAP_SERVER.name / "dist" / "index.js"
    if script.is_file():
        return script
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as work:
        staged = Path(work) / "server"
        staged.mkdir()
        for name, data in server_files().items():
            (staged / name).write_bytes(data)
        _run_npm(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"], staged)
        if not (staged / script.relative_to(folder)).is_file():
            raise OutputError("cms.npm_failed", "site.yaml", detail=f"{DECAP_SERVER.spec}: dist/index.js")
        # One rename, as for the bundle: a broken install is never left where the next run would trust it.
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staged, folder)
    return script


def start_local_backend(root: Path, port: int) -> subprocess.Popen[bytes]:
    """decap-server in local mode: the admin opened on this computer reads and writes `root`'s files.

    It listens on 127.0.0.1 only; the caller stops it."""
    script = server_script(root)
    node = shutil.which("node")
    if node is None:
        raise OutputError("cms.no_node", "site.yaml")
    env = dict(os.environ, PORT=str(port), BIND_HOST="127.0.0.1", MODE="fs",
               GIT_REPO_DIRECTORY=str(root.resolve()), LOG_LEVEL="warn")
    return subprocess.Popen([node, str(script)], cwd=root, env=env, stdin=subprocess.DEVNULL)


# How long decap-server may take to listen before `serve --cms` gives up on it.
START_SECONDS = 30.0


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def local_backend(root: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """decap-server for as long as the block runs, listening before the block starts; stopped after."""
    if _listening(port):
        raise OutputError("cms.port_taken", "site.yaml", value=str(port))
    process = start_local_backend(root, port)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise OutputError("cms.server_failed", "site.yaml", value=str(port))
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    """Install both into `./.cache/cms/`, as the test tools' set-up does before the browser tests."""
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path()
    print(install_bundle(root))
    print(server_script(root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
