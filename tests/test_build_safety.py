"""The same content gives the same bytes, and a killed build leaves the previous site exactly as it was."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import FIXTURE_SITE, REPO, copy_site


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _build(root: Path, out: Path, seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "--out", str(out),
         "--as-of", "2021-10-26"],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=300,
    )


def test_builds_are_byte_identical_under_different_hash_seeds(tmp_path: Path) -> None:
    for root in (REPO, FIXTURE_SITE):
        digests = []
        for seed in ("0", "1", "4242"):
            out = tmp_path / f"{root.name}-{seed}"
            result = _build(root, out, seed)
            assert result.returncode == 0, result.stderr
            digests.append(_digest(out))
        assert digests[0] == digests[1] == digests[2]
        assert len(digests[0]) > 5


def _large_site(root: Path, records: int) -> None:
    copy_site(FIXTURE_SITE, root)
    projects = root / "content" / "projects"
    themes = ["asuminen", "hyvinvointi", "ilmasto"]
    for i in range(records):
        (projects / f"hanke-{i:05d}.md").write_text(
            f"---\ntitle: Generoitu hanke {i}\ntheme: {themes[i % 3]}\nstart: 20{10 + i % 15}-01\n"
            f"end: 20{12 + i % 15}-06-30\nlead: Testilän kaupunki\n---\n\n"
            + "Hankkeen kuvaus, jossa on useampi virke. " * 20 + "\n\n## Tavoitteet\n\n- yksi\n- kaksi\n",
            encoding="utf-8",
        )


def test_a_build_killed_while_writing_leaves_the_previous_site(tmp_path: Path) -> None:
    root = tmp_path / "iso"
    _large_site(root, 800)
    first = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root),
                            "--as-of", "2021-10-26"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    site = root / "site"
    before = _digest(site)
    assert len(before) > 800
    # Every page changes: the next build rewrites every file.
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("Testihankkeet", "Uudet hankkeet"),
                         encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(REPO / "build.py"), "build", "--root", str(root),
                              "--as-of", "2021-10-26"], cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    prefix = f".site.tmp-{build.pid}-"
    deadline = time.monotonic() + 300
    killed_while_writing = False
    while time.monotonic() < deadline and build.poll() is None:
        temporaries = [p for p in root.iterdir() if p.name.startswith(prefix)]
        if temporaries and (temporaries[0] / "hankkeet").is_dir():
            written = sum(1 for _ in (temporaries[0] / "hankkeet").iterdir())
            if written >= 10 and build.poll() is None:
                os.kill(build.pid, signal.SIGKILL)
                killed_while_writing = True
                break
        time.sleep(0.001)
    build.wait(timeout=60)
    assert killed_while_writing, "the build finished before it could be killed halfway"
    assert build.returncode == -signal.SIGKILL
    assert any(p.name.startswith(prefix) for p in root.iterdir())  # it had started writing beside site/
    assert _digest(site) == before
    # The next build cleans up after the killed one and completes.
    again = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root),
                            "--as-of", "2021-10-26"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert not any(p.name.startswith(".site.tmp-") for p in root.iterdir())
    assert "Uudet hankkeet" in (site / "index.html").read_text(encoding="utf-8")
