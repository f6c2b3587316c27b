"""One presend per user session: a second start hands its request to the running app."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket


def server_name() -> str:
    try:
        user = getpass.getuser()
    except Exception:
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    home = os.environ.get("PRESEND_HOME", "")
    suffix = "-" + hashlib.sha256(home.encode()).hexdigest()[:10] if home else ""
    return f"presend-{user}{suffix}"


def send_to_running(message: dict[str, Any], timeout_ms: int = 1500) -> bool:
    """Deliver ``message`` to a running presend; False when none answers."""
    sock = QLocalSocket()
    sock.connectToServer(server_name())
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(json.dumps(message).encode("utf-8") + b"\n")
    while sock.bytesToWrite() > 0:
        if not sock.waitForBytesWritten(timeout_ms):
            return False
    # the running app acknowledges with "ok"; without it, the request may be lost
    answer = b""
    while b"\n" not in answer and sock.waitForReadyRead(timeout_ms * 2):
        answer += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    return answer.startswith(b"ok")


class SingleInstanceServer(QObject):
    message_received = Signal(dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_server_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        name = server_name()
        if self._server.listen(name):
            return True
        QLocalServer.removeServer(name)  # a stale socket from a crashed instance
        return self._server.listen(name)

    def close(self) -> None:
        self._server.close()

    @Slot()
    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(self._on_socket_ready_read)
            sock.disconnected.connect(sock.deleteLater)

    @Slot()
    def _on_socket_ready_read(self) -> None:
        sock = self.sender()
        if not isinstance(sock, QLocalSocket):
            return
        self._buffers[sock] = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        data = self._buffers[sock]
        if b"\n" not in data or len(data) > 1_000_000:
            return
        line = data.split(b"\n", 1)[0]
        self._buffers.pop(sock, None)
        sock.write(b"ok\n")
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return
        if isinstance(message, dict):
            self.message_received.emit(message)
