"""Draw the installable app's icons (elearn/static/icons/, named by elearn.offline's manifest).

    .venv/bin/python tools/make_icons.py

A yellow star over an open book on the Party's red; the maskable one keeps its drawing inside the
safe circle (80 % of the side) that a phone's launcher may crop to. Pillow comes with fpdf2.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "elearn" / "static" / "icons"


def icon(size: int, path: Path, maskable: bool = False) -> None:
    img = Image.new("RGB", (size, size), (183, 28, 28))
    draw = ImageDraw.Draw(img)
    cx, cy = size / 2, size * 0.46
    r = size * (0.26 if maskable else 0.32)
    star = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.382
        star.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    draw.polygon(star, fill=(255, 213, 0))
    w, top, h = size * (0.22 if maskable else 0.28), cy + r * 0.75, size * 0.07
    for side in (-1, 1):  # the book's two pages
        draw.polygon([(cx + side * w, top), (cx, top + h * 0.6), (cx, top + h * 1.6), (cx + side * w, top + h)],
                     fill=(255, 255, 255))
    img.save(path, optimize=True)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    icon(192, OUT / "icon-192.png")
    icon(512, OUT / "icon-512.png")
    icon(512, OUT / "icon-maskable-512.png", maskable=True)
