"""The build's hook for web editing: `admin/` in the output when `site.yaml` has `cms:`, else nothing.

The configuration is generated from the record model (`editors/cms`), the
page is ours (`render/admin`), and Decap CMS's bundle is copied from npm's
package (`editors/decap`), so the published admin loads nothing from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from projcat.content.settings import SiteConfig
from projcat.render.addresses import Urls
from projcat.render.admin import (
    CONFIG_FILE,
    LOCALE_SCRIPT_FILE,
    PREVIEW_SCRIPT,
    PREVIEW_SCRIPT_FILE,
    RECORDS_SCRIPT_FILE,
    admin_view,
    preview_path,
    render_admin,
)
from projcat.render.pages import THEME_DIR

# The admin's scripts of our own: part of the tool, like the templates (the stamp's code digest covers them).
ADMIN_SCRIPTS = THEME_DIR / "admin"


def admin_files(site: SiteConfig, root: Path, env: Environment, stylesheet: str) -> dict[str, bytes]:
    """Every file of `admin/` by output path; `stylesheet` is the site's, for Decap's preview pane."""
    if site.cms is None:
        return {}
    # Imported here: a site without `cms:` never loads the generator.
    from projcat.editors.cms import cms_config_text, decap_locale
    from projcat.editors.decap import decap_bundle

    urls = Urls.for_site(site.base_url)
    files = {urls.output("admin_file", name): data for name, data in decap_bundle(root).items()}
    files[urls.output("admin_file", CONFIG_FILE)] = cms_config_text(site, preview_path(site)).encode("utf-8")
    files[urls.output("admin_file", PREVIEW_SCRIPT_FILE)] = PREVIEW_SCRIPT
    files[urls.output("admin_file", RECORDS_SCRIPT_FILE)] = (ADMIN_SCRIPTS / RECORDS_SCRIPT_FILE).read_bytes()
    # Decap ships Swedish and English; a locale it lacks (Finnish) is ours, registered by the page.
    own_locale = LOCALE_SCRIPT_FILE.format(locale=decap_locale(site))
    has_own = (ADMIN_SCRIPTS / own_locale).is_file()
    if has_own:
        files[urls.output("admin_file", own_locale)] = (ADMIN_SCRIPTS / own_locale).read_bytes()
    view = admin_view(site, stylesheet, own_locale if has_own else None)
    files[urls.output("admin")] = render_admin(env, view)
    return files
