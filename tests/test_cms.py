"""Web editing: the Decap CMS admin is generated from the record model and stays out of the public site."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURE_AS_OF, FIXTURE_SITE, REPO, copy_site
from preview_process import free_port
from projcat.content.records import Project, Translation
from projcat.content.settings import Paths
from projcat.content.site_file import load_site
from projcat.editors import decap
from projcat.editors.cms import BODY, cms_config, widget_paths
from projcat.editors.decap import CMS_FOLDER, DECAP_SERVER, install_bundle, local_backend, server_files, server_script
from projcat.editors.schema import record_json_schema
from projcat.engine import pipeline
from projcat.problems import OutputError

# With a host, so the site has a sitemap to keep the admin out of.
BASE_URL = "https://hankkeet.example.fi/"
CMS_SECTION = "cms:\n  backend: github\n  repo: testila/hankkeet\n"


def with_cms(root: Path, section: str = CMS_SECTION) -> Path:
    """`root` with a `cms:` section, sharing the repository's installed Decap (installed once if missing)."""
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + section, encoding="utf-8")
    install_bundle(REPO)
    (root / ".cache").mkdir(exist_ok=True)
    os.symlink(REPO / CMS_FOLDER, root / CMS_FOLDER)
    return root


def schema_paths(schema: dict[str, Any]) -> set[str]:
    """Every field the JSON Schema describes, subfields of lists of items and of sections as `funding.funder`."""
    definitions = schema.get("definitions", {})
    paths: set[str] = set()
    for name, prop in schema["properties"].items():
        paths.add(name)
        ref = prop.get("items", {}).get("$ref", "") or prop.get("$ref", "")
        if ref:
            sub = definitions[ref.rsplit("/", 1)[-1]]
            paths |= {f"{name}.{field}" for field in sub["properties"]}
    return paths


@pytest.fixture(scope="module")
def cms_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = with_cms(copy_site(FIXTURE_SITE, tmp_path_factory.mktemp("cms") / "src"))
    out = root.parent / "out"
    pipeline.build(root, out, FIXTURE_AS_OF, BASE_URL, search=True)
    return root, out


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "out"
    pipeline.build(FIXTURE_SITE, out, FIXTURE_AS_OF, BASE_URL, search=True)
    return out


def _config(root: Path) -> dict[str, Any]:
    site, problems = load_site(Paths(root))
    assert site is not None, problems
    return cms_config(site)


def test_every_schema_field_has_a_widget_and_every_widget_a_field(cms_site: tuple[Path, Path]) -> None:
    config = _config(cms_site[0])
    main, = config["collections"]
    widgets = list(widget_paths(main["fields"]))
    assert len(widgets) == len(set(widgets))
    site, _ = load_site(Paths(cms_site[0]))
    assert site is not None
    fields = schema_paths(record_json_schema([t.id for t in site.themes]))
    # The Markdown under the front matter is the one widget that is not a front-matter field.
    assert set(widgets) - {BODY} == fields
    assert BODY in widgets


def test_widgets_follow_the_model(cms_site: tuple[Path, Path]) -> None:
    fields = {f["name"]: f for f in _config(cms_site[0])["collections"][0]["fields"]}
    assert {name for name, f in fields.items() if f["required"]} == {
        name for name, info in Project.model_fields.items() if info.is_required()}
    assert fields["body"]["widget"] == "markdown"
    assert fields["summary"]["widget"] == "text" and fields["title"]["widget"] == "string"
    funding = {f["name"]: f for f in fields["funding"]["fields"]}
    assert funding["amount_eur"]["widget"] == "number" and funding["funder"]["required"] is True
    assert funding["up_to"] == funding["up_to"] | {"widget": "boolean", "default": False}
    assert {f["name"] for f in fields["contacts"]["fields"]} == {"name", "role", "email", "phone"}
    assert fields["partners"]["widget"] == "list" and fields["partners"]["field"]["widget"] == "string"
    # Themes: the ids of site.yaml, shown by their names.
    assert fields["theme"]["widget"] == "select"
    assert fields["theme"]["options"] == [{"label": "Asuminen", "value": "asuminen"},
                                          {"label": "Hyvinvointi", "value": "hyvinvointi"},
                                          {"label": "Ilmasto", "value": "ilmasto"}]
    # Labels and hints in the editors' language; the hint is the field guide's description.
    assert fields["start"]["label"] == "Alkaa"
    assert fields["start"]["hint"].startswith("Alkamispäivä")


