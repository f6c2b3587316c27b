"""Tray icons drawn with QPainter: a shield whose colour and mark say the state at a glance."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

STATES = ("active", "paused", "alert", "degraded")

_COLOURS = {
    "active": "#2e7d32",  # green: guarding
    "paused": "#757575",  # grey: not guarding
    "alert": "#c62828",  # red: something needs attention
    "degraded": "#ef8f00",  # amber: running with a problem (no keyring, policy refused…)
}


def _shield(size: int) -> QPainterPath:
    s = float(size)
    path = QPainterPath()
    path.moveTo(s * 0.5, s * 0.06)
    path.lineTo(s * 0.88, s * 0.2)
    path.cubicTo(s * 0.88, s * 0.58, s * 0.72, s * 0.82, s * 0.5, s * 0.95)
    path.cubicTo(s * 0.28, s * 0.82, s * 0.12, s * 0.58, s * 0.12, s * 0.2)
    path.closeSubpath()
    return path


def state_pixmap(state: str, size: int = 64) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(_COLOURS.get(state, _COLOURS["degraded"]))
    p.setPen(QPen(colour.darker(140), size / 32))
    p.setBrush(colour)
    p.drawPath(_shield(size))
    pen = QPen(QColor("white"), size / 10)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    s = float(size)
    if state == "active":  # a tick
        p.drawPolyline([QPointF(s * 0.33, s * 0.5), QPointF(s * 0.46, s * 0.63),
                        QPointF(s * 0.68, s * 0.37)])
    elif state == "paused":  # two bars
        p.drawLine(QPointF(s * 0.42, s * 0.33), QPointF(s * 0.42, s * 0.66))
        p.drawLine(QPointF(s * 0.58, s * 0.33), QPointF(s * 0.58, s * 0.66))
    else:  # an exclamation mark
        p.drawLine(QPointF(s * 0.5, s * 0.28), QPointF(s * 0.5, s * 0.56))
        p.setBrush(QColor("white"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(s * 0.44, s * 0.66, s * 0.12, s * 0.12))
    p.end()
    return pm


def state_icon(state: str) -> QIcon:
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        icon.addPixmap(state_pixmap(state, size))
    return icon
