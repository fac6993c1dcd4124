"""Variant derivation: general rules from name, acronym, kind, level and region."""

from __future__ import annotations

from crawler.config import EntityConfig
from crawler.regions import find_region, region_forms, same_region
from crawler.variants import derive_variants, split_region


def entity(**fields) -> EntityConfig:
    return EntityConfig.model_validate(fields)


def surfaces(item: EntityConfig) -> set[str]:
    return {variant.surface for variant in derive_variants(item)}


DISKOMINFO = entity(id="diskominfo-kaltim", name="Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur",
                    acronym="Diskominfo", kind="dinas", level="provinsi", region="Kalimantan Timur")


def test_variants_region_long_short_and_level_words() -> None:
    assert {"Diskominfo Kaltim", "Diskominfo Provinsi Kalimantan Timur", "Diskominfo Prov. Kaltim",
            "Dinas Kominfo Kaltim", "Kominfo Kaltim", "Dinas Komunikasi dan Informasi Kaltim",
            "Dinas Komunikasi dan Informatika (Diskominfo) Provinsi Kalimantan Timur"} <= surfaces(DISKOMINFO)


def test_variants_titles_and_bare_forms() -> None:
    variants = {v.surface: v for v in derive_variants(DISKOMINFO)}
    assert variants["Kadiskominfo Kaltim"].resolution == "title"
    assert variants["Kadis Kominfo Kaltim"].resolution == "title"
    assert variants["Diskominfo"].bare and variants["Kadiskominfo"].bare


def test_variants_acronym_written_with_its_region_is_split() -> None:
    polda = entity(id="polda-kaltim", name="Kepolisian Daerah Kalimantan Timur", acronym="Polda Kaltim",
                   kind="police", level="provinsi", region="Kalimantan Timur")
    assert {"Polda Kalimantan Timur", "Kapolda Kaltim", "Wakapolda Kaltim", "Mapolda Kaltim", "Polda"} <= surfaces(polda)


def test_variants_ministry_forms_and_minister_titles() -> None:
    kominfo = entity(id="kominfo", name="Kementerian Komunikasi dan Informatika", acronym="Kominfo",
                     kind="ministry", level="nasional")
    assert {"Kemenkominfo", "Kemkominfo", "Kementerian Kominfo", "Kementerian Kominfo RI", "Menkominfo",
            "Menteri Komunikasi dan Informatika"} <= surfaces(kominfo)
    kemenkes = entity(id="kemenkes", name="Kementerian Kesehatan", acronym="Kemenkes", kind="ministry",
                      level="nasional")
    assert "Menkes" in surfaces(kemenkes) and "Menteri kes" not in surfaces(kemenkes)


def test_variants_secretariat_head_titles() -> None:
    setwan = entity(id="setwan", name="Sekretariat Dewan Perwakilan Rakyat Daerah Provinsi Kalimantan Timur",
                    acronym="Setwan", kind="sekretariat", level="provinsi", region="Kalimantan Timur")
    assert {"Sekretariat DPRD Kaltim", "Sekwan Kaltim", "Sekretaris DPRD Kaltim"} <= surfaces(setwan)


def test_variants_aliases_added_and_not_list_removes() -> None:
    item = entity(id="x", name="Dinas Kesehatan Kota Samarinda", acronym="Dinkes", kind="dinas", level="kota",
                  region="Samarinda", aliases=["Dinkes Smd"], **{"not": ["Dinkes"]})
    found = surfaces(item)
    assert "Dinkes Smd" in found and "Dinkes Kota Samarinda" in found and "Dinkes" not in found


def test_variants_generic_words_are_never_bare() -> None:
    aceh = entity(id="pemprov-aceh", name="Pemerintah Aceh", kind="pemda", level="provinsi", region="Aceh")
    assert not any(v.bare and v.surface == "Pemerintah" for v in derive_variants(aceh))


def test_regions_forms_and_lookup() -> None:
    assert "Kaltim" in region_forms("Kalimantan Timur") and "Kukar" in region_forms("Kabupaten Kutai Kartanegara")
    assert same_region("Kaltim", "Provinsi Kalimantan Timur")
    assert find_region("PPU").name == "Penajam Paser Utara"
    assert split_region("Pemerintah Kabupaten Kutai Kartanegara", "Kutai Kartanegara") == "Pemerintah Kabupaten"
    assert split_region("Dinas Sosial Kabupaten Kutai Kartanegara", "Kukar") == "Dinas Sosial"