def test_a_section_is_a_group_of_its_own_fields_with_a_photo_chooser(cms_site: tuple[Path, Path]) -> None:
    fields = {f["name"]: f for f in _config(cms_site[0])["collections"][0]["fields"]}
    image = fields["image"]
    assert image["widget"] == "object" and image["label"] == "Kuva" and image["required"] is False
    parts = {f["name"]: f for f in image["fields"]}
    assert list(parts) == ["src", "alt", "caption"]
    # A photo chosen or uploaded into static/<media folder>/, written as the site path the build reads.
    assert parts["src"]["widget"] == "image" and parts["src"]["choose_url"] is False
    assert (parts["alt"]["widget"], parts["caption"]["widget"]) == ("string", "string")
    assert parts["alt"]["label"] == "Vaihtoehtoinen teksti"
    # A record without an image saves; `check` requires src and alt of an image that is there.
    assert not any(part["required"] for part in parts.values())


@pytest.mark.parametrize(("value", "accepted"), [
    ("2024", True), ("2024-05", True), ("2024-05-31", True), ("31.5.2024", False), ("2024-5", False), ("", False)])
def test_dates_accept_what_the_build_accepts(cms_site: tuple[Path, Path], value: str, accepted: bool) -> None:
    fields = {f["name"]: f for f in _config(cms_site[0])["collections"][0]["fields"]}
    pattern, reason = fields["start"]["pattern"]
    assert bool(re.search(pattern, value)) is accepted
    assert "2024-05" in reason


def test_the_collection_saves_records_where_check_reads_them(cms_site: tuple[Path, Path]) -> None:
    config = _config(cms_site[0])
    main = config["collections"][0]
    assert (main["folder"], main["extension"], main["format"], main["slug"]) == (
        "content/projects", "md", "frontmatter", "{{slug}}")
    assert config["backend"] == {"name": "github", "repo": "testila/hankkeet", "branch": "main"}
    assert (config["media_folder"], config["public_folder"]) == ("static/tiedostot", "/tiedostot")
    assert config["local_backend"]["url"] == "http://127.0.0.1:8081/api/v1"


def test_language_versions_get_a_collection_of_their_own(tmp_path: Path) -> None:
    root = copy_site(REPO / "examples" / "kaksikielinen", tmp_path / "src")
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8") + CMS_SECTION, "utf-8")
    config = _config(root)
    site, _ = load_site(Paths(root))
    assert site is not None and len(site.languages) > 1
    names = [c["name"] for c in config["collections"]]
    assert names == ["projects", *(f"projects_{lang}" for lang in site.languages[1:])]
    for lang, collection in zip(site.languages[1:], config["collections"][1:], strict=True):
        assert collection["extension"] == f"{lang}.md" and collection["create"] is False
        assert {f["name"] for f in collection["fields"]} == {*Translation.model_fields, BODY}


def test_gitlab_and_gitea_take_their_sign_in_settings(tmp_path: Path) -> None:
    root = copy_site(FIXTURE_SITE, tmp_path / "src")
    section = ("cms:\n  backend: gitlab\n  repo: kaupunki/hankkeet\n  app_id: abc123\n"
               "  api_root: https://git.example.fi/api/v4\n  base_url: https://git.example.fi\n")
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8") + section, "utf-8")
    assert _config(root)["backend"] == {
        "name": "gitlab", "repo": "kaupunki/hankkeet", "branch": "main", "base_url": "https://git.example.fi",
        "app_id": "abc123", "api_root": "https://git.example.fi/api/v4", "auth_type": "pkce"}


def test_a_wrong_backend_is_a_problem_at_its_line(tmp_path: Path) -> None:
    root = copy_site(FIXTURE_SITE, tmp_path / "src")
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8")
                                    + "cms:\n  backend: bitbucket\n  repo: a/b\n", "utf-8")
    result = pipeline.check(root, FIXTURE_AS_OF)
    assert [p.code for p in result.problems] == ["site.bad_cms_backend"]
    assert "github, gitlab, gitea" in result.problems[0].hint("en")


