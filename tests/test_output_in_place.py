"""A small change replaces just its files in the output folder; a large one swaps in a new tree;
a mix of old and new files left by a killed update is put right by the next build."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from projcat.engine.output import write_site


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _site(pages: int) -> dict[str, bytes]:
    files = {f"hankkeet/h{n:03d}/index.html": f"<p>hanke {n}</p>".encode() for n in range(pages)}
    files["index.html"] = b"<p>etusivu</p>"
    files["feed.xml"] = b"<feed/>"
    return files


def test_a_small_change_replaces_only_its_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = _site(50)
    write_site(files, out)
    folder_inode = out.stat().st_ino
    inodes = {rel: (out / rel).stat().st_ino for rel in files}
    files["hankkeet/h007/index.html"] = b"<p>muutettu</p>"
    files["index.html"] = b"<p>uusi etusivu</p>"
    del files["hankkeet/h010/index.html"]
    files["hankkeet/uusi/index.html"] = b"<p>uusi hanke</p>"
    report = write_site(files, out)
    assert sorted(report.changed_paths) == ["hankkeet/h007/index.html", "hankkeet/uusi/index.html", "index.html"]
    assert out.stat().st_ino == folder_inode  # the folder itself was not swapped
    assert {rel: (out / rel).stat().st_ino for rel in files if rel in inodes and rel not in report.changed_paths} \
        == {rel: inodes[rel] for rel in files if rel in inodes and rel not in report.changed_paths}
    assert _digest(out) == {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    assert not (out / "hankkeet" / "h010").exists()  # its emptied folder went with it
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary left beside it


def test_a_large_change_swaps_in_a_new_tree(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = _site(50)
    write_site(files, out)
    folder_inode = out.stat().st_ino
    files = {rel: data + b"<!-- uusi -->" for rel, data in files.items()}
    write_site(files, out)
    assert out.stat().st_ino != folder_inode
    assert _digest(out) == {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}


def test_a_file_becoming_a_folder_takes_the_new_tree_path(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = _site(50)
    files["liite"] = b"tiedosto"
    write_site(files, out)
    del files["liite"]
    files["liite/index.html"] = b"nyt kansio"
    write_site(files, out)
    assert (out / "liite" / "index.html").read_bytes() == b"nyt kansio"


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_mix_left_by_a_killed_update_is_put_right_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = _site(50)
    write_site(files, out)
    # What an update killed between its renames leaves: one file new, one old, its temporary folder.
    staging = tmp_path / f".site.tmp-{_dead_pid()}-abc"
    staging.mkdir()
    (staging / "1").write_bytes(b"<p>uusi etusivu</p>")
    (out / "hankkeet" / "h003" / "index.html").write_bytes(b"<p>uusi 3</p>")
    report = write_site(files, out)  # the next build, of the content as it was
    assert report.changed_paths == ("hankkeet/h003/index.html",)
    assert _digest(out) == {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    assert not staging.exists()
