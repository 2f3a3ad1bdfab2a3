"""A real XYZ tile server on 127.0.0.1 for the capture tests and benchmark: PNG tiles made here.

Tiles are textured and different for every (z, x, y); chosen tiles can be blank (one flat
colour), missing (404 every time) or flaky (500 the first time, then served); ``down`` makes
every tile missing, as a server that is gone. Every request is recorded so that tests can bound
them.
"""
from __future__ import annotations

import io
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Set, Tuple

import numpy as np

Key = Tuple[int, int, int]


def tile_pixels(z: int, x: int, y: int, size: int = 256) -> np.ndarray:
    """A deterministic textured RGB tile: smooth colour fields plus fine noise, like imagery."""
    rng = np.random.default_rng((z * 1_000_003 + x) * 1_000_033 + y)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    base = np.stack([np.sin(6 * xx + rng.uniform(0, 6)), np.cos(5 * yy + rng.uniform(0, 6)),
                     np.sin(4 * (xx + yy) + rng.uniform(0, 6))], -1) * 70 + 128
    noise = rng.normal(0, 18, (size, size, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


class TileServer:
    def __init__(self, size: int = 256):
        self.size = size
        self.blank: Set[Key] = set()
        self.missing: Set[Key] = set()
        self.flaky: Set[Key] = set()
        self.down = False
        self.requests: Counter = Counter()
        self._cache: Dict[Key, bytes] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                try:
                    z, x, y = (int(v) for v in self.path.split("?")[0].strip("/").rsplit(".", 1)[0].split("/")[-3:])
                except ValueError:
                    self.send_error(400)
                    return
                key = (z, x, y)
                with server._lock:
                    server.requests[key] += 1
                    first = server.requests[key] == 1
                if server.down or key in server.missing or (key in server.flaky and first):
                    self.send_error(404 if server.down or key in server.missing else 500)
                    return
                body = server.png(key)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def pixels(self, key: Key) -> np.ndarray:
        if key in self.blank:
            return np.full((self.size, self.size, 3), (90, 140, 60), np.uint8)
        return tile_pixels(*key, size=self.size)

    def png(self, key: Key) -> bytes:
        from PIL import Image

        with self._lock:
            if key not in self._cache:
                buf = io.BytesIO()
                Image.fromarray(self.pixels(key)).save(buf, "PNG")
                self._cache[key] = buf.getvalue()
            return self._cache[key]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"

    def uri(self, zmax: int = 19) -> str:
        return f"type=xyz&url={self.url}&zmin=0&zmax={zmax}"

    def __enter__(self) -> "TileServer":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