def test_the_admin_is_written_with_decap_from_npm_and_no_cdn(cms_site: tuple[Path, Path]) -> None:
    root, out = cms_site
    page = (out / "admin" / "index.html").read_text(encoding="utf-8")
    assert '<script src="/admin/decap-cms.js"></script>' in page
    assert '<link href="/admin/config.yml" type="text/yaml" rel="cms-config-url">' in page
    assert not re.search(r"""(src|href)="(https?:)?//""", page)
    assert not re.search(r"unpkg|jsdelivr|cdnjs", page)
    assert (out / "admin" / "decap-cms.js").stat().st_size > 1_000_000
    written = yaml.safe_load((out / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert written["collections"][0]["preview_path"] == "hankkeet/{{slug}}/"
    assert written["site_url"] == BASE_URL
    assert written["collections"][0]["fields"] == _config(root)["collections"][0]["fields"]
    # Decap's interface in Finnish: our locale, registered after Decap's script and before it reads config.yml.
    assert written["locale"] == "fi"
    assert page.index('<script src="/admin/decap-cms.js">') < page.index('<script src="/admin/decap-fi.js">')
    assert b'registerLocale("fi"' in (out / "admin" / "decap-fi.js").read_bytes()
    # The main collection's filter of language versions, with none to leave out on this one-language site.
    assert '<script src="/admin/records-only.js" data-languages=""></script>' in page
    assert (out / "admin" / "records-only.js").is_file()
    # The preview pane gets the site's stylesheet, fingerprint and all.
    stylesheet = re.search(r'data-stylesheet="([^"]+)"', page)
    assert stylesheet is not None and stylesheet.group(1).startswith("/assets/style.css?v=")


def test_without_cms_nothing_is_written(built_fixture: Path) -> None:
    assert not (built_fixture / "admin").exists()


def _indexed_pages(out: Path) -> dict[str, int]:
    """How many pages the search index holds in each language, over all its shards."""
    counts: dict[str, int] = {}
    for entry in sorted((out / "pagefind").glob("*/pagefind-entry.json")):
        for language, index in json.loads(entry.read_text(encoding="utf-8"))["languages"].items():
            counts[language] = counts.get(language, 0) + index["page_count"]
    return counts


def test_the_admin_stays_out_of_the_public_site(cms_site: tuple[Path, Path], plain_site: Path) -> None:
    _, out = cms_site
    built_fixture = plain_site
    assert "admin" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "admin" not in (out / "feed.xml").read_text(encoding="utf-8")
    # The search index holds the same pages as without the admin.
    assert _indexed_pages(out) == _indexed_pages(built_fixture) != {}
    for page in out.rglob("*.html"):
        if page.parent.name != "admin":
            assert "/admin/" not in page.read_text(encoding="utf-8"), page
    # Apart from admin/, the output is what it is without `cms:`.
    public = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {p for p in public if not p.startswith("admin/")} == {
        p.relative_to(built_fixture).as_posix() for p in built_fixture.rglob("*") if p.is_file()}
    assert 'content="noindex, nofollow"' in (out / "admin" / "index.html").read_text(encoding="utf-8")


def test_no_node_is_a_clear_error(tmp_path: Path) -> None:
    root = copy_site(FIXTURE_SITE, tmp_path / "src")
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8") + CMS_SECTION, "utf-8")
    env = dict(os.environ, PATH=str(tmp_path / "empty"), PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "--no-search",
                           "--as-of", FIXTURE_AS_OF.isoformat()], capture_output=True, text=True, env=env)
    assert done.returncode != 0
    assert "Node.js" in done.stderr and "npm" in done.stderr and "Traceback" not in done.stderr
    assert not (root / "site" / "admin").exists()


def test_a_missing_node_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(OutputError) as caught:
        install_bundle(tmp_path)
    assert caught.value.problem.code == "cms.no_node"


def test_decap_server_is_pinned_by_a_lock_with_a_digest_for_every_package() -> None:
    files = server_files()
    assert json.loads(files["package.json"])["dependencies"] == {DECAP_SERVER.name: DECAP_SERVER.version}
    packages = json.loads(files["package-lock.json"])["packages"]
    assert packages[f"node_modules/{DECAP_SERVER.name}"]["version"] == DECAP_SERVER.version
    installed = {name: entry for name, entry in packages.items() if name}
    assert len(installed) > 50
    assert all(entry["integrity"].startswith("sha512-") for entry in installed.values()), [
        name for name, entry in installed.items() if not entry.get("integrity", "").startswith("sha512-")]


def test_decap_server_is_installed_from_the_lock_without_install_scripts(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """What npm is asked to do, recorded by a stand-in npm that installs an empty decap-server."""
    tools = tmp_path / "bin"
    tools.mkdir()
    record = tmp_path / "npm-call.txt"
    (tools / "npm").write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{record}"; cp package-lock.json "{record}.lock"\n'
        "mkdir -p node_modules/decap-server/dist && touch node_modules/decap-server/dist/index.js\n",
        encoding="utf-8")
    (tools / "npm").chmod(0o755)
    (tools / "node").symlink_to("/bin/true")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}/bin")
    script = server_script(tmp_path / "site")
    assert script.is_file() and script.parents[3].name.startswith(f"decap-server-{DECAP_SERVER.version}-")
    assert record.read_text(encoding="utf-8").split() == ["ci", "--ignore-scripts", "--no-audit", "--no-fund",
                                                          "--silent"]
    assert Path(f"{record}.lock").read_bytes() == server_files()["package-lock.json"]
    # Installed once: the next start finds it and asks npm nothing.
    record.unlink()
    assert server_script(tmp_path / "site") == script and not record.exists()


