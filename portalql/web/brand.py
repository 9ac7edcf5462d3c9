"""The merchant's brand on the hosted page: logo, icon, name and colours from the Stripe account's
branding settings (`GET /v1/account`, `settings.branding`, where Stripe's own portal takes them), each one
overridable by a portalql setting.

Colours are made accessible whatever they are: the primary colour (buttons, links, focus rings) is darkened
until white text reads on it at 4.5:1 (WCAG's AA for text), which also makes it readable on the white page;
text on the secondary colour (the masthead) is black or white, whichever contrasts more (one of the two
always reaches 4.5:1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stripe_gateway.records import AccountBranding

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
WHITE = "#ffffff"
BLACK = "#000000"
AA_TEXT = 4.5


@dataclass(frozen=True, slots=True)
class Brand:
    name: str | None = None
    logo_url: str | None = None
    icon_url: str | None = None
    primary_color: str | None = None
    secondary_color: str | None = None

    @classmethod
    def of(cls, branding: AccountBranding | None, overrides: Brand) -> Brand:
        """The account's brand with every override that is set taking its place."""
        base = (
            cls()
            if branding is None
            else cls(
                name=branding.display_name,
                logo_url=branding.logo_url,
                icon_url=branding.icon_url,
                primary_color=_colour(branding.primary_color),
                secondary_color=_colour(branding.secondary_color),
            )
        )
        changes = {name: value for name, value in _fields(overrides).items() if value is not None}
        return replace(base, **changes)

    def css(self) -> str:
        """Custom properties for `portal.css`: the accent (buttons, links, focus) and the masthead."""
        rules = []
        if self.primary_color:
            # Darkened until white reads on it (4.5:1), so it also reads as text and rings on the white page;
            # darker still on hover, it only gains contrast.
            accent = ink_on(self.primary_color, WHITE)
            rules += [f"--accent: {accent};", f"--accent-ink: {WHITE};", f"--focus: {accent};"]
        if self.secondary_color:
            rules += [
                f"--masthead: {self.secondary_color};",
                f"--masthead-ink: {text_on(self.secondary_color)};",
            ]
        return ":root {\n  " + "\n  ".join(rules) + "\n}\n" if rules else ""


def _fields(brand: Brand) -> dict[str, str | None]:
    return {name: getattr(brand, name) for name in Brand.__slots__}


def _colour(value: str | None) -> str | None:
    return value.lower() if value and _HEX.fullmatch(value) else None


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of an sRGB `#rrggbb` colour."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[index : index + 2]) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """Black or white text for `background`, whichever contrasts more (at least 4.58:1 either way)."""
    return WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(BLACK, background) else BLACK


def ink_on(colour: str, background: str) -> str:
    """`colour`, darkened just enough to be read as text on `background` (4.5:1)."""
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    for step in range(101):
        keep = 1 - step / 100
        candidate = "#{:02x}{:02x}{:02x}".format(*(round(part * keep) for part in (red, green, blue)))
        if contrast_ratio(candidate, background) >= AA_TEXT:
            return candidate
    return BLACK
