"""Writes one section of docs/benchmarks.md, leaving the other benchmarks' sections as they are."""

from __future__ import annotations

import re
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Measured on a shared, noisy machine: read medians and ratios, not single values. Each\n"
    "section says how to reproduce it.\n"
)


def write_section(name: str, body: str) -> Path:
    """Replace (or add) the section `## name` with `body`."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    start, end = f"<!-- {name}: start -->", f"<!-- {name}: end -->"
    section = f"{start}\n## {name}\n\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: section, text)
        if pattern.search(text)
        else (text.rstrip("\n") + "\n\n" + section)
    )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return REPORT
