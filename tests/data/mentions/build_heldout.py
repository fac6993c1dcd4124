"""Build heldout.jsonl from heldout.txt (or NAME.jsonl from NAME.txt, e.g. batch3): strip the [[surface|entity-id|how]] marks and record each label with
its offset, so that labels stay exact even where the same words also occur unlabelled (in a caption, inside a
longer name of another body). Run: python tests/data/mentions/build_heldout.py [NAME]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
MARK = re.compile(r"\[\[([^|\]]+)\|([a-z0-9-]+)(?:\|([ntc]))?\]\]")
HOW = {"n": "name", "t": "title", "c": "context", None: "name"}


def strip_marks(field: str, marked: str) -> tuple[str, list[list]]:
    out, labels, cursor = [], [], 0
    length = 0
    for match in MARK.finditer(marked):
        out.append(marked[cursor:match.start()])
        length += match.start() - cursor
        surface, entity_id, how = match.groups()
        labels.append([field, entity_id, surface, HOW[how], length])
        out.append(surface)
        length += len(surface)
        cursor = match.end()
    out.append(marked[cursor:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise ValueError(f"unbalanced mark in {marked[:60]!r}")
    return text, labels


def parse(source: str) -> list[dict]:
    records = []
    for block in re.split(r"^=== ", source, flags=re.M)[1:]:
        header, _, body = block.partition("\n")
        parts = header.split()
        record_id, source_key, published_at = parts[:3]
        lines = body.rstrip("\n").split("\n")
        assert lines[0].startswith("T: "), record_id
        title, title_labels = strip_marks("title", lines[0][3:])
        text, text_labels = strip_marks("text", "\n".join(lines[1:]).strip("\n"))
        records.append({"id": record_id, "source": source_key, "published_at": published_at, "title": title,
                        "text": text, "labels": title_labels + text_labels, "trap": "trap" in parts[3:]})
    return records


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "heldout"
    source = "\n".join(line for line in (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines()
                       if not line.startswith("#"))
    records = parse(source)
    with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    labels = sum(len(r["labels"]) for r in records)
    print(f"{len(records)} texts, {sum(r['trap'] for r in records)} traps, {labels} labels")


if __name__ == "__main__":
    main()
