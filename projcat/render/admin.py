"""The editors' admin page (`admin/index.html`): our own page around Decap CMS's interface.

It names the site, says what the page is for, and tells a reader without
JavaScript what is missing; once Decap's script has loaded, that
introduction is hidden and Decap renders its interface, landmarks and all,
into `#nc-root`. The page is never planned with the public pages, so no sitemap,
feed, search index or navigation lists it.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment

from projcat.content.settings import SiteConfig
from projcat.render.addresses import Urls
from projcat.render.pages import strings_variables
from projcat.strings import Strings

ADMIN_TEMPLATE = "admin.html"
CONFIG_FILE = "config.yml"
SCRIPT_FILE = "decap-cms.js"
PREVIEW_SCRIPT_FILE = "preview-style.js"
# Ours, under theme/admin/: Decap's interface in a language Decap lacks (`decap-<locale>.js`), and the
# main collection without the language versions' files.
LOCALE_SCRIPT_FILE = "decap-{locale}.js"
RECORDS_SCRIPT_FILE = "records-only.js"
# Gives Decap's preview pane the site's own stylesheet; the address comes from the page.
PREVIEW_SCRIPT = b"""// Made by projcat: Decap's preview pane shows a record with the site's stylesheet.
if (window.CMS) {
  window.CMS.registerPreviewStyle(document.currentScript.dataset.stylesheet);
  // Decap draws the whole page from here on; the introduction would only sit above it.
  document.getElementById("admin-intro").hidden = true;
}
"""


@dataclass(frozen=True)
class AdminView:
    lang: str
    site_title: str
    config: str
    script: str
    preview_script: str
    stylesheet: str
    # Loaded after Decap's script and before it reads config.yml; None when Decap has the locale itself.
    locale_script: str | None
    records_script: str
    # The language versions' languages, space-separated, whose files the main collection leaves out.
    version_languages: str


def admin_view(site: SiteConfig, stylesheet: str, locale_script: str | None = None) -> AdminView:
    """`stylesheet` is the stylesheet's file name under `assets/`, fingerprint and all; `locale_script`
    the file name of our translation of Decap's interface, when the editors' language needs one."""
    urls = Urls.for_site(site.base_url)
    return AdminView(lang=site.language, site_title=str(site.title), config=urls.admin_file(CONFIG_FILE),
                     script=urls.admin_file(SCRIPT_FILE), preview_script=urls.admin_file(PREVIEW_SCRIPT_FILE),
                     stylesheet=urls.asset(stylesheet),
                     locale_script=None if locale_script is None else urls.admin_file(locale_script),
                     records_script=urls.admin_file(RECORDS_SCRIPT_FILE),
                     version_languages=" ".join(site.languages[1:]))


def render_admin(env: Environment, view: AdminView) -> bytes:
    template = env.get_template(ADMIN_TEMPLATE)
    return template.render(admin=view, **strings_variables(Strings(view.lang))).encode("utf-8")


def preview_path(site: SiteConfig) -> str:
    """A project page's address for Decap's preview links: below `site_url` when the base URL names
    a host, else from the host's root."""
    urls = Urls.for_site(site.base_url)
    return urls.project("{{slug}}").removeprefix(urls.base if urls.origin else "/")
