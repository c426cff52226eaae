"""Font roles, fontconfig resolution, HarfBuzz advances and glyph coverage.

The composer predicts where WeasyPrint will put every glyph, so it must measure with the
face Pango picks and shape each run the way Pango shapes it: same script, same language,
same OpenType features. Han and full-width marks are looked up one character at a time
(their advance does not depend on neighbours); Latin words are shaped whole, once.
"""
from __future__ import annotations

import subprocess
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from layout.errors import BuildError
from layout.house import FONTS
from layout.messages import t
from layout.text.normalise import is_han

__all__ = [
    "FontError",
    "FontFace",
    "Metrics",
    "ROLES_FILE",
    "match",
    "missing_glyphs",
    "parse_features",
    "resolve",
]

ROLES_FILE = FONTS / "roles.toml"
FC_ANSWER_SHOWN = 200  # characters of an odd fc-match answer quoted in the error


class FontError(BuildError):
    """A role or family that fontconfig cannot provide (WeasyPrint would silently fall back)."""


@dataclass(frozen=True)
class FontFace:
    path: str  # font file, as fontconfig reports it
    index: int  # face index inside a TTC collection
    family: str  # the family the painter must name in CSS
    weight: int  # CSS weight the painter must ask for


# --- Resolution -----------------------------------------------------------------------

# fontconfig's own CSS/OpenType → fontconfig weight table (FcWeightFromOpenTypeDouble);
# Pango converts CSS weights with it, so fc-match must be asked in the same units.
_FC_WEIGHTS = (
    (0, 0), (100, 0), (200, 40), (300, 50), (350, 55), (380, 75), (400, 80),
    (500, 100), (600, 180), (700, 200), (800, 205), (900, 210), (1000, 215),
)


def _fc_weight(css_weight: int) -> float:
    w = min(max(css_weight, 0), 1000)
    for (o1, f1), (o2, f2) in zip(_FC_WEIGHTS, _FC_WEIGHTS[1:]):
        if o1 <= w <= o2:
            return f1 + (f2 - f1) * (w - o1) / (o2 - o1)
    raise AssertionError("unreachable: weight clamped to the table")


def _fc_escape(family: str) -> str:
    # Characters with a meaning in fontconfig pattern syntax.
    return "".join("\\" + c if c in "\\-:,=" else c for c in family)


@lru_cache(maxsize=None)
def match(family: str, weight: int = 400) -> FontFace:
    """The face fontconfig (hence Pango/WeasyPrint) uses for `family` at CSS `weight`."""
    pattern = f"{_fc_escape(family)}:weight={_fc_weight(weight):g}"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}|%{family}", pattern],
            check=True, capture_output=True, text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise FontError(t("fc-match failed for {family!r}: {reason}", family=family, reason=e)) from e
    fields = out.split("|", 2)
    if len(fields) != 3 or not fields[0] or not fields[1].isdigit():  # no fonts at all, or an odd fc-match
        raise FontError(t("fontconfig found no font for {family!r} (fc-match answered {answer!r})", family=family,
                          answer=out.strip()[:FC_ANSWER_SHOWN]))
    path, index, families = fields
    # fc-match always answers with some font: anything but the family named is a fallback.
    if family.casefold() not in (f.strip().casefold() for f in families.split(",")):
        raise FontError(t("font family {family!r} is not installed (fontconfig offers {offered!r}); "
                          "install it where fontconfig finds it (fonts/README.md)", family=family, offered=families))
    return FontFace(path=path, index=int(index), family=family, weight=weight)


@lru_cache(maxsize=None)
def resolve(role: str, roles_file: Path = ROLES_FILE) -> FontFace:
    """The face filling a typographic role of fonts/roles.toml (body, headline, caption, …)."""
    try:
        with open(roles_file, "rb") as f:
            roles = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise FontError(t("cannot read the font roles {file}: {reason}", file=roles_file, reason=e)) from None
    if role not in roles:
        raise FontError(t("no font role {role!r} in {file} (roles: {roles})", role=role, file=roles_file,
                          roles=", ".join(roles)))
    entry = roles[role]
    if not isinstance(entry, dict) or not isinstance(entry.get("family"), str) \
            or not isinstance(entry.get("weight", 400), int):
        raise FontError(t("font role {role!r} in {file} needs family = \"…\" and an integer weight", role=role,
                          file=roles_file))
    return match(entry["family"], entry.get("weight", 400))


# --- Shaping --------------------------------------------------------------------------


def parse_features(css: str) -> dict[str, int | bool]:
    """CSS font-feature-settings ('"halt"', '"fwid", "kern" 0') → HarfBuzz features."""
    feats: dict[str, int | bool] = {}
    for item in filter(None, (p.strip() for p in css.split(","))):
        tag, _, value = item.partition(" ")
        value = value.strip()
        feats[tag.strip("\"'")] = (
            True if value in ("", "on") else False if value == "off" else int(value)
        )
    return feats


