"""Surface forms of an agency, derived by general rules from its name, acronym, kind, level and region.

Humas staff write one dictionary entry per body (official name, acronym, kind, level, region); journalists
write that body a dozen ways. :func:`derive_variants` produces those ways:

* the **base** of the name (the name without its level word and region: "Dinas Komunikasi dan Informatika"),
  the same with "Informasi" for "Informatika" (and other words written for the official one, "Pengelola" for
  "Pengelolaan"), with common phrases shortened ("Dewan Perwakilan Rakyat Daerah" -> "DPRD", "Komunikasi dan
  Informatika" -> "Kominfo": "Dinas Kominfo", "Sekretariat DPRD") and the acronym ("Diskominfo"; an acronym
  written with its region, "Diskominfo Kaltim", is split first);
* each base followed by each **region part**: every form of the region (long, short, typo; see
  :mod:`crawler.regions`), with or without a level word ("Provinsi", "Prov.", "Kota", "Kabupaten", "Kab.");
* the interleaved "Full Name (ACRONYM) Region" form;
* **head-of-office titles**, fused as journalists write them: Kadiskominfo, Kadinkes, Kadis Kominfo, Kapolda,
  Wakapolda, Kapolresta, Sekwan (Setwan), Sekda (Setda), for ministries Menteri …/Menkominfo/Menkes and the
  deputy's Wakil Menteri …/Wamenkominfo;
* **headquarters**: Mapolda, Mapolresta, Mapolres;
* for national bodies the ministry forms (Kemenkominfo, Kemkominfo, Kementerian Kominfo) and an optional "RI";
* "Pemerintah Kaltim" / "Pemda Kaltim" for a regional government (the region without its level word);
* **sub-district police** (Kepolisian Sektor …): Polsek/Kapolsek/Wakapolsek/Mapolsek + the sector ("Polsek
  Samarinda Kota"), and the sector without its city ("Polsek Kota"), which needs the city from context;
* **common misspellings** of the words in any form: Mentri, Kementrian, Komininfo (:data:`MISSPELLINGS`).

A region-less form of a regional body ("Diskominfo", "Pemprov", "Kapolda") is **bare**: it names a body only
in context, so the matcher resolves it from the article and the source (see :mod:`crawler.mentions`).
Explicit ``aliases`` are added as written (as names); the entity's ``not`` list removes derived variants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crawler.config import EntityConfig
from crawler.regions import LEVEL_WORDS, region_forms

VariantResolution = Literal["name", "title"]


@dataclass(frozen=True)
class Variant:
    """One way of writing an entity. ``bare`` forms carry no region and need context to name a body."""

    surface: str
    resolution: VariantResolution = "name"
    bare: bool = False
    # A bare form of a sub-district body ("Polsek", "Kapolsek"): a capitalised name right after it is
    # another sector ("Polsek Sungai Pinang"), not this body.
    sector: bool = False


# Phrases journalists shorten inside names, applied to the base wherever they occur.
PHRASE_SHORTS: tuple[tuple[str, str], ...] = (
    ("Dewan Perwakilan Rakyat Daerah", "DPRD"),
    ("Komunikasi dan Informatika", "Kominfo"),
    ("Komunikasi dan Informasi", "Kominfo"),
    ("Pekerjaan Umum dan Penataan Ruang", "PUPR"),
    ("Kependudukan dan Pencatatan Sipil", "Dukcapil"),
    ("Energi dan Sumber Daya Mineral", "ESDM"),
    ("Pendidikan dan Kebudayaan", "Dikbud"),
    ("Tenaga Kerja dan Transmigrasi", "Nakertrans"),
    ("Pemuda dan Olahraga", "Pora"),
    ("Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "PMPTSP"),
    ("Ibu Kota Nusantara", "IKN"),
)
# Misspellings common enough in published news to be derived for every form containing the word ("Mentri
# Kominfo", "Kementrian Dalam Negeri", "Kementerian Komininfo RI"). Whole words only.
MISSPELLINGS: tuple[tuple[str, str], ...] = (
    ("Menteri", "Mentri"),
    ("Kementerian", "Kementrian"),
    ("Kominfo", "Komininfo"),
)
# Words journalists write for the official one inside a name ("Komunikasi dan Informasi", "Badan Pengelola
# Keuangan" for "Badan Pengelolaan Keuangan" and back).
WORD_SWAPS: tuple[tuple[str, str], ...] = (
    ("Informatika", "Informasi"),
    ("Pengelolaan", "Pengelola"),
    ("Pengelola", "Pengelolaan"),
)
# Shortened function words that stand for a dinas on their own when a region follows ("Kominfo Kaltim").
STANDALONE_SHORTS = frozenset({"Kominfo", "PUPR", "Dukcapil", "ESDM"})

# Whole bases with their usual abbreviations, whatever acronym the dictionary gives.
BASE_SHORTS: dict[str, tuple[str, ...]] = {
    "Pemerintah Provinsi": ("Pemprov",),
    "Pemerintah Kota": ("Pemkot",),
    "Pemerintah Kabupaten": ("Pemkab",),
    "Dewan Perwakilan Rakyat Daerah": ("DPRD",),
    "Kepolisian Daerah": ("Polda",),
    "Kepolisian Resor Kota": ("Polresta", "Polres"),
    "Kepolisian Resor": ("Polres",),
    "Kepolisian Sektor": ("Polsek",),
    "Sekretariat Daerah": ("Setda", "Setdaprov"),
    "Sekretariat Dewan Perwakilan Rakyat Daerah": ("Setwan", "Sekretariat Dewan", "Setwan DPRD"),
    "Badan Penanggulangan Bencana Daerah": ("BPBD",),
    "Dinas Komunikasi dan Informatika": ("Diskominfo",),
    "Dinas Kesehatan": ("Dinkes",),
    "Dinas Sosial": ("Dinsos",),
    "Dinas Perhubungan": ("Dishub",),
    "Dinas Pendidikan dan Kebudayaan": ("Disdikbud",),
    "Badan Kepegawaian Daerah": ("BKD",),
    "Badan Perencanaan Pembangunan Daerah": ("Bappeda",),
    "Kejaksaan Tinggi": ("Kejati",),
    "Kejaksaan Negeri": ("Kejari",),
}

# Heads of office whose title is a different word from the body ("Sekretaris DPRD" heads the Setwan).
HEAD_TITLES: dict[str, tuple[str, ...]] = {
    "Sekretariat Dewan Perwakilan Rakyat Daerah": ("Sekretaris DPRD", "Sekretaris Dewan", "Sekwan DPRD"),
    "Sekretariat Daerah": ("Sekretaris Daerah",),
}

# Region-less forms too generic to stand for a body even in context.
GENERIC_BARE = frozenset({"pemerintah", "pemerintah daerah", "dinas", "badan", "kepolisian", "sekretariat",
                          "kementerian", "dewan", "inspektorat", "komisi"})

_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _strip_suffix(text: str, suffix: str) -> str | None:
    if text.casefold().endswith(" " + suffix.casefold()):
        return text[: -len(suffix) - 1].rstrip()
    if text.casefold() == suffix.casefold():
        return ""
    return None


def split_region(text: str, region: str | None) -> str:
    """``text`` without a trailing region (any form) and the level word before it."""
    if not region:
        return text
    for form in sorted(region_forms(region), key=len, reverse=True):
        stripped = _strip_suffix(text, form)
        if stripped is not None:
            for words in LEVEL_WORDS.values():
                for word in words:
                    shorter = _strip_suffix(stripped, word)
                    if shorter and shorter.casefold() not in GENERIC_BARE:
                        return shorter
            return stripped
    return text


def canonical_base(base: str) -> str:
    """``base`` with shortened phrases written out ("Sekretariat DPRD" -> "Sekretariat Dewan Perwakilan Rakyat
    Daerah"), so that a dictionary writing the short form in its official name gets the same abbreviations
    and titles (Setwan, Sekwan) as one writing the long form."""
    for long, short in PHRASE_SHORTS:
        base = re.sub(rf"\b{re.escape(short)}\b", long, base)
    return base


def _base_shorts(base: str) -> tuple[str, ...]:
    return BASE_SHORTS.get(base) or BASE_SHORTS.get(canonical_base(base), ())


def base_forms(entity: EntityConfig) -> list[str]:
    """Region-less names of ``entity``: the official base, spelling variants and abbreviations."""
    base = split_region(_clean(entity.name), entity.region)
    if canonical_base(base) != base:
        # Written with a short phrase: the long phrase is a form too, and the shortening rules below apply.
        base, official = canonical_base(base), base
    else:
        official = None
    forms = [official, base] if official else [base]
    for word, written in WORD_SWAPS:
        for form in list(forms):
            if re.search(rf"\b{word}\b", form):
                forms.append(re.sub(rf"\b{word}\b", written, form))
    for long, short in PHRASE_SHORTS:
        for form in list(forms):
            if long in form and form != long:
                forms.append(form.replace(long, short))
    forms.extend(_base_shorts(base))
    acronym = acronym_base(entity)
    if acronym:
        forms.append(acronym)
    for long, short in PHRASE_SHORTS:
        if short in STANDALONE_SHORTS and long in base:
            forms.append(short)
    return _unique(form for form in forms if form)


def acronym_base(entity: EntityConfig) -> str | None:
    """The acronym without a region written into it ("Diskominfo Kaltim" -> "Diskominfo")."""
    if not entity.acronym:
        return None
    return split_region(_clean(entity.acronym), entity.region) or None


def title_forms(entity: EntityConfig) -> list[str]:
    """Fused head-of-office titles: Kadiskominfo, Kadinkes, Kapolda, Sekwan, Menkominfo, Menteri …"""
    base = canonical_base(split_region(_clean(entity.name), entity.region))
    acronyms = [form for form in [acronym_base(entity), *_base_shorts(base)] if form and " " not in form]
    titles: list[str] = list(HEAD_TITLES.get(base, ()))
    for acronym in acronyms:
        lower = acronym.lower()
        if entity.kind == "dinas" and (lower.startswith("dis") or lower.startswith("din")):
            titles.append("Ka" + acronym[0].lower() + acronym[1:])
        elif entity.kind == "police" and lower.startswith("pol"):
            titles += ["Ka" + lower, "Waka" + lower]
        elif lower.startswith("set") and len(acronym) > 3:
            titles.append("Sek" + acronym[3:])
    if entity.kind == "dinas" and base.startswith("Dinas "):
        # "Kadis Sosial", "Kadis Kesehatan", "Kadis Kominfo": Kadis + the dinas's field, long or short.
        field = base.removeprefix("Dinas ")
        fields = [field] + [re.sub(rf"\b{word}\b", written, field) for word, written in WORD_SWAPS
                            if re.search(rf"\b{word}\b", field)]
        fields += [short for long, short in PHRASE_SHORTS if field == long]
        titles += ["Kadis " + item for item in _unique(fields)]
    if entity.kind == "ministry" and base.startswith("Kementerian "):
        # The deputy minister (Wamen…) stands for the ministry as the Wakapolda does for the Polda.
        for prefix, fused in (("Menteri ", "Men"), ("Wakil Menteri ", "Wamen")):
            titles.append(prefix + base.removeprefix("Kementerian "))
            for stem in _ministry_stems(entity):
                if not stem.isupper():
                    titles.append(fused + stem.lower())
                if stem[0].isupper():
                    titles.append(prefix + stem)
    return _unique(titles)


def _ministry_stems(entity: EntityConfig) -> list[str]:
    """The part of a ministry's acronym after Kemen-/Kem-/Kementerian: Kominfo, Kes, Dagri."""
    acronym = acronym_base(entity)
    if not acronym:
        return []
    for prefix in ("Kementerian ", "Kemen", "Kem"):
        if acronym.startswith(prefix) and len(acronym) > len(prefix):
            stem = acronym[len(prefix):]
            return [stem] if len(stem) >= 2 else []
    return [acronym] if acronym[0].isupper() else []


def ministry_forms(entity: EntityConfig) -> list[str]:
    """Kemenkominfo, Kemkominfo, Kementerian Kominfo, from a ministry whose acronym is Kominfo."""
    if entity.kind != "ministry":
        return []
    forms: list[str] = []
    acronym = acronym_base(entity) or ""
    for stem in _ministry_stems(entity):
        if " " in stem or "-" in stem or stem.isupper():
            forms += ["Kementerian " + stem, "Kemen " + stem, "Kemen" + stem]
        elif not acronym.startswith("Kem"):
            forms += ["Kemen" + stem.lower(), "Kem" + stem.lower(), "Kementerian " + stem]
        else:
            forms += ["Kemen" + stem.lower(), "Kem" + stem.lower()]
    return _unique(forms)


def headquarters_forms(entity: EntityConfig) -> list[str]:
    """Mapolda, Mapolresta, Mapolres: the headquarters of a police body."""
    if entity.kind != "police":
        return []
    base = canonical_base(split_region(_clean(entity.name), entity.region))
    acronyms = [form for form in [acronym_base(entity), *_base_shorts(base)] if form and " " not in form]
    return _unique("Ma" + acronym.lower() for acronym in acronyms if acronym.lower().startswith("pol"))


def region_parts(entity: EntityConfig) -> list[str]:
    """How the entity's region is written after a base: "Kaltim", "Provinsi Kalimantan Timur", "Kab. Kukar" …"""
    if not entity.region or entity.level == "nasional":
        return []
    forms = region_forms(entity.region)
    parts = list(forms)
    for word in LEVEL_WORDS.get(entity.level, ()):
        parts += [f"{word} {form}" for form in forms]
    return _unique(parts)


def derive_variants(entity: EntityConfig) -> list[Variant]:
    """Every surface form Pantau matches for ``entity``, minus its ``not`` list; aliases come first."""
    variants: list[Variant] = [Variant(_clean(alias)) for alias in entity.aliases]
    sector = sector_forms(entity)
    if sector is not None:
        variants += sector
        return _finish(entity, variants)
    bases = base_forms(entity)
    titles = title_forms(entity)
    quarters = headquarters_forms(entity)
    parts = region_parts(entity)
    acronym = acronym_base(entity)
    official_base = bases[0]
    if parts:
        for base in bases:
            variants += [Variant(f"{base} {part}") for part in parts]
        swapped = {re.sub(rf"\b{official}\b", written, official_base) for official, written in WORD_SWAPS}
        long_base = canonical_base(official_base)
        for base in {official_base, long_base, *(swapped & set(bases))}:
            for short in {acronym, *_base_shorts(official_base)} - {None}:
                variants += [Variant(f"{base} ({short}) {part}") for part in parts]
        for long, short in PHRASE_SHORTS:
            # The short form of a phrase inside a longer name, bracketed where it stands: "Sekretariat Dewan
            # Perwakilan Rakyat Daerah (DPRD) Kaltim" is the secretariat, not the DPRD.
            if long in long_base and long != long_base:
                inner = long_base.replace(long, f"{long} ({short})")
                variants += [Variant(f"{inner} {part}") for part in parts]
        if entity.kind == "pemda" and long_base in ("Pemerintah Provinsi", "Pemerintah Kota", "Pemerintah Kabupaten"):
            # "Pemerintah Kaltim", "Pemda Kukar": the government named by its region alone.
            for head in ("Pemerintah", "Pemerintah Daerah", "Pemda"):
                variants += [Variant(f"{head} {form}") for form in region_forms(entity.region or "")]
        for title in titles:
            variants += [Variant(f"{title} {part}", "title") for part in parts]
        for quarter in quarters:
            variants += [Variant(f"{quarter} {part}") for part in parts]
        variants += [Variant(base, bare=True) for base in bases if _bare_ok(base)]
        variants += [Variant(title, "title", bare=True) for title in titles]
        variants += [Variant(quarter, bare=True) for quarter in quarters]
    else:
        nationals = bases + ministry_forms(entity)
        if entity.level == "nasional":
            if official_base and acronym:
                nationals.append(f"{official_base} ({acronym})")
            nationals += [f"{form} RI" for form in list(nationals) if not form.endswith(" RI")]
            nationals += [f"{form} Republik Indonesia" for form in bases
                          if "Republik Indonesia" not in form and not form.endswith(" RI")]
        variants += [Variant(form) for form in nationals]
        variants += [Variant(title, "title") for title in titles]
        variants += [Variant(f"{title} RI", "title") for title in titles]
        variants += [Variant(quarter) for quarter in quarters]
    return _finish(entity, variants)


def sector_forms(entity: EntityConfig) -> list[Variant] | None:
    """Forms of a sub-district police station (Kepolisian Sektor …), or None for any other body.

    The sector is what follows "Kepolisian Sektor" ("Samarinda Kota"; a trailing region is split off first).
    Named: Polsek/Kepolisian Sektor/Mapolsek + sector, Kapolsek/Wakapolsek + sector (titles), and the same
    with the city after a sector that does not start with it ("Polsek Sungai Kunjang Samarinda"). The sector
    without its city ("Polsek Kota") and the bare "Polsek"/"Kapolsek" need context: the city from the
    dateline, or the station named in full.
    """
    if entity.kind != "police" or not entity.region:
        return None
    base = split_region(_clean(entity.name), entity.region)
    if not base.startswith("Kepolisian Sektor "):
        return None
    sector = base.removeprefix("Kepolisian Sektor ").strip()
    cities = region_forms(entity.region)
    short = sector
    for city in sorted(cities, key=len, reverse=True):
        if sector.casefold().startswith(city.casefold() + " "):
            short = sector[len(city) + 1:]
            break
    fulls = [sector] if short != sector else [sector] + [f"{sector} {city}" for city in cities]
    heads = (("Polsek", "name"), ("Kepolisian Sektor", "name"), ("Mapolsek", "name"), ("Kapolsek", "title"),
             ("Wakapolsek", "title"))
    variants: list[Variant] = []
    for head, how in heads:
        variants += [Variant(f"{head} {full}", how) for full in fulls]  # type: ignore[arg-type]
    for head, how in heads:
        if short != sector or " " not in short:
            variants.append(Variant(f"{head} {short}", how, bare=True))  # type: ignore[arg-type]
        variants.append(Variant(head, how, bare=True, sector=True))  # type: ignore[arg-type]
    return variants


def _misspelt(variants: list[Variant]) -> list[Variant]:
    out: list[Variant] = []
    for variant in variants:
        for right, wrong in MISSPELLINGS:
            if re.search(rf"\b{right}\b", variant.surface):
                out.append(Variant(re.sub(rf"\b{right}\b", wrong, variant.surface), variant.resolution,
                                   variant.bare, variant.sector))
    return out


def _finish(entity: EntityConfig, variants: list[Variant]) -> list[Variant]:
    """Add misspellings, drop the ``not`` list and duplicates."""
    variants = variants + _misspelt(variants)
    dropped = {_clean(item).casefold() for item in entity.not_}
    seen: set[tuple[str, bool]] = set()
    result: list[Variant] = []
    for variant in variants:
        key = (variant.surface.casefold(), variant.bare)
        if not variant.surface or variant.surface.casefold() in dropped or key in seen:
            continue
        seen.add(key)
        result.append(variant)
    return result


def _bare_ok(form: str) -> bool:
    if form.casefold() in GENERIC_BARE:
        return False
    return " " in form or any(char.isupper() for char in form[1:]) or len(form) >= 5


def _unique(items) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out
