"""`build.py serve`: build into a temporary folder and serve it on 127.0.0.1.

Never touches `site/`. Live reload is layered on in a later step; this
serves one build.
"""

from __future__ import annotations

import errno
import functools
import http.server
import shutil
import socket
import sys
import tempfile
from datetime import date
from pathlib import Path

from projcat import pipeline
from projcat.problems import ContentError
from projcat.strings import message

PORT_TRIES = 20


def bind(host: str, port: int, lang: str) -> socket.socket:
    """The first free port from `port` on, said so when it is not the one asked for."""
    for candidate in range(port, port + PORT_TRIES):
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                continue
            raise
        if candidate != port:
            print(message(lang, "serve.port_in_use", {"port": port, "free": candidate}), file=sys.stderr)
        return sock
    raise SystemExit(message(lang, "serve.no_port", {"port": port, "last": port + PORT_TRIES - 1}))


def serve(root: Path, host: str, port: int, as_of: date | None, lang: str | None) -> int:
    from projcat.cli import print_problems

    lang = lang or "fi"
    workdir = Path(tempfile.mkdtemp(prefix="projcat-preview-"))
    out = workdir / "site"
    try:
        try:
            pipeline.build(root, out, as_of)
        except ContentError as exc:
            print_problems(exc.problems, lang, "text", sys.stderr)
            return 1
        sock = bind(host, port, lang)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
        server = http.server.ThreadingHTTPServer((host, sock.getsockname()[1]), handler, bind_and_activate=False)
        server.socket.close()
        server.socket = sock
        server.server_activate()
        print(message(lang, "serve.address", {"url": f"http://{host}:{sock.getsockname()[1]}/"}), flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print(message(lang, "serve.stopped", {}))
        finally:
            server.server_close()
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
