"""The package imports one way: each stage uses the stages below it, never one above.

Layers, lowest first: `languages` (the table of languages); `strings`; `problems`; `content`; `catalogue`;
`render`; then `build`, `preview` and `editors` side by side; `cli` on top.
A module may import its own layer and the ones below, with two limits
among the side-by-side three: `preview` may import `build`, `build` may
import `editors` (the admin's generated configuration), and `editors` may
import `content` and below only. A private name (`_name`) stays in
its module: importing one from another module is refused too.

Every import counts, wherever it stands: inside a function and under
`TYPE_CHECKING` as well, since either still ties the lower stage to the
upper one.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "projcat"

_LOWER = ("languages", "strings", "problems", "content", "catalogue", "render")
# What each part may import besides itself; the package itself (`projcat.__version__`) is open to all.
ALLOWED: dict[str, frozenset[str]] = {
    **{part: frozenset(_LOWER[:index]) for index, part in enumerate(_LOWER)},
    "engine": frozenset((*_LOWER, "editors")),
    "preview": frozenset((*_LOWER, "engine")),
    "editors": frozenset(("languages", "strings", "problems", "content")),
    "cli": frozenset((*_LOWER, "engine", "preview", "editors")),
}


def _module_name(package: Path, file: Path) -> str:
    parts = [package.name, *file.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    """`projcat.content.load` -> `content`; `projcat` itself -> ``."""
    rest = module.split(".")[1:]
    return rest[0] if rest else ""


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_module(package: Path, module: str) -> bool:
    path = package.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(package: Path, file: Path, tree: ast.AST) -> list[tuple[int, str, str | None]]:
    """Every import of the package's own code: (line, module, the name taken from it if any)."""
    root = package.name
    here = _module_name(package, file)
    # A relative import counts from the module's package; `__init__` is its own package.
    home = here if file.name == "__init__.py" else here.rpartition(".")[0]
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names
                      if alias.name == root or alias.name.startswith(root + ".")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = home.split(".")
                module = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module != root and not module.startswith(root + "."):
                continue
            for alias in node.names:
                if alias.name != "*" and _is_module(package, f"{module}.{alias.name}"):
                    found.append((node.lineno, f"{module}.{alias.name}", None))
                else:
                    found.append((node.lineno, module, alias.name))
    return found


def offending_imports(package: Path) -> list[str]:
    """`path:line: a -> b` for each import that goes the wrong way or takes another module's private name."""
    root = package.name
    lines: list[str] = []
    for file in sorted(package.rglob("*.py")):
        here = _module_name(package, file)
        shown = file.relative_to(package.parent).as_posix()
        part = _part(here)
        allowed = ALLOWED.get(part)
        if part and allowed is None:
            lines.append(f"{shown}:1: {here} has no layer")
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        for line, module, name in _imports(package, file, tree):
            short_here, short_there = here.partition(".")[2] or root, module.partition(".")[2] or root
            target = _part(module)
            if part and target and target != part and target not in (allowed or ()):
                lines.append(f"{shown}:{line}: {short_here} -> {short_there}")
            if name is not None and _private(name) and module != here:
                lines.append(f"{shown}:{line}: {short_here} -> {short_there}.{name} (private)")
    return lines


def test_the_package_imports_one_way() -> None:
    offending = offending_imports(PACKAGE)
    assert not offending, "wrong-way or private imports:\n" + "\n".join(offending)


def _write(root: Path, files: dict[str, str]) -> Path:
    package = root / "projcat"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return package


def test_a_new_wrong_way_import_is_caught(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "strings.py": "",
        "problems.py": "from projcat.strings import message\n",
        "catalogue.py": "from projcat.content.records import Project\n",
        "content/records.py": "from projcat.problems import Problem\n\n_helper = 1\n",
        "content/load.py": (
            "from projcat.content import records\n"
            "from . import records as again\n"
            "def later():\n"
            "    from projcat.catalogue import Entry\n"
        ),
        "content/settings.py": "from projcat.content.records import _helper\n",
        "render/views.py": (
            "from ..catalogue import Catalogue\n"
            "import projcat.render.markup\n"
            "from projcat import __version__\n"
        ),
        "render/markup.py": "",
        "render/pages.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from projcat.engine.cache import BuildCache\n"
        ),
        "engine/cache.py": "from projcat.render import pages\n",
        "engine/pipeline.py": "from projcat.preview.server import serve\n",
        "preview/server.py": "from projcat.engine import pipeline\nfrom projcat.render.views import Link\n",
        "editors/schema.py": "from projcat.content.records import Project\nfrom projcat.catalogue import Entry\n",
        "cli.py": "from projcat.preview.server import serve\nfrom projcat.editors import schema\n",
        "changes.py": "",
    })
    assert offending_imports(package) == [
        "projcat/changes.py:1: projcat.changes has no layer",
        "projcat/content/load.py:4: content.load -> catalogue",
        "projcat/content/settings.py:1: content.settings -> content.records._helper (private)",
        "projcat/editors/schema.py:2: editors.schema -> catalogue",
        "projcat/engine/pipeline.py:1: engine.pipeline -> preview.server",
        "projcat/render/pages.py:3: render.pages -> engine.cache",
    ]


def test_a_module_may_use_its_own_private_names(tmp_path: Path) -> None:
    package = _write(tmp_path, {"content/records.py": "from projcat.content.records import _helper\n\n_helper = 1\n"})
    assert offending_imports(package) == []


def test_the_table_itself_is_one_way() -> None:
    # No two parts may each import the other, directly.
    assert [(a, b) for a in ALLOWED for b in ALLOWED[a] if a in ALLOWED.get(b, ())] == []