def _script(text: str) -> str:
    """The ISO 15924 script Pango gives a run: that of its first character with a script."""
    for c in text:
        if is_han(c):
            return "Hani"
        if c.isalpha():
            name = unicodedata.name(c, "")
            for prefix, script in (("LATIN", "Latn"), ("GREEK", "Grek"), ("CYRILLIC", "Cyrl")):
                if name.startswith(prefix):
                    return script
    return "Zyyy"


# Pango replaces a language that does not use the run's script by that script's sample
# language (pango_language_includes_script). It knows zh-CN etc. as Han-only; zh-Hans is
# not in its table and so is kept for every script.
_PANGO_HAN_ONLY = frozenset({"zh-cn", "zh-sg", "zh-tw", "zh-hk", "zh-mo"})
_SAMPLE_LANGUAGE = {"Latn": "en", "Grek": "el", "Cyrl": "ru"}


def _shaping_language(lang: str, script: str) -> str:
    if lang.lower() in _PANGO_HAN_ONLY and script in _SAMPLE_LANGUAGE:
        return _SAMPLE_LANGUAGE[script]
    return lang


class _Shaper:
    """One face in one language: a HarfBuzz font and advance caches in em."""

    def __init__(self, face: FontFace, lang: str) -> None:
        hb_face = hb.Face(hb.Blob.from_file_path(face.path), face.index)
        self.font = hb.Font(hb_face)
        self.upem = hb_face.upem
        self.lang = lang
        self.cmap = frozenset(hb_face.unicodes)
        self.char_em: dict[str, float] = {}  # default features, one character shaped alone
        self.char_feat_em: dict[tuple[str, str], float] = {}
        self.run_em: dict[tuple[str, str], tuple[float, ...]] = {}  # per character of a run

    def shape(self, text: str, features: str) -> tuple[float, ...]:
        """Advance of each character of `text` painted as one span (0 for the rest of a cluster)."""
        key = (text, features)
        got = self.run_em.get(key)
        if got is None:
            buf = hb.Buffer()
            buf.add_str(text)
            buf.guess_segment_properties()
            script = _script(text)
            buf.script = script
            buf.language = _shaping_language(self.lang, script)
            hb.shape(self.font, buf, parse_features(features))
            adv = [0.0] * len(text)  # add_str clusters are code point indices
            for info, p in zip(buf.glyph_infos, buf.glyph_positions):
                adv[info.cluster] += p.x_advance / self.upem
            got = self.run_em[key] = tuple(adv)
        return got

    def char(self, c: str, features: str = "") -> float:
        if not features:
            got = self.char_em.get(c)
            if got is None:
                got = self.char_em[c] = self.shape(c, "")[0]
            return got
        key = (c, features)
        got = self.char_feat_em.get(key)
        if got is None:
            got = self.char_feat_em[key] = self.shape(c, features)[0]
        return got


@lru_cache(maxsize=None)
def _shaper(face: FontFace, lang: str) -> _Shaper:
    return _Shaper(face, lang)


class Metrics:
    """Advances of a face at a size, in pt, as WeasyPrint will paint them.

    `lang` must be the language the painter declares (the `lang` attribute of the page):
    it selects the face's localised forms and, through Pango, the shaping of Latin runs.
    """

    def __init__(self, face: FontFace, size: float, lang: str = "zh-CN") -> None:
        self.face = face
        self.size = size
        self.lang = lang
        self._shaper = _shaper(face, lang)
        # The composer's hot loop reads this dict directly (em units, default features).
        self.char_em = self._shaper.char_em

    def char_advance_em(self, c: str, features: str = "") -> float:
        """Advance of one character shaped alone, in em (cached)."""
        return self._shaper.char(c, features)

    def advance(self, c: str, features: str = "") -> float:
        return self._shaper.char(c, features) * self.size

    def advances(self, text: str, features: str = "") -> tuple[float, ...]:
        """Per-character advances in pt of `text` painted as one span (cached per text)."""
        return tuple(a * self.size for a in self._shaper.shape(text, features))

    def width(self, text: str, features: str = "") -> float:
        return sum(self._shaper.shape(text, features)) * self.size


def missing_glyphs(text: str, face: FontFace) -> list[tuple[int, str]]:
    """Characters of `text` the face has no glyph for (index, character), controls excepted.

    Pango would paint them from a fallback font with other metrics, so the composer's
    positions are wrong there as well as the look: a lint error, not a warning.
    """
    cmap = _shaper(face, "zh-CN").cmap  # the cmap does not depend on the language
    return [
        (i, c)
        for i, c in enumerate(text)
        if ord(c) not in cmap
        and unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp")
        and not ("\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef")  # selectors
    ]
