"""The parts table: which face and size sets each part of an article (styles/house.toml [parts]).

One table read by everything that names a face: the composer measures a part in the face this
table gives it (layout.plan.fit), the frames record that face on every line (layout.frame), and the
print stylesheet's per-part font rules are generated from it (styles/print.css.j2), so a line is
painted in exactly the face it was measured in (invariant 1).

A part names a font role of fonts/roles.toml (its family) and the CSS weight it is set at, which
may differ from the role's own weight (the 引题 and 副题 are Hei, lighter than the 主题). Its size
is one of: `size_em` (× the format's body size), `size_pt`, or `headline_share` (× the 主题's
size, rounded, never below `min_em` × the body size); the 主题's own size is chosen by the composer
within [headline] (no size here).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from layout.errors import BuildError
from layout.house import house
from layout.messages import t
from layout.text.fonts import FontFace, match, resolve

# Every part an article prints, in the order a reader meets them; the table must give each.
PART_NAMES = ("kicker", "headline", "subtitle", "byline", "body", "subhead", "note", "verse", "jump", "caption",
              "label")
_SIZE_KEYS = ("size_em", "size_pt", "headline_share")
_WEIGHTS = range(100, 1000, 100)  # the CSS weights (numeric keywords)


@dataclass(frozen=True)
class Part:
    name: str
    role: str  # font role of fonts/roles.toml: its family
    weight: int  # CSS weight the part is measured and painted at
    size_em: float = 0.0  # × the body size
    size_pt: float = 0.0
    headline_share: float = 0.0  # × the 主题's size …
    min_em: float = 0.0  # … never below this × the body size

    @property
    def face(self) -> FontFace:
        """The face this part is measured and painted in: the role's family at the part's weight."""
        return match(resolve(self.role).family, self.weight)

    def size(self, body_size: float, headline_size: float = 0.0) -> float:
        """The part's size in pt, in a format of `body_size`, under a 主题 of `headline_size`."""
        if self.headline_share:
            return max(body_size * self.min_em, round(headline_size * self.headline_share))
        return self.size_pt or self.size_em * body_size


def sized_by_headline(p: Part) -> bool:
    """The 主题 and the parts sized from it: each line of them carries its own size."""
    return p.name == "headline" or bool(p.headline_share)


def _invalid(name: str, why: str) -> BuildError:
    return BuildError(t("styles/house.toml [parts] {part}: {why}", part=name, why=why))


def _part(name: str, raw: object) -> Part:
    if not isinstance(raw, dict):
        raise _invalid(name, t("write role, weight and a size"))
    unknown = set(raw) - {"role", "weight", "min_em", *_SIZE_KEYS}
    if unknown:
        raise _invalid(name, t("unknown key {key}", key=", ".join(sorted(unknown))))
    if not isinstance(raw.get("role"), str):
        raise _invalid(name, t("role must name a font role of fonts/roles.toml"))
    if raw.get("weight") not in _WEIGHTS:
        raise _invalid(name, t("weight must be one of 100, 200 … 900"))
    sizes = [key for key in _SIZE_KEYS if key in raw]
    if name == "headline" and sizes:
        raise _invalid(name, t("the 主题's size is chosen by the composer within [headline]: give it no size"))
    if name != "headline" and len(sizes) != 1:
        raise _invalid(name, t("give exactly one of size_em, size_pt and headline_share"))
    numbers = {key: raw[key] for key in (*_SIZE_KEYS, "min_em") if key in raw}
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0 for v in numbers.values()):
        raise _invalid(name, t("sizes must be positive numbers"))
    return Part(name, raw["role"], raw["weight"], **{key: float(v) for key, v in numbers.items()})


@cache
def parts() -> dict[str, Part]:
    """The house's parts table, validated, by part name."""
    return parse_parts(house().get("parts"))


def parse_parts(table: object) -> dict[str, Part]:
    """A [parts] table read and checked: every part given once, each with a role, a weight and one size."""
    if not isinstance(table, dict):
        raise BuildError(t("styles/house.toml has no [parts] table: which face and size set each part"))
    missing = [name for name in PART_NAMES if name not in table]
    if missing:
        raise _invalid(", ".join(missing), t("missing"))
    extra = [name for name in table if name not in PART_NAMES]
    if extra:
        raise _invalid(", ".join(extra), t("not a part (parts: {parts})", parts=", ".join(PART_NAMES)))
    return {name: _part(name, table[name]) for name in PART_NAMES}


def part(name: str) -> Part:
    return parts()[name]