def test_a_package_whose_digest_differs_from_the_lock_is_refused(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files = server_files()
    lock = json.loads(files["package-lock.json"])
    entry = lock["packages"][f"node_modules/{DECAP_SERVER.name}"]
    # Another package's digest in decap-server's place: what a tampered download would give.
    entry["integrity"] = lock["packages"]["node_modules/@colors/colors"]["integrity"]
    tampered = {**files, "package-lock.json": json.dumps(lock).encode()}
    monkeypatch.setattr(decap, "server_files", lambda: tampered)
    with pytest.raises(OutputError) as caught:
        server_script(tmp_path)
    assert caught.value.problem.code == "cms.npm_failed"
    assert not list((tmp_path / CMS_FOLDER).glob("decap-server-*/node_modules"))


def test_serve_cms_starts_decap_server_on_loopback(tmp_path: Path) -> None:
    root = with_cms(copy_site(FIXTURE_SITE, tmp_path / "src"))
    server_script(REPO)
    port = free_port()
    with local_backend(root, port):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1", data=b'{"action": "info"}',
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
    assert answer == {"repo": "src", "publish_modes": ["simple"], "type": "local_fs"}


# Decap's English phrases, as the bundle registers them (the object holding `loginWithGitHub`), and ours.
_PHRASES_JS = r"""
const fs = require("fs");
const bundle = fs.readFileSync(process.argv[1], "utf8");
const at = bundle.indexOf('loginWithGitHub:"Login with GitHub"');
let start = bundle.lastIndexOf("={auth:{", at) + 1, depth = 0, end = start, quote = null;
for (; end < bundle.length; end++) {
  const c = bundle[end];
  if (quote) { if (c === "\\") end++; else if (c === quote) quote = null; }
  else if (c === '"' || c === "'" || c === "`") quote = c;
  else if (c === "{") depth++;
  else if (c === "}" && --depth === 0) break;
}
const english = eval("(" + bundle.slice(start, end + 1) + ")");
let finnish = null;
global.window = {CMS: {registerLocale: (name, phrases) => { finnish = phrases; }}};
require(process.argv[2]);
const flat = (o, p = "") => Object.entries(o).flatMap(
  ([k, v]) => typeof v === "object" ? flat(v, p + k + ".") : [[p + k, v]]);
console.log(JSON.stringify({en: Object.fromEntries(flat(english)), fi: Object.fromEntries(flat(finnish))}));
"""


def test_the_finnish_interface_translates_every_phrase_of_decaps_english() -> None:
    from projcat.engine.admin import ADMIN_SCRIPTS

    bundle = install_bundle(REPO) / "decap-cms.js"
    done = subprocess.run(["node", "-e", _PHRASES_JS, str(bundle), str(ADMIN_SCRIPTS / "decap-fi.js")],
                          capture_output=True, text=True, check=True)
    phrases = json.loads(done.stdout)
    english, finnish = phrases["en"], phrases["fi"]
    assert len(english) > 200 and english["auth.login"] == "Login"
    assert set(finnish) == set(english)
    for key, text in english.items():
        # The same placeholders (%{fieldLabel}, ...), and a Finnish text rather than a copy.
        assert sorted(re.findall(r"%\{\w+\}", finnish[key])) == sorted(re.findall(r"%\{\w+\}", text)), key
    copies = {key for key, text in english.items()
              if finnish[key] == text and re.search(r"[a-z]{3}", re.sub(r"%\{\w+\}", "", text))}
    assert copies <= {"editor.editorWidgets.markdown.markdown"}, copies
