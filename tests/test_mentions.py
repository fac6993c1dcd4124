"""Matcher rules and the traps of DOMAIN.md, one small example each (bundled dictionary)."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from crawler.article import Article
from crawler.config import SourceConfig, load_entities
from crawler.mentions import Matcher, normalise

KALTIM = SourceConfig(key="regional", name="Regional", home_url="https://regional.example",
                      region="Kalimantan Timur", scope="regional")
NATIONAL = SourceConfig(key="national", name="National", home_url="https://national.example", scope="national")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_entities())


def found(matcher: Matcher, text: str, source: SourceConfig | None = KALTIM, *, title: str | None = None,
          published: str = "2025-01-10", **fields) -> list[tuple[str, str]]:
    article = Article(url="u", canonical_url="u", title=title, text=text,
                      published_at=dt.datetime.fromisoformat(published + "T10:00:00+08:00"), **fields)
    return [(m.entity_id, m.surface) for m in matcher.find(article, source)]


def mentions(matcher: Matcher, text: str, source: SourceConfig | None = KALTIM, **fields):
    article = Article(url="u", canonical_url="u", text=text, **fields)
    return matcher.find(article, source)


# ------------------------------------------------------------------ names, variants, offsets
def test_mentions_offsets_index_the_original_text_despite_double_spaces(matcher) -> None:
    text = "Kemarin  Diskominfo   Kaltim\tmenggelar rapat."
    [mention] = mentions(matcher, text)
    assert text[mention.start:mention.end] == mention.surface == "Diskominfo   Kaltim"
    assert mention.entity_id == "diskominfo-kaltim"


def test_mentions_interleaved_full_name_with_acronym_is_one_mention(matcher) -> None:
    text = "Dinas Komunikasi dan Informatika (Diskominfo) Provinsi Kalimantan Timur menggelar rapat."
    assert found(matcher, text) == [("diskominfo-kaltim", text[:71])]


def test_mentions_informasi_for_informatika_and_case_variants(matcher) -> None:
    assert found(matcher, "Rapat di dinas kominfo kaltim dan Dinas Komunikasi dan Informasi Kota Samarinda.") == [
        ("diskominfo-kaltim", "dinas kominfo kaltim"), ("diskominfo-samarinda", "Dinas Komunikasi dan Informasi Kota Samarinda")]


def test_mentions_level_words_optional_and_abbreviated(matcher) -> None:
    text = "BPBD Kab. Kukar, BPBD Kabupaten Kutai Kartanegara dan BPBD Prov. Kaltim bersiaga."
    assert [entity for entity, _ in found(matcher, text)] == ["bpbd-kukar", "bpbd-kukar", "bpbd-kaltim"]


def test_mentions_typo_in_region_still_matches(matcher) -> None:
    assert found(matcher, "Pemerintah Provinsi Kalimanatan Timur menyiapkan anggaran.") == [
        ("pemprov-kaltim", "Pemerintah Provinsi Kalimanatan Timur")]


def test_mentions_suffix_nya_is_allowed(matcher) -> None:
    assert found(matcher, "Di Polda Kaltimnya sendiri belum ada laporan.") == [("polda-kaltim", "Polda Kaltim")]


# ------------------------------------------------------------------ traps 1-6
def test_mentions_bare_kominfo_on_regional_outlet_is_not_the_ministry(matcher) -> None:
    assert found(matcher, "Kominfo menyiapkan pelatihan admin media sosial.") == []
    assert found(matcher, "Kominfo Banten menyiapkan pelatihan.") == []


def test_mentions_bare_kominfo_on_national_outlet_is_the_ministry(matcher) -> None:
    assert found(matcher, "Kominfo memblokir ribuan situs.", NATIONAL) == [("kominfo", "Kominfo")]


@pytest.mark.parametrize("text", [
    "Kadiskominfostaper Berau dan Diskominfostaper meluncurkan aplikasi.",
    "Kunjungi www.kominfo.go.id atau https://diskominfo.kaltimprov.go.id/berita/diskominfo-kaltim.",
    "Surat bernomor 555/214/KOMINFO/IX/2024 beredar di grup.",
    "KOMINFONEWS - Redaksi menerima rilis.",
    "Ikuti #Kominfo dan @DiskominfoKaltim di media sosial.",
])
def test_mentions_identifiers_and_substrings_never_match(matcher, text) -> None:
    assert found(matcher, text) == []


def test_mentions_same_base_name_other_region_or_level(matcher) -> None:
    text = "Diskominfo Kaltim, Diskominfo Samarinda dan Diskominfo Kukar; BPBD Kaltim dan BPBD Kota Samarinda."
    assert [entity for entity, _ in found(matcher, text)] == [
        "diskominfo-kaltim", "diskominfo-samarinda", "diskominfo-kukar", "bpbd-kaltim", "bpbd-samarinda"]


def test_mentions_other_province_with_shared_prefix(matcher) -> None:
    ids = [entity for entity, _ in found(matcher, "Pemerintah Provinsi Kalimantan Utara dan Pemprov Kalsel hadir.")]
    assert ids == ["pemprov-kaltara", "pemprov-kalsel"]


def test_mentions_name_inside_longer_name_of_another_body(matcher) -> None:
    assert found(matcher, "Sekretariat DPRD Kaltim menggelar rapat.") == [
        ("setwan-dprd-kaltim", "Sekretariat DPRD Kaltim")]
    assert found(matcher, "Sekretaris DPRD Kaltim hadir.") == [("setwan-dprd-kaltim", "Sekretaris DPRD Kaltim")]
    assert found(matcher, "Komisi Informasi Provinsi Kalimantan Timur menggelar sidang.") == [
        ("komisi-informasi-kaltim", "Komisi Informasi Provinsi Kalimantan Timur")]


def test_mentions_blockers_hold_without_the_longer_body_in_the_dictionary() -> None:
    dictionary = [entity for entity in load_entities() if entity.id in {"dprd-kaltim", "pemprov-kaltim"}]
    small = Matcher(dictionary)
    assert found(small, "Sekretariat DPRD Kaltim dan Komisi Informasi Provinsi Kalimantan Timur rapat.") == []


def test_mentions_sub_units_count_for_their_parent(matcher) -> None:
    assert found(matcher, "Komisi I DPRD Kota Samarinda memanggil Kabid Humas Polda Kaltim.") == [
        ("dprd-samarinda", "DPRD Kota Samarinda"), ("polda-kaltim", "Polda Kaltim")]


@pytest.mark.parametrize("text", [
    "PT Pupuk Kaltim, Kaltim Post, Tribun Kaltim dan Bank Kaltimtara menjadi sponsor.",
    "Pelajar se-Kaltim di wilayah Provinsi Kalimantan Timur ikut lomba.",
    "Anggota DPR RI dan DPD asal daerah pemilihan itu hadir.",
])
def test_mentions_region_words_in_company_media_and_region_names(text) -> None:
    small = Matcher([entity for entity in load_entities() if entity.id.endswith("kaltim")])
    assert found(small, text) == []


def test_mentions_fused_titles_resolve_as_title(matcher) -> None:
    result = mentions(matcher, "Kapolda Kaltim, Kadinkes Kaltim, Kadiskominfo Kaltim dan Menkominfo hadir.")
    assert [(m.entity_id, m.resolution) for m in result] == [
        ("polda-kaltim", "title"), ("dinkes-kaltim", "title"), ("diskominfo-kaltim", "title"), ("kominfo", "title")]


def test_mentions_headquarters_form(matcher) -> None:
    assert found(matcher, "Pelaku dibawa ke Mapolresta Samarinda.") == [("polresta-samarinda", "Mapolresta Samarinda")]


def test_mentions_hyphenated_pair_shares_the_region(matcher) -> None:
    result = mentions(matcher, "Pemprov-DPRD Kaltim menyepakati APBD.")
    assert [(m.entity_id, m.surface, m.resolution) for m in result] == [
        ("pemprov-kaltim", "Pemprov", "name"), ("dprd-kaltim", "DPRD Kaltim", "name")]


def test_mentions_glued_tag_list_still_splits(matcher) -> None:
    assert found(matcher, "Tag: BanjirSamarindaKotaPolresta Samarinda") == [("polresta-samarinda", "Polresta Samarinda")]


# ------------------------------------------------------------------ context (issue 4 item 4)
def test_mentions_bare_form_resolves_to_body_named_earlier(matcher) -> None:
    result = mentions(matcher, "Diskominfo Samarinda menggelar lomba. Diskominfo menyiapkan hadiah.")
    assert [(m.entity_id, m.resolution) for m in result] == [
        ("diskominfo-samarinda", "name"), ("diskominfo-samarinda", "context")]


def test_mentions_bare_form_resolves_to_home_region_of_regional_source(matcher) -> None:
    result = mentions(matcher, "Diskominfo menyiapkan pelatihan bagi OPD di Kaltim.")
    assert [(m.entity_id, m.resolution) for m in result] == [("diskominfo-kaltim", "context")]


def test_mentions_bare_form_needs_a_place_of_the_home_region_on_a_regional_source(matcher) -> None:
    # Issue 20: a story that names no place is not evidence that it is about the outlet's region.
    assert found(matcher, "Diskominfo menyiapkan pelatihan bagi OPD.") == []


def test_mentions_bare_form_unresolved_without_context(matcher) -> None:
    assert found(matcher, "Diskominfo menyiapkan pelatihan bagi OPD.", NATIONAL) == []
    assert found(matcher, "Diskominfo menyiapkan pelatihan bagi OPD.", None) == []


def test_mentions_bare_form_with_contradicting_region_is_dropped(matcher) -> None:
    assert found(matcher, "Diskominfo Makassar memperluas wifi. Diskominfo menargetkan 500 titik.") == []


def test_mentions_generic_plural_uses_are_not_counted(matcher) -> None:
    assert found(matcher, "Pemkab dan Pemkot se-Kaltim serta para Kapolres diminta hadir. DPRD kabupaten/kota juga.") == []


def test_mentions_city_bare_form_resolved_by_dateline_region(matcher) -> None:
    result = mentions(matcher, "SAMARINDA - Pemkot menggelar rapat banjir.")
    assert [(m.entity_id, m.resolution) for m in result] == [("pemkot-samarinda", "context")]


# ------------------------------------------------------------------ validity and renames
def test_mentions_renamed_body_keeps_its_own_name_after_the_rename(matcher) -> None:
    text = "Kementerian Kominfo dulu menangani hal ini; kini Komdigi."
    assert found(matcher, text, published="2025-03-01") == [
        ("kominfo", "Kementerian Kominfo"), ("komdigi", "Komdigi")]


def test_mentions_lineage_root_links_predecessor_and_successor(matcher) -> None:
    assert matcher.lineage_root("komdigi") == "kominfo"
    assert matcher.lineage_root("brida-kaltim") == "balitbangda-kaltim"


# ------------------------------------------------------------------ zones and fields
def test_mentions_zones_in_text_and_other_fields(matcher) -> None:
    text = ("Polda Kaltim menggelar apel.\n"
            "Di lokasi, Polda Kaltim menyiapkan 200 personel. \"Polda Kaltim siap,\" kata dia.\n"
            "Baca juga: Polda Kaltim tangkap pengedar\n"
            "Foto: Humas Polda Kaltim\n"
            "Tags: Polda Kaltim, Apel\n"
            "Apel selesai siang hari. (Humas Polda Kaltim/adv/ab)")
    article = Article(url="u", canonical_url="u", title="Apel Polda Kaltim", text=text,
                      captions=["Kapolda Kaltim memimpin apel"], tags=["apel", "Polda Kaltim"],
                      related=["Polda Kaltim siaga"], byline="Humas Polda Kaltim")
    result = matcher.find(article, KALTIM)
    assert [(m.field, m.zone) for m in result] == [
        ("title", "title"), ("text", "lead"), ("text", "body"), ("text", "quote"), ("text", "related"),
        ("text", "caption"), ("text", "tag"), ("text", "byline"),
        ("caption", "caption"), ("tags", "tag"), ("related", "related"), ("byline", "byline")]
    tags = next(m for m in result if m.field == "tags")
    assert "\n".join(article.tags)[tags.start:tags.end] == "Polda Kaltim"


def test_mentions_snippet_surrounds_the_mention(matcher) -> None:
    [mention] = mentions(matcher, "x" * 200 + " Polda Kaltim " + "y" * 200)
    assert "Polda Kaltim" in mention.snippet and len(mention.snippet) < 200


# ------------------------------------------------------------------ plumbing
def test_mentions_matcher_pickles_and_matches_the_same(matcher) -> None:
    copy = pickle.loads(pickle.dumps(matcher))
    text = "Kapolda Kaltim dan Diskominfo Kukar."
    assert found(copy, text) == found(matcher, text)


def test_mentions_normalise_keeps_length_without_double_spaces() -> None:
    normal, mapping = normalise("Diskominfo KALTIM")
    assert normal == "diskominfo kaltim" and mapping is None


# ------------------------------------------------------------------ rules found by the held-out set
def test_mentions_name_and_its_bracketed_short_form_are_one_mention(matcher) -> None:
    text = "SAMARINDA - Pemerintah Provinsi Kalimantan Timur (Pemprov Kaltim) dan Polda Kaltim (Kapolda) rapat."
    assert found(matcher, text) == [("pemprov-kaltim", "Pemerintah Provinsi Kalimantan Timur (Pemprov Kaltim)"),
                                    ("polda-kaltim", "Polda Kaltim"), ("polda-kaltim", "Kapolda")]


def test_mentions_bracketed_region_alone_stays_outside_the_span(matcher) -> None:
    text = "TENGGARONG - Pemerintah Kabupaten Kutai Kartanegara (Kukar) menargetkan 100 desa."
    assert found(matcher, text) == [("pemkab-kukar", "Pemerintah Kabupaten Kutai Kartanegara")]


def test_mentions_caption_paragraph_ending_with_photo_credit_is_caption_zone(matcher) -> None:
    text = ("SAMARINDA - Polda Kaltim menggelar apel.\n"
            "Kapolda Kaltim saat memeriksa kesiapan personel. (Foto: Humas Polda Kaltim)")
    zones = [(m.surface, m.zone) for m in mentions(matcher, text)]
    assert zones == [("Polda Kaltim", "lead"), ("Kapolda Kaltim", "caption"), ("Polda Kaltim", "caption")]


def test_mentions_bare_form_after_another_regions_body_is_not_the_home_body(matcher) -> None:
    text = ("SAMARINDA - Dinkes Kaltim mencatat 1.862 kasus DBD.\nKepala Dinkes Samarinda menyebut pengasapan "
            "dilakukan. Menurut dia, Dinkes juga membagikan abate.\nDinkes Kaltim menyiagakan infus.")
    assert found(matcher, text) == [("dinkes-kaltim", "Dinkes Kaltim"), ("dinkes-kaltim", "Dinkes Kaltim")]


def test_mentions_bare_multiword_form_in_lowercase_phrase_is_generic(matcher) -> None:
    assert found(matcher, "Dinas kesehatan di tiap kabupaten wajib melapor.") == []
    assert found(matcher, "Dinas Kesehatan Kaltim dan dinas kesehatan kaltim.") == [
        ("dinkes-kaltim", "Dinas Kesehatan Kaltim"), ("dinkes-kaltim", "dinas kesehatan kaltim")]


def test_mentions_deputy_minister_titles_name_the_ministry(matcher) -> None:
    text = "JAKARTA - Wamenkomdigi Nezar Patria dan Wakil Menteri Komunikasi dan Digital Angga Raka hadir."
    assert found(matcher, text, NATIONAL, published="2025-02-20") == [
        ("komdigi", "Wamenkomdigi"), ("komdigi", "Wakil Menteri Komunikasi dan Digital")]


def test_mentions_level_word_after_bare_form_narrows_in_any_case(matcher) -> None:
    text = ("SAMARINDA - BPBD Kaltim dan BPBD Kota Samarinda rapat. BPBD Provinsi menyiapkan perahu, "
            "BPBD Kota memantau sungai.")
    assert found(matcher, text)[2:] == [("bpbd-kaltim", "BPBD"), ("bpbd-samarinda", "BPBD")]


def test_mentions_regional_story_datelined_elsewhere_may_name_the_ministry(matcher) -> None:
    assert found(matcher, "JAKARTA - Kominfo memblokir 500 situs judi.", published="2024-08-01") == [
        ("kominfo", "Kominfo")]
    assert found(matcher, "SAMARINDA - Kominfo memblokir 500 situs judi.", published="2024-08-01") == []


# ------------------------------------------------------------------ issue 20: bare forms need positive evidence
def test_mentions_generic_dprd_is_no_mention(matcher) -> None:
    assert found(matcher, "SAMARINDA – Anggota DPRD di seluruh Indonesia menolak usulan itu. Fungsi pengawasan "
                          "DPRD harus diperkuat.") == []


def test_mentions_bare_form_in_a_national_story_without_region_is_no_mention(matcher) -> None:
    text = "Pengamat menilai DPRD jarang dikenal pemilih. Dinas Sosial juga diminta memperbarui data."
    assert found(matcher, text, NATIONAL) == []
    balikpapan = KALTIM.model_copy(update={"region": "Balikpapan"})
    assert found(matcher, text, balikpapan) == []  # a local outlet's national story: not its home bodies


def test_mentions_bare_form_of_a_region_the_gazetteer_lacks_blocks_later_bare_forms(matcher) -> None:
    text = "Dinas Kesehatan Kabupaten Sleman mencatat 46 kasus. Dinas Kesehatan juga membagikan obat."
    assert found(matcher, text) == []


def test_mentions_dateline_city_means_the_city_body_not_the_province(matcher) -> None:
    # A regency seat as dateline names the regency: Berau's BPBD, not BPBD Kaltim.
    assert found(matcher, "TANJUNG REDEB – BPBD menyiagakan perahu karet di Sungai Segah.") == [("bpbd-berau", "BPBD")]
    # Berau's Dinas Sosial is not in the dictionary: no mention rather than Dinsos Kaltim.
    assert found(matcher, "TANJUNG REDEB – Dinas Sosial membuka posko pengungsian.") == []
    # A province-only form (Pemprov) fits any dateline in the province.
    assert found(matcher, "BALIKPAPAN – Pemprov menyiapkan bantuan banjir.") == [("pemprov-kaltim", "Pemprov")]


def test_mentions_body_inside_a_bracketed_foreign_name_is_dropped(matcher) -> None:
    text = ("SAMARINDA – BRIDA Kaltim belajar ke Badan Riset dan Inovasi Daerah (BRIDA) Jawa Tengah.")
    assert found(matcher, text) == [("brida-kaltim", "BRIDA Kaltim")]


def test_mentions_kominfo_pusat_is_the_ministry(matcher) -> None:
    # Issue 19 item 10: after Diskominfo Samarinda, "Kominfo pusat" is still the central ministry.
    text = "SAMARINDA – Diskominfo Samarinda berkoordinasi dengan Kominfo pusat soal situs yang diretas."
    assert found(matcher, text, published="2024-07-09") == [("diskominfo-samarinda", "Diskominfo Samarinda"),
                                                            ("kominfo", "Kominfo")]
    assert found(matcher, "Diskominfo Samarinda membuka pusat data baru. Kominfo pusat data", published="2024-07-09")[:1] == [
        ("diskominfo-samarinda", "Diskominfo Samarinda")]


def test_mentions_former_members_candidates_and_associations_are_not_the_body(matcher) -> None:
    assert found(matcher, "Mantan anggota DPRD Kaltim itu kini caleg DPRD Kaltim. Asosiasi DPRD Kota Seluruh "
                          "Indonesia ikut hadir.") == []
    assert found(matcher, "Wakil Ketua DPRD Kaltim hadir.") == [("dprd-kaltim", "DPRD Kaltim")]
    assert found(matcher, "Hal itu dibahas dalam forum DPRD Kaltim.") == [("dprd-kaltim", "DPRD Kaltim")]


def test_mentions_secretariat_named_with_the_dprd_bracket_is_the_secretariat(matcher) -> None:
    text = "SAMARINDA – Sekretariat Dewan Perwakilan Rakyat Daerah (DPRD) Provinsi Kalimantan Timur menggelar pelatihan."
    assert [m[0] for m in found(matcher, text)] == ["setwan-dprd-kaltim"]


def test_mentions_polsek_sector_short_form_needs_the_city_and_other_sectors_are_dropped(matcher) -> None:
    text = ("SAMARINDA – Polsek Kota menangkap dua pelaku. Satu beraksi di wilayah Polsek Sungai Pinang.")
    assert found(matcher, text) == [("polsek-samarinda-kota", "Polsek Kota")]
    text = "Polsek Samarinda Kota menangkap dua pelaku. Kapolsek Kompol Rengga mengatakan pelaku ditahan."
    assert found(matcher, text) == [("polsek-samarinda-kota", "Polsek Samarinda Kota"), ("polsek-samarinda-kota", "Kapolsek")]
    assert found(matcher, "BALIKPAPAN – Polsek Kota menggelar patroli. Kapolsek menyebut warga dilibatkan.") == []
    assert found(matcher, "Polsek Balikpapan Selatan berpatroli. Kapolsek meminta warga melapor ke Polsek terdekat.") == []


def test_mentions_unit_of_the_dprd_secretariat_is_the_secretariat(matcher) -> None:
    text = "Kepala Bagian Humas dan Protokol DPRD Kaltim Irwan hadir. Kabag Persidangan DPRD Kaltim juga. Ketua DPRD Kaltim membuka."
    assert [m[0] for m in found(matcher, text)] == ["setwan-dprd-kaltim", "setwan-dprd-kaltim", "dprd-kaltim"]
    assert found(matcher, "Sekwan DPRD Kaltim Norhayati hadir.") == [("setwan-dprd-kaltim", "Sekwan DPRD Kaltim")]