def test_variants_swap_pengelola_and_pengelolaan() -> None:
    entity = EntityConfig(id="bpkad-x", name="Badan Pengelolaan Keuangan dan Aset Daerah Provinsi Kalimantan Timur",
                          acronym="BPKAD", kind="badan", level="provinsi", region="Kalimantan Timur")
    surfaces = {variant.surface for variant in derive_variants(entity)}
    assert "Badan Pengelola Keuangan dan Aset Daerah Kaltim" in surfaces
    assert "Badan Pengelola Keuangan dan Aset Daerah (BPKAD) Kaltim" in surfaces


# ------------------------------------------------------------------ issue 20: forms a newcomer's dictionary must yield
KOMINFO = entity(id="kominfo", name="Kementerian Komunikasi dan Informatika", acronym="Kominfo", kind="ministry",
                 level="nasional")
KEMENDAGRI = entity(id="kemendagri", name="Kementerian Dalam Negeri", acronym="Kemendagri", kind="ministry",
                    level="nasional")


def test_variants_misspelt_mentri() -> None:
    assert {"Mentri Kominfo", "Mentri Dalam Negeri"} <= surfaces(KOMINFO) | surfaces(KEMENDAGRI)
    assert next(v for v in derive_variants(KOMINFO) if v.surface == "Mentri Kominfo").resolution == "title"


def test_variants_misspelt_kementrian() -> None:
    assert {"Kementrian Komunikasi dan Informatika", "Kementrian Kominfo"} <= surfaces(KOMINFO)
    assert "Kementrian Dalam Negeri" in surfaces(KEMENDAGRI)


def test_variants_misspelt_komininfo() -> None:
    assert {"Kementerian Komininfo RI", "Komininfo"} <= surfaces(KOMINFO)
    assert "Dinas Komininfo Kaltim" in surfaces(DISKOMINFO)


def test_variants_kadis_plus_the_field_of_any_dinas() -> None:
    dinsos = entity(id="dinsos-kaltim", name="Dinas Sosial Provinsi Kalimantan Timur", acronym="Dinsos",
                    kind="dinas", level="provinsi", region="Kalimantan Timur")
    variants = {v.surface: v for v in derive_variants(dinsos)}
    assert variants["Kadis Sosial Kaltim"].resolution == "title"
    assert variants["Kadis Sosial"].bare
    assert "Kadis Komunikasi dan Informatika Kaltim" in surfaces(DISKOMINFO)


def test_variants_regional_government_by_its_region_alone() -> None:
    pemprov = entity(id="pemprov-kaltim", name="Pemerintah Provinsi Kalimantan Timur", acronym="Pemprov",
                     kind="pemda", level="provinsi", region="Kalimantan Timur")
    assert {"Pemerintah Kaltim", "Pemerintah Kalimantan Timur", "Pemda Kaltim"} <= surfaces(pemprov)
    assert not any(v.bare for v in derive_variants(pemprov) if v.surface.startswith("Pemerintah Ka"))


def test_variants_otorita_ikn_from_the_official_name() -> None:
    oikn = entity(id="oikn", name="Otorita Ibu Kota Nusantara", acronym="OIKN", kind="agency", level="nasional")
    assert {"Otorita IKN", "OIKN"} <= surfaces(oikn)
    assert "IKN" not in surfaces(oikn)  # the city, not the authority


def test_variants_secretariat_written_with_dprd_gets_setwan_and_sekwan() -> None:
    setwan = entity(id="setwan", name="Sekretariat DPRD Provinsi Kalimantan Timur", acronym="Setwan",
                    kind="sekretariat", level="provinsi", region="Kalimantan Timur")
    variants = {v.surface: v for v in derive_variants(setwan)}
    assert variants["Sekwan Kaltim"].resolution == "title" and variants["Sekretaris DPRD Kaltim"].resolution == "title"
    assert {"Setwan DPRD Kaltim", "Sekretariat Dewan Perwakilan Rakyat Daerah (DPRD) Provinsi Kalimantan Timur",
            "Sekretariat Dewan Perwakilan Rakyat Daerah Kaltim"} <= set(variants)


def test_variants_police_sector_full_short_and_bare() -> None:
    polsek = entity(id="polsek", name="Kepolisian Sektor Samarinda Kota", acronym="Polsek Samarinda Kota",
                    kind="police", level="kota", region="Samarinda")
    variants = {v.surface: v for v in derive_variants(polsek)}
    assert not variants["Polsek Samarinda Kota"].bare
    assert variants["Kapolsek Samarinda Kota"].resolution == "title"
    assert not variants["Mapolsek Samarinda Kota"].bare
    assert variants["Polsek Kota"].bare and not variants["Polsek Kota"].sector
    assert variants["Polsek"].bare and variants["Polsek"].sector
