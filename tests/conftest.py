"""Shared test setup: quiet TensorFlow, the chosen Keras backend, fresh Keras state.

``pytest --backend jax`` runs the suite on JAX (the backend is fixed before Keras is
imported); tests marked ``tensorflow_only`` are skipped there with the reason.
"""

from __future__ import annotations

import os
import socket
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", default=None, choices=["tensorflow", "jax", "torch"],
                     help="Keras backend for this run (default: KERAS_BACKEND or tensorflow)")


def pytest_configure(config: pytest.Config) -> None:
    backend = config.getoption("--backend") or os.environ.get("KERAS_BACKEND") or "tensorflow"
    if "keras" in sys.modules and sys.modules["keras"].backend.backend() != backend:
        raise pytest.UsageError(f"Keras was imported before the {backend!r} backend was set")
    os.environ["KERAS_BACKEND"] = backend
    config.addinivalue_line(
        "markers", "tensorflow_only: needs the TensorFlow backend (TensorBoard, tf.data)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ["KERAS_BACKEND"] == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"needs TensorFlow; this run uses {os.environ['KERAS_BACKEND']}")
    for item in items:
        if "tensorflow_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Reset Keras's global state (layer names, seeds) between tests that use Keras."""
    if "keras" in sys.modules:
        import keras

        keras.backend.clear_session()
    yield


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything tries to reach a host other than 127.0.0.1 (tests are offline).

    Modules apply it with ``pytestmark = pytest.mark.usefixtures("no_network")``.
    """
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "localhost"):
            raise OSError(f"test tried to reach the network: {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


@pytest.fixture
def route_server():
    """A real HTTP server on 127.0.0.1 serving ``routes`` (path -> bytes), 404 otherwise.

    ``server.routes[path] = body`` publishes a file, ``server.url(path)`` is its address and
    ``server.hits`` lists the paths requested, in order.
    """
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    routes: dict[str, bytes] = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            body = routes.get(self.path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()

    class Server:
        def __init__(self) -> None:
            self.routes, self.hits = routes, hits

        def url(self, path: str) -> str:
            return f"http://127.0.0.1:{httpd.server_address[1]}{path}"

    yield Server()
    httpd.shutdown()
    httpd.server_close()
