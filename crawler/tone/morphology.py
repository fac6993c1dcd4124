"""Indonesian affixed forms of a root word, so the lexicon names a concept once ("kritik") and matches the
words news writing builds from it (dikritik, mengkritik, mengkritisi, kritikan …).

Only the regular derivations are generated; irregular ones stay written out in lexicon.yaml. The meN- prefix
follows the standard nasal assimilation: meng- before vowels, g, h, k (a single k drops: kecam → mengecam, a
cluster stays: kritik → mengkritik); mem- before b, f, v, p (p drops: pukul → memukul, unless a cluster:
protes → memprotes); men- before c, d, j, z, t (t drops: tuding → menuding, unless a cluster); meny- before s (s
drops: sorot → menyoroti); me- before l, m, n, r, w, y. peN- behaves the same (pe + the nasal).
"""

from __future__ import annotations

# Form codes of lexicon.yaml's ``roots`` entries and what each builds from a root.
# Passive and noun forms judge the body named before them (the subject); active ones the body after (object).
PASSIVE_FORMS = ("di", "di-kan", "di-i", "ter", "an", "ke-an", "peN-an", "nya")
ACTIVE_FORMS = ("meN", "meN-kan", "meN-i", "bare", "bare-kan", "bare-i")
_VOWELS = "aeiou"
_CONSONANTS = "bcdfghjklmnpqrstvwxyz"


def _cluster(root: str) -> bool:
    return len(root) > 1 and root[1] in _CONSONANTS and root[1] not in "y"


def nasal(prefix: str, root: str) -> str:
    """``prefix`` ("me" or "pe") + the nasal that ``root`` takes, with the root's first letter dropped when the
    language drops it."""
    first = root[0]
    if first in _VOWELS or first in "gh":
        return f"{prefix}ng{root}"
    if first == "k":
        return f"{prefix}ng{root if _cluster(root) else root[1:]}"
    if first in "bfv":
        return f"{prefix}m{root}"
    if first == "p":
        return f"{prefix}m{root if _cluster(root) else root[1:]}"
    if first in "cdjz":
        return f"{prefix}n{root}"
    if first == "t":
        return f"{prefix}n{root if _cluster(root) else root[1:]}"
    if first == "s":
        return f"{prefix}ny{root[1:]}" if not _cluster(root) else f"{prefix}n{root}"
    return f"{prefix}{root}"


def form(root: str, code: str) -> str:
    """One derived form of ``root`` (lower case) by its code."""
    builders = {
        "di": lambda r: f"di{r}", "di-kan": lambda r: f"di{r}kan", "di-i": lambda r: f"di{r}i",
        "ter": lambda r: f"ter{r}", "an": lambda r: f"{r}an", "ke-an": lambda r: f"ke{r}an",
        "peN-an": lambda r: f"{nasal('pe', r)}an", "nya": lambda r: f"{r}nya",
        "meN": lambda r: nasal("me", r), "meN-kan": lambda r: f"{nasal('me', r)}kan",
        "meN-i": lambda r: f"{nasal('me', r)}i", "bare": lambda r: r, "bare-kan": lambda r: f"{r}kan",
        "bare-i": lambda r: f"{r}i",
    }
    if code not in builders:
        raise ValueError(f"unknown form code {code!r} (known: {', '.join(builders)})")
    return builders[code](root)


def forms(root: str, codes: list[str]) -> tuple[list[str], list[str]]:
    """The (subject-role, object-role) words that ``codes`` build from ``root``."""
    root = root.strip().lower()
    subject = [form(root, code) for code in codes if code in PASSIVE_FORMS]
    objects = [form(root, code) for code in codes if code in ACTIVE_FORMS]
    unknown = [code for code in codes if code not in PASSIVE_FORMS and code not in ACTIVE_FORMS]
    if unknown:
        raise ValueError(f"unknown form code {unknown[0]!r} for root {root!r}")
    return subject, objects
