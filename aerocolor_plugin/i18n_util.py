"""Translation: every UI string goes through ``tr`` in one context, so one .ts file holds them all."""
from __future__ import annotations

import os

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

CONTEXT = "AeroColor"
I18N_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "i18n")


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def name_standard_buttons(box) -> None:
    """OK, Cancel and Close of a QDialogButtonBox in our words: QGIS 3.22 in zh-Hant loads no Qt
    translation, so Qt's own labels stayed English."""
    from qgis.PyQt.QtWidgets import QDialogButtonBox

    for which, text in ((QDialogButtonBox.StandardButton.Ok, tr("OK")),
                        (QDialogButtonBox.StandardButton.Cancel, tr("Cancel")),
                        (QDialogButtonBox.StandardButton.Close, tr("Close"))):
        button = box.button(which)
        if button is not None:
            button.setText(text)

def user_locale() -> str:
    """QGIS's chosen UI language (e.g. zh_TW), else the system's."""
    return str(QSettings().value("locale/userLocale", "") or QLocale.system().name())


# Regions whose Chinese is written in Traditional characters, as our zh_TW translation is.
_TRADITIONAL_REGIONS = ("tw", "hk", "mo")


def plugin_locale(locale: str) -> str:
    """QGIS's name for a language to ours: QGIS 3.22 offers Traditional Chinese as zh-Hant (its own
    qgis_zh-Hant.qm), users and systems write zh_TW, zh-TW, zh_Hant_TW; all mean our zh_TW."""
    name = str(locale or "").strip().replace("-", "_").split(".")[0]
    parts = [p.lower() for p in name.split("_") if p]
    if parts and parts[0] == "zh" and ("hant" in parts[1:] or any(p in _TRADITIONAL_REGIONS for p in parts[1:])):
        return "zh_TW"
    return name


def qm_path(locale: str) -> str:
    """The compiled translation for a locale: exact (zh_TW), then the language alone (zh)."""
    locale = plugin_locale(locale)
    for name in (locale, locale.split("_")[0]):
        path = os.path.join(I18N_DIR, f"aerocolor_{name}.qm")
        if name and os.path.isfile(path):
            return path
    return ""


def install_translator(locale: str = "") -> QTranslator | None:
    path = qm_path(locale or user_locale())
    if not path:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    return translator
