"""The differential test of "Builds you can trust": a cached build equals a cold one, whatever was edited.

Hypothesis draws sequences of edits of every kind of input (`site_edits`):
record fields and bodies, translations, `site.yaml`'s texts, languages and
themes, photos and PDFs, the site's own templates and static files, renamed
and removed records, the as-of date, git commits and files touched without a
change. After each step the command line's `build` in the site folder, with
its cache in `ROOT/.cache/`, must equal `build --no-cache` of a copy of the
folder: the same files byte for byte, the same exit status, the same lines
printed. A preview builder kept alive across the steps must serve the same
bytes, and no build may publish a photo's metadata or a used photo as uploaded.

The run is bounded and derandomised for CI. A maintainer's soak run draws
more examples: `PROJCAT_SOAK=500 pytest tests/test_differential.py`.
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, currently_in_test_context, given, note, settings
from hypothesis import strategies as st
from PIL import Image, IptcImagePlugin
from site_edits import AS_OF, PROJECTS, PutImage, SetField, SetSiteText, SiteState, commit, edits, make_site, set_key

from media_files import jpeg_with_gps
from projcat import cli
from projcat.engine import pipeline
from projcat.preview.builder import Builder, Built

SOAK = int(os.environ.get("PROJCAT_SOAK", "0"))
# Each step is four builds (cached, cold, preview, and the check the image scan needs): a few long
# examples say more per second than many short ones, which spend their time making the site.
EXAMPLES = SOAK or 5
STEPS = 10 if SOAK else 6
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".avif")
# Pillow's names for the metadata a published image must not carry (an ICC profile is only colour).
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "iptc", "comment", "Comment")


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_build(root: Path, as_of: date, *extra: str) -> Outcome:
    """`python build.py build --root ROOT --as-of DAY ...` in this process: the same `cli.main`,
    stamp, disk cache load and save; the site folder's own path printed as ROOT."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["build", "--root", str(root), "--as-of", as_of.isoformat(), *extra])
    return Outcome(code, out.getvalue().replace(str(root), "ROOT"), err.getvalue().replace(str(root), "ROOT"))


def tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_sources(root: Path, target: Path) -> Path:
    """The site folder as an editor sees it (git history included), without its output and cache."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {"site", ".cache"} & set(names) if Path(folder) == root else set()

    shutil.copytree(root, target, ignore=ignore, symlinks=True)
    return target


def tree_difference(cached: dict[str, bytes], cold: dict[str, bytes]) -> str:
    """What differs, for a person: the paths, then a few lines of the first differing text file."""
    missing = sorted(cold.keys() - cached.keys())
    extra = sorted(cached.keys() - cold.keys())
    different = sorted(name for name in cached.keys() & cold.keys() if cached[name] != cold[name])
    lines = [f"missing from the cached build: {missing}", f"only in the cached build: {extra}",
             f"different: {different}"]
    for name in different:
        try:
            a, b = cached[name].decode().splitlines(), cold[name].decode().splitlines()
        except UnicodeDecodeError:
            continue
        diff = list(difflib.unified_diff(b, a, f"cold/{name}", f"cached/{name}", n=0, lineterm=""))
        lines += [line[:300] for line in diff[:12]]
        break
    return "\n".join(lines)


class ImageScan:
    """Published images carrying EXIF, XMP or IPTC, and used photos published as uploaded.

    Every image of the build is scanned: one under `static/` that no record uses is published
    as it is, but stripped of its metadata; one that a record uses only as its stripped variants."""

    def __init__(self, root: Path, as_of: date) -> None:
        used = {image.source for image in pipeline.check(root, as_of).media.images.values()}
        self.originals = {(root / source).read_bytes() for source in used if (root / source).is_file()}

    def problems(self, files: dict[str, bytes]) -> list[str]:
        found: list[str] = []
        for name, data in files.items():
            if data in self.originals:
                found.append(f"{name}: a used photo published as uploaded")
            if not name.lower().endswith(IMAGE_SUFFIXES):
                continue
            with Image.open(io.BytesIO(data)) as image:
                if image.getexif():
                    found.append(f"{name}: EXIF {dict(image.getexif())}")
                carried = [key for key in METADATA_KEYS if key in image.info]
                if carried:
                    found.append(f"{name}: {carried}")
                if image.format == "JPEG" and IptcImagePlugin.getiptcinfo(image) is not None:
                    found.append(f"{name}: IPTC")
        return found


class Comparison:
    """One example's site, its preview builder, and the check made after every step."""

    def __init__(self, tmp: Path, search: bool = False, photos: bool = True) -> None:
        self.tmp = tmp
        self.site: SiteState = make_site(tmp / "site", photos)
        self.options = () if search else ("--no-search",)
        self.preview = None if search else Builder(self.site.root, tmp / "preview", self.site.as_of)
        self.steps = 0

    def step(self, what: str) -> None:
        """Build after an edit and compare; every difference of the step is reported at once."""
        self.steps += 1
        # Printed with a failing example (Hypothesis) or with a failing plain test (captured output).
        (note if currently_in_test_context() else print)(f"step {self.steps}: {what}")
        root, as_of = self.site.root, self.site.as_of
        before = tree(root / "site")
        cached = run_build(root, as_of, *self.options)
        cold_root = copy_sources(root, self.tmp / f"cold-{self.steps}")
        wrong: list[str] = []
        try:
            cold = run_build(cold_root, as_of, *self.options, "--no-cache")
            if (cached.code, cached.stderr, cached.stdout) != (cold.code, cold.stderr, cold.stdout):
                wrong.append(f"the cached build printed or exited otherwise than a cold one\n"
                             f"cached {cached}\ncold   {cold}")
            built = tree(root / "site")
            expected = tree(cold_root / "site") if cold.code == 0 else before
            if built != expected:
                wrong.append(("cached site/ differs from a cold build" if cold.code == 0
                              else "a failed build changed site/") + "\n" + tree_difference(built, expected))
            if self.preview is not None:
                wrong += self._compare_preview(expected if cold.code == 0 else None, cold)
            if cold.code == 0:
                scanner = ImageScan(cold_root, as_of)
                builds = [("cached", built), ("cold", expected)]
                if self.preview is not None:
                    builds.append(("preview", self.preview.files))
                for name, files in builds:
                    wrong += [f"{name} build: {leak}" for leak in scanner.problems(files)]
        finally:
            shutil.rmtree(cold_root)
        if wrong:
            raise AssertionError(f"after step {self.steps} ({what}):\n" + "\n".join(wrong))

    def _compare_preview(self, expected: dict[str, bytes] | None, cold: Outcome) -> list[str]:
        """The preview's build of the same state: the cold build's files, or a failure when it failed."""
        assert self.preview is not None
        self.preview.as_of = self.site.as_of
        answer = self.preview.build()
        shown = [problem.format("fi") for problem in answer.problems]
        wrong = [f"the preview reports what a cold build does not: {line}" for line in shown
                 if line not in cold.stderr]
        if expected is None:
            return wrong + ([] if not isinstance(answer, Built) else ["the preview built where a cold build failed"])
        if not isinstance(answer, Built):
            return [*wrong, f"the preview failed where a cold build did not: {shown}"]
        if self.preview.files != expected:
            wrong.append("the preview differs from a cold build\n" + tree_difference(self.preview.files, expected))
        return wrong


def _run(steps: list[Any], search: bool = False, photos: bool = True) -> None:
    with tempfile.TemporaryDirectory(prefix="projcat-diff-") as tmp:
        comparison = Comparison(Path(tmp), search, photos)
        comparison.step("first build")
        for edit in steps:
            edit.apply(comparison.site)
            comparison.step(str(edit))


