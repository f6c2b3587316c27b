"""Shared helpers for the audit, SIEM and spool tests (synthetic data only)."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import secrets
import socket
import ssl
import string
import threading
from pathlib import Path

from app.services.secret_store import InMemorySecretStore, SecretStoreUnavailable
from classifiers.detectors.base import make_finding


class FakeClock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


class BrokenStore(InMemorySecretStore):
    """A secret store whose keyring is locked."""

    def get(self, name: str) -> str | None:
        raise SecretStoreUnavailable("keyring locked")

    def set(self, name: str, value: str) -> None:
        raise SecretStoreUnavailable("keyring locked")


def canary_token() -> str:
    """A random GitHub-token-shaped secret that exists nowhere else."""
    alphabet = string.ascii_letters + string.digits
    return "ghp_" + "".join(secrets.choice(alphabet) for _ in range(36))


def finding_for(text: str, value: str, entity_type: str = "GITHUB_TOKEN", score: float = 0.95):
    start = text.index(value)
    return make_finding(entity_type, text, start, start + len(value), score, "secrets/github-pat")


# --- loopback receivers and certificates (SIEM integration tests) ----------------------


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (its own CA): (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Receiver:
    """A loopback HTTP(S) server that records complete requests.

    ``behaviour(n)`` picks what request ``n`` (from 0) gets: an int status, ("slow", seconds)
    to answer 200 only after a pause, or ("hold", event) to wait until the event is set.
    ``respond(path, body)`` may return a custom JSON body (Elastic's _bulk answer).
    """

    def __init__(
        self, port: int = 0, tls: tuple[Path, Path] | None = None, behaviour=None, respond=None
    ) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.arrived = threading.Condition()
        self._behaviour = behaviour or (lambda n: 200)
        self._respond = respond
        self._count = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) != length:
                    return  # a sender killed mid-request: never counted
                with outer.arrived:
                    n = outer._count
                    outer._count += 1
                    outer.requests.append((self.path, dict(self.headers), body))
                    outer.arrived.notify_all()
                what = outer._behaviour(n)
                status = 200
                if isinstance(what, tuple) and what[0] == "slow":
                    threading.Event().wait(what[1])
                elif isinstance(what, tuple) and what[0] == "hold":
                    what[1].wait(10)
                elif isinstance(what, int):
                    status = what
                reply = b'{"text":"Success","code":0}'
                if outer._respond is not None and status == 200:
                    reply = outer._respond(self.path, body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="receiver"
        )
        self._thread.start()

    def wait_for(self, n: int, timeout: float = 10.0) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.requests) >= n, timeout)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class ConnectProxy:
    """A loopback HTTP CONNECT proxy that records which host:port each tunnel went to."""

    def __init__(self) -> None:
        import socketserver

        self.tunnels: list[str] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                target = head.split(b" ", 2)[1].decode()
                outer.tunnels.append(target)
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection(("127.0.0.1", int(port)))
                self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

                def pipe(src: socket.socket, dst: socket.socket) -> None:
                    try:
                        while data := src.recv(65536):
                            dst.sendall(data)
                    except OSError:
                        pass
                    finally:
                        for s in (src, dst):
                            try:
                                s.shutdown(socket.SHUT_RDWR)
                            except OSError:
                                pass

                back = threading.Thread(target=pipe, args=(upstream, self.request), daemon=True)
                back.start()
                pipe(self.request, upstream)
                back.join(5)
                upstream.close()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="proxy"
        )
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
