"""Regenerate tests/data/feeds/*.expected.json from the parser's current output."""

from __future__ import annotations

import json

from tests.test_parse import FEEDS, parse_fixture

if __name__ == "__main__":
    for path in sorted(FEEDS.glob("*.xml")):
        expected = path.with_suffix(".expected.json")
        expected.write_text(
            json.dumps(parse_fixture(path), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(expected)