# No "explain" phase: tracing every line of a build for it made a failing run four times longer.
@settings(max_examples=EXAMPLES, derandomize=not SOAK, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(edits(), min_size=2, max_size=STEPS))
def test_a_cached_build_equals_a_cold_build_after_any_edits(steps: list[Any]) -> None:
    _run(steps)


def test_with_the_search_index_a_cached_build_equals_a_cold_build() -> None:
    """Pagefind's files too, through a record edit, a Swedish theme name and a title made invalid and fixed.

    Without photos: the Pagefind index is the subject here, not the images the other examples test."""
    _run([
        SetField(0, "summary", "summary: Hakusanat muuttuivat."),
        SetSiteText(("themes", 0, "name"), "sv", "Boende"),
        SetField(1, "title", "title: ''"),
        SetField(1, "title", "title: Korjattu otsikko"),
    ], search=True, photos=False)


def test_a_photo_no_record_uses_any_more_is_published_without_its_metadata() -> None:
    """`alfa` stops showing the phone's photo (GPS, camera) under `static/`: it is then the site's own
    file, published as it is but stripped; replaced while unused, and used again."""
    _run([
        SetField(0, "image", None),
        PutImage("puisto.jpg", 0, "small"),
        SetField(0, "image", "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto kesällä\n"),
    ])


def test_regression_a_used_photo_keeps_its_page_after_another_record_is_edited(tmp_path: Path) -> None:
    """Defect 1: after a cached rebuild, the page lost its image and the photo was published with its GPS."""
    site = make_site(tmp_path / "site", photos=False)
    root = site.root
    photo = jpeg_with_gps(root / "static" / "kuvat" / "puisto.jpg")
    record = root / PROJECTS / "alfa.md"
    record.write_text(set_key(record.read_text(encoding="utf-8"), "image",
                              "image:\n  src: /kuvat/puisto.jpg\n  alt: Puisto kesällä\n"), encoding="utf-8")
    commit(root, date(2025, 2, 1))
    assert run_build(root, AS_OF, "--no-search").code == 0
    page = (root / "site" / "hankkeet" / "alfa" / "index.html").read_text(encoding="utf-8")
    assert "<picture" in page and not (root / "site" / "kuvat" / "puisto.jpg").exists()
    other = root / PROJECTS / "hulevesi.md"
    other.write_text(other.read_text(encoding="utf-8").replace("title: ", "title: Muokattu ", 1), encoding="utf-8")
    assert run_build(root, AS_OF, "--no-search").code == 0
    published = tree(root / "site")
    wrong = [what for what, happened in [
        ("the project page lost its image", b"<picture" not in published["hankkeet/alfa/index.html"]),
        ("the front page lost it", b"<picture" not in published["index.html"]),
        ("its variants are gone", not any(name.startswith("kuvat/") and name.endswith(".webp") for name in published)),
        ("the photo is published as uploaded", photo.read_bytes() in published.values()),
        ("with its GPS position", b"Kamera Oy" in published.get("kuvat/puisto.jpg", b"")),
    ] if happened]
    assert wrong == [], "after another record was edited: " + "; ".join(wrong)


def test_regression_a_swedish_theme_name_edited_alone_reaches_the_swedish_pages(tmp_path: Path) -> None:
    """Defect 2: editing only `sv:` of a theme's name left the old name on Swedish pages and open data."""
    site = make_site(tmp_path / "site")
    root = site.root
    assert run_build(root, AS_OF, "--no-search").code == 0
    assert "Boende och miljö" in (root / "site" / "sv" / "hankkeet.json").read_text(encoding="utf-8")
    text = (root / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(text.replace("sv: Boende och miljö", "sv: Boende och natur"), encoding="utf-8")
    assert run_build(root, AS_OF, "--no-search").code == 0
    swedish = tree(root / "site" / "sv")
    stale = sorted(name for name, data in swedish.items() if "Boende och miljö".encode() in data)
    assert stale == [], f"the old Swedish name is still in {stale}"
