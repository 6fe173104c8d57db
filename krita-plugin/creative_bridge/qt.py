"""A tiny Qt binding shim: PyQt5 (Krita 5) first, PyQt6 (Krita 6) otherwise.

Everything else in the plugin imports Qt names from here, so the plugin loads under
either binding. Only the names the plugin uses are re-exported; enums that moved into
scoped namespaces in PyQt6 are reached through :func:`enum`.
"""

from __future__ import annotations

try:  # Krita 5.x ships PyQt5.
    from PyQt5 import QtCore, QtGui, QtWidgets  # type: ignore

    QT_API = "PyQt5"
except ImportError:  # pragma: no cover - exercised only under Krita 6
    from PyQt6 import QtCore, QtGui, QtWidgets  # type: ignore

    QT_API = "PyQt6"

QObject = QtCore.QObject
QTimer = QtCore.QTimer
QCoreApplication = QtCore.QCoreApplication
pyqtSignal = QtCore.pyqtSignal
Qt = QtCore.Qt
QImage = QtGui.QImage
QWidget = QtWidgets.QWidget
QVBoxLayout = QtWidgets.QVBoxLayout
QHBoxLayout = QtWidgets.QHBoxLayout
QFormLayout = QtWidgets.QFormLayout
QLabel = QtWidgets.QLabel
QPushButton = QtWidgets.QPushButton
QPlainTextEdit = QtWidgets.QPlainTextEdit
QLineEdit = QtWidgets.QLineEdit
QComboBox = QtWidgets.QComboBox
QSpinBox = QtWidgets.QSpinBox
QCheckBox = QtWidgets.QCheckBox
QSlider = QtWidgets.QSlider
QProgressBar = QtWidgets.QProgressBar
QGroupBox = QtWidgets.QGroupBox
QDialog = QtWidgets.QDialog
QDialogButtonBox = QtWidgets.QDialogButtonBox
QToolButton = QtWidgets.QToolButton


def enum(scoped: str):
    """Resolve an enum member by its scoped PyQt6 path, e.g. ``"Qt.Orientation.Horizontal"``.

    PyQt5 exposes members on the class itself (``Qt.Horizontal``) and PyQt6 only in the
    nested enum (``Qt.Orientation.Horizontal``); trying the scoped path first and then
    the flat one works with both.
    """
    parts = scoped.split(".")
    roots = {"Qt": Qt, "QImage": QImage, "QDialogButtonBox": QDialogButtonBox, "QSlider": QSlider}
    root = roots[parts[0]]
    try:
        value = root
        for part in parts[1:]:
            value = getattr(value, part)
        return value
    except AttributeError:
        return getattr(root, parts[-1])


def process_events() -> None:
    """Let Qt handle pending events (used by the blocking scripting API)."""
    app = QCoreApplication.instance()
    if app is not None:
        app.processEvents()
