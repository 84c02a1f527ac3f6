"""The preview's request handlers: the site's files, the reload client and the reload websocket.

Each answers only requests addressed to the server's own host names, so a
web page elsewhere cannot reach the preview through DNS rebinding.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import tornado.web
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler

from projcat.preview.errorpage import error_page
from projcat.preview.serving import (
    PLUGIN_ID,
    Refused,
    content_type,
    host_allowed,
    inject,
    origin_allowed,
    site_path,
)
from projcat.preview.session import Preview
from projcat.render.addresses import ADMIN, FOLDER_INDEX, NOT_FOUND


class _HostGuard:
    """Answers only requests addressed to this server's own host names (no DNS rebinding)."""

    preview: Preview
    request: Any
    send_error: Any

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def prepare(self) -> None:
        if not host_allowed(self.request.host, self.preview.allowed):
            self.send_error(403)


class _Guarded(_HostGuard, tornado.web.RequestHandler):

    def set_default_headers(self) -> None:
        # Pages and files change under the same address: the browser must ask every time.
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}\n")


class SiteFiles(_Guarded):
    """Answers only regular files inside the served folder; pages carry the reload script."""

    def head(self) -> None:
        self.get(head=True)

    def get(self, head: bool = False) -> None:
        preview = self.preview
        try:
            rel = site_path(self.request.path, preview.base)
        except Refused as refused:
            self.send_error(refused.status)
            return
        if rel is None:
            if preview.problems is None and self.request.path == "/":
                self.redirect(preview.base)
                return
            rel = NOT_FOUND
        out = os.path.realpath(preview.out)
        target = os.path.realpath(os.path.join(out, *rel.split("/")))
        if target != out and not target.startswith(out + os.sep):
            self.send_error(403)
            return
        if os.path.isdir(target):
            if preview.problems is None:
                self.redirect(self.request.path + "/")
                return
            rel, target = f"{rel}/{FOLDER_INDEX}", os.path.join(target, FOLDER_INDEX)
        status = 200
        if not os.path.isfile(target):
            status, rel, target = 404, NOT_FOUND, os.path.join(out, NOT_FOUND)
        # The web admin (`serve --cms`) is served as built: no reload script to disturb Decap's
        # interface, and no problems page in its place, since it is where an editor fixes them.
        html = rel.endswith(".html") and not rel.startswith(ADMIN)
        if preview.problems is not None and (html or not os.path.isfile(target)):
            body, status, html = error_page(list(preview.problems), preview.page_lang).encode("utf-8"), 500, True
            rel = "error.html"
        else:
            try:
                with open(target, "rb") as stream:
                    body = stream.read()
            except OSError:
                self.send_error(404)
                return
        if html:
            body = inject(body, preview.token)
        self.set_status(status)
        self.set_header("Content-Type", content_type(rel))
        self.set_header("Content-Length", str(len(body)))
        # Set here, not left to tornado, so HEAD and GET agree; an unchanged file then answers 304.
        self.set_header("Etag", f'"{hashlib.sha1(body).hexdigest()}"')
        if not head:
            self.write(body)
        self.finish()


# livereload ships no types, so its handlers are Any to the checker.
class ClientScript(_HostGuard, LiveReloadJSHandler):  # type: ignore[misc]
    """livereload.js as the package ships it, for this server's own pages only."""

    def set_default_headers(self) -> None:
        # The same file for the server's whole life: a reload need not fetch it again.
        self.set_header("Cache-Control", "max-age=3600")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(f"{status_code}\n")


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's protocol handshake, with this server's origin check and its own list of browsers."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    async def get(self, *args: Any, **kwargs: Any) -> None:
        # Tornado asks `check_origin` only when a browser sends an Origin; the host name is checked always.
        if not host_allowed(self.request.host, self.preview.allowed):
            self.set_status(403)
            self.finish()
            return
        await super().get(*args, **kwargs)

    def check_origin(self, origin: str) -> bool:
        return origin_allowed(origin, self.request.host, self.preview.allowed)

    def on_message(self, message_: str | bytes) -> None:
        try:
            data = json.loads(message_)
        except (ValueError, TypeError):
            self.close()
            return
        if not isinstance(data, dict):
            self.close()
            return
        if data.get("command") == "hello":
            super().on_message(message_)
        elif data.get("command") == "info":
            plugins = data.get("plugins")
            token = plugins.get(PLUGIN_ID, {}).get("version") if isinstance(plugins, dict) else None
            self.preview.connected(self, data.get("url"), token)

    def on_close(self) -> None:
        self.preview.disconnected(self)

