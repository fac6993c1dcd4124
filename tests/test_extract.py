"""extract_article and find_continuation_pages on small pages written for the purpose (tests/data/extract/)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crawler.bylines import byline_text, credit_line, is_advertorial_credit, parse_byline, split_names
from crawler.config import SourceConfig
from crawler.extract import ExtractionError, extract_article, find_continuation_pages, is_single_page_url

DATA = Path(__file__).parent / "data" / "extract"
WITA = SourceConfig(key="diksinusa", name="Diksi Nusa", home_url="https://diksinusa.test/",
                    timezone="Asia/Makassar")
FETCHED = dt.datetime(2025, 11, 22, 3, 0, tzinfo=dt.timezone.utc)


def page(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wita_article():
    return extract_article(page("wita_byline.html"), "https://diksinusa.test/news/2025/10/22/pelatihan-humas?utm_source=fb",
                           WITA, fetched_at=FETCHED)


def test_extract_title_without_site_name(wita_article):
    assert wita_article.title == "Diskominfo Kaltim Gelar Pelatihan Humas"


def test_extract_z_stamp_that_is_local_time_uses_the_byline(wita_article):
    # The meta says 14:32Z, the byline 14:32 WITA: the CMS stamped local time as UTC.
    assert wita_article.published_at == dt.datetime(2025, 10, 22, 14, 32, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert wita_article.published_at.utcoffset() == dt.timedelta(hours=8)


def test_extract_header_date_is_not_the_publication_date(wita_article):
    assert wita_article.published_at.date() != dt.date(2025, 11, 22)


def test_extract_baca_juga_removed_and_kept_as_related(wita_article):
    assert "Baca juga" not in wita_article.text and "BACA JUGA" not in wita_article.text
    assert "DPRD Kaltim Setujui Anggaran Perubahan" in wita_article.related
    assert "Pemprov Kaltim Luncurkan Aplikasi Layanan Publik Terbaru" in wita_article.related
    assert "Gubernur Kaltim Resmikan" not in wita_article.text
    assert "Kepala Diskominfo Kaltim, Muhammad Faisal" in wita_article.text


def test_extract_captions_apart_from_text(wita_article):
    assert wita_article.captions == ["Peserta pelatihan di Samarinda. (Foto: Humas)"]
    assert "Peserta pelatihan" not in wita_article.text


def test_extract_byline_names_and_credit(wita_article):
    assert wita_article.authors == ["Rina Wulandari"]
    assert wita_article.editors == ["Budi Santoso"]
    assert wita_article.byline == "(Humas DPRD Kaltim/adv/cha)"
    assert "Humas DPRD Kaltim/adv" not in wita_article.text
    assert wita_article.is_advertorial


def test_extract_metadata_fields(wita_article):
    assert wita_article.canonical_url == "https://diksinusa.test/news/2025/10/22/pelatihan-humas"
    assert wita_article.site_name == "Diksi Nusa"
    assert wita_article.tags == ["Diskominfo", "Humas"]
    assert wita_article.language == "id"


def test_extract_multi_page_story_is_stitched():
    url = "https://gemanusantara.test/read/2025/07/05/192850/banjir-rendam-samarinda"
    first = page("multipage_1.html")
    pages = find_continuation_pages(first, url)
    assert pages == [url + "?page=2", url + "?page=3"]
    article = extract_article(first, url, fetched_at=FETCHED,
                              more_pages=[page("multipage_2.html"), page("multipage_3.html")])
    assert article.pages == 3
    assert "perahu karet" in article.text and "satu meter" in article.text and "drainase" in article.text
    assert article.text.count("Banjir Rendam Samarinda") == 0
    assert "Selanjutnya" not in article.text
    assert article.published_at == dt.datetime(2025, 7, 5, 19, 28, 50, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert article.authors == ["Ahmad Fauzi"] and article.section == "Regional"
    assert not article.is_advertorial


def test_find_continuation_pages_prefers_single_page_view():
    html = ('<html><body><article><p>Isi</p><a href="/read/1/x?page=2">2</a>'
            '<a href="/read/1/x?page=all">Tampilkan semua</a></article></body></html>')
    assert find_continuation_pages(html, "https://portal.test/read/1/x") == ["https://portal.test/read/1/x?page=all"]


def test_find_continuation_pages_none_for_single_page():
    assert find_continuation_pages(page("wita_byline.html"), "https://diksinusa.test/news/2025/10/22/x") == []


def test_extract_advertorial_flag_from_url_and_section():
    html = ("<html><head><meta property='article:section' content='Advertorial'></head><body><h1>Judul Berita"
            " Pariwara Pemkab</h1><p>" + "Pemerintah kabupaten meresmikan pasar baru bagi warga. " * 8 + "</p></body></html>")
    assert extract_article(html, "https://x.test/berita/1", fetched_at=FETCHED).is_advertorial
    plain = html.replace("Advertorial", "Politik")
    assert not extract_article(plain, "https://x.test/berita/1", fetched_at=FETCHED).is_advertorial
    assert extract_article(plain, "https://x.test/adv/berita-1", fetched_at=FETCHED).is_advertorial


def test_extract_no_author_invented():
    html = "<html><body><h1>Judul Berita Tanpa Penulis</h1><p>" + "Warga kota menyambut festival. " * 12 + "</p></body></html>"
    article = extract_article(html, "https://x.test/2025/01/02/judul", fetched_at=FETCHED)
    assert article.authors == []
    assert article.published_at.date() == dt.date(2025, 1, 2) and article.date_source == "url"


def test_extract_never_dates_after_fetch():
    html = ("<html><head><meta property='article:published_time' content='2030-01-01T10:00:00+07:00'></head>"
            "<body><h1>Berita Dari Masa Depan</h1><p>" + "Isi berita yang cukup panjang. " * 12 + "</p></body></html>")
    article = extract_article(html, "https://x.test/berita/9", fetched_at=FETCHED)
    assert article.published_at is None or article.published_at <= FETCHED


def test_extract_empty_page_raises_one_line_error():
    with pytest.raises(ExtractionError) as error:
        extract_article("<html><body></body></html>", "https://x.test/kosong", fetched_at=FETCHED)
    assert "https://x.test/kosong" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("text, authors, editors", [
    ("Penulis: Ahmad Yani | Editor: Budi", ["Ahmad Yani"], ["Budi"]),
    ("Reporter : Siti Aminah", ["Siti Aminah"], []),
    ("Koresponden: Rina Wulandari", ["Rina Wulandari"], []),
    ("Pewarta: Nur Imansyah\nRedaktur: Tasrief Tarmizi", ["Nur Imansyah"], ["Tasrief Tarmizi"]),
    ("Kontributor: Andi Saputra, Dewi Lestari dan Yusuf Hamdani", ["Andi Saputra", "Dewi Lestari", "Yusuf Hamdani"], []),
    ("Penulis: Redaksi", [], []),
    ("Penulis: ant/adv", [], []),
])
def test_bylines_indonesian_labels(text, authors, editors):
    assert parse_byline(text) == (authors, editors)


@pytest.mark.parametrize("pieces, authors, editors", [
    # A label in an element of its own, the names in the next ("<span>von</span><a>Dr. Max Kolter</a>").
    (["von", "Dr. Max Kolter", "20.10.2025"], ["Dr. Max Kolter"], []),
    (["Penulis:", "Ahmad Yani", "Editor:", "Rina Lestari"], ["Ahmad Yani"], ["Rina Lestari"]),
    # Names linked one by one, the comma or "dan" between them a text of its own.
    (["Oleh", "Ahmad Yani", ",", "Budi Santoso", "dan", "Siti Aminah", "Kamis, 3 Juli 2025 10:00 WITA"],
     ["Ahmad Yani", "Budi Santoso", "Siti Aminah"], []),
    # Texts that are not labels stay apart: a date is not read as a name, nor a language switch's "en".
    (["Reporter: Nur Imansyah", "Samarinda", "Kamis, 3 Juli 2025"], ["Nur Imansyah"], []),
    (["Penulis: Rina Lestari", "en", "Bagikan"], ["Rina Lestari"], []),
])
def test_bylines_labels_and_names_in_separate_elements(pieces, authors, editors):
    assert parse_byline(byline_text(pieces)) == (authors, editors)


@pytest.mark.parametrize(("signature", "authors"), [
    ("Rina Lestari", ["Rina Lestari"]),
    ("srf/hosb;kesm", []),  # initials codes written in lower case are not names, whatever case a reader gives them
    ("rina lestari", ["Rina Lestari"]),  # a name in lower case (CSS capitalises it) is still a name
])
def test_extract_author_element_in_lower_case_initials_are_not_names(signature, authors):
    body = f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p class='ref'>Samarinda, 5.7.2025; <span itemprop='author'>" \
           f"{signature}</span></p>"
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.authors == authors


def test_bylines_surname_given_is_one_person():
    assert split_names("Putri, Arny") == ["Putri, Arny"]
    assert split_names("Arny Putri, Budi Santoso") == ["Arny Putri", "Budi Santoso"]


def test_bylines_credit_lines():
    assert credit_line("Isi berita.\n(diskominfo/cha/mgm)") == "(diskominfo/cha/mgm)"
    assert is_advertorial_credit("(Humas DPRD Kaltim/adv/cha)")
    assert is_advertorial_credit("(adv)")
    assert not is_advertorial_credit("(diskominfo/cha/mgm)")


def _story(body: str, head: str = "", title: str = "Banjir Rendam Tiga Kecamatan di Samarinda") -> str:
    return (f"<html><head><title>{title} - Gema Nusantara</title><meta property='og:title' content='{title}'>"
            f"{head}</head><body><header><a href='/'>Gema Nusantara</a></header><article><h1>{title}</h1>"
            f"{body}</article><footer>© 2025 Gema Nusantara</footer></body></html>")


PARAGRAPH = ("Hujan deras sejak Minggu malam membuat air sungai meluap dan merendam permukiman warga di tiga "
             "kecamatan, kata Kepala BPBD Samarinda kepada wartawan. ")


def test_is_single_page_url():
    assert is_single_page_url("https://portal.test/read/1/x?page=all")
    assert is_single_page_url("https://portal.test/read/1/x?single=1#top")
    assert not is_single_page_url("https://portal.test/read/1/x?page=2")
    assert not is_single_page_url("https://portal.test/read/1/x")


def test_extract_loose_lead_text_before_paragraphs_is_kept():
    body = (f"<div class='detail'><b>SAMARINDA</b> - Lead yang ditulis lepas di dalam div. {PARAGRAPH}"
            f"<p>{PARAGRAPH}</p><p>Paragraf kedua. {PARAGRAPH}</p></div>")
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.text.startswith("SAMARINDA - Lead yang ditulis lepas")
    assert "Paragraf kedua" in article.text


def test_extract_br_separated_story_keeps_every_paragraph():
    body = f"<div class='isi'>Pertama. {PARAGRAPH}<br><br>Kedua. {PARAGRAPH}<br><br>Ketiga. {PARAGRAPH}</div>"
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert all(word in article.text for word in ("Pertama.", "Kedua.", "Ketiga."))


def test_extract_lines_that_are_other_stories_links_are_dropped():
    index = "".join(f"<div class='item'><span>Senin, 0{n}/07/2025 10:0{n} WIB</span> <a href='/read/{n}'>"
                    f"Berita lain nomor {n} tentang banjir di kota</a></div>" for n in range(1, 5))
    body = f"<p>{PARAGRAPH}</p><p>Paragraf kedua. {PARAGRAPH}</p>{index}"
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert "Berita lain nomor" not in article.text
    assert "Paragraf kedua" in article.text


def test_extract_labelled_link_lines_in_any_language_are_dropped():
    body = (f"<p>{PARAGRAPH}</p><p>FUNDA OLUNYE UDABA LAPHA | <a href='/other'>Kuboshwe abahlanu besolwa "
            f"ngokugwaza umfundi</a></p><p>Paragraf kedua. {PARAGRAPH}</p>")
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert "Kuboshwe" not in article.text and "Paragraf kedua" in article.text


def test_extract_embedded_tweets_and_repeated_placeholders_are_not_text():
    tweet = ("<blockquote class='twitter-tweet'><p>Banjir lagi di Samarinda #banjir</p>&mdash; Warga (@warga) "
             "July 5, 2025</blockquote>")
    placeholder = "<p>Konten eksternal tidak tersedia di perangkat ini</p>"
    body = f"<p>{PARAGRAPH}</p>{tweet}{placeholder}<p>Kedua. {PARAGRAPH}</p>{placeholder}<p>Ketiga. {PARAGRAPH}" \
           f"</p>{placeholder}"
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert "@warga" not in article.text and "Konten eksternal" not in article.text
    assert "Ketiga." in article.text


def test_extract_furniture_around_the_story_is_trimmed_and_subheadings_kept():
    body = (f"<p>FotoBisnis</p><p>{PARAGRAPH}</p><h2>Warga Mengungsi</h2><p>Kedua. {PARAGRAPH}</p>"
            f"<p>Redaksi: redaksi[at]gema.test</p><p>MustRead</p><p>SolusiUKM    · Iklan Baris    · Blog    · Forum"
            f"    · Sindikasi    · Suara Pembaca    · Surat Pembaca    · gemaTV    · Cari Alamat Kantor</p>")
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    lines = article.text.split("\n")
    assert lines[0].startswith("Hujan deras") and "Warga Mengungsi" in lines
    assert "MustRead" not in article.text and "Redaksi:" not in article.text and "Sindikasi" not in article.text


def test_extract_title_by_agreement_ignores_a_slogan_h1():
    html = _story(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>").replace(
        "<body>", "<body><h1>Experience The Zone</h1>", 1)
    article = extract_article(html, "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.title == "Banjir Rendam Tiga Kecamatan di Samarinda"


def test_extract_naive_byline_takes_the_offset_the_page_uses_elsewhere():
    head = "<meta property='article:modified_time' content='2025-07-06T09:00:00+02:00'>"
    body = f"<div class='date'>05.07.2025 23:30</div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
    article = extract_article(_story(body, head), "https://gema.test/berita/banjir", fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2025, 7, 5, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_extract_meta_names_match_loosely_and_zone_named_stamps_parse():
    head = "<meta property='article:published:time' content='Sat Jul 05 19:28:50 WITA 2025'>"
    article = extract_article(_story(f"<p>{PARAGRAPH}</p>", head), "https://gema.test/berita/banjir",
                              fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2025, 7, 5, 19, 28, 50, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert article.date_source == "meta"


PHOTO_CAPTIONS = [f"Warga Sempaja mengungsi ke masjid saat banjir merendam rumah mereka, Samarinda, foto {n} dari lima."
                  for n in range(1, 6)]


def test_extract_photo_story_without_most_read_items_and_share_text():
    figures = "".join(f"<figure><img src='/foto/{n}.jpg'><figcaption>{caption}</figcaption></figure>"
                      for n, caption in enumerate(PHOTO_CAPTIONS, 1))
    most_read = "".join(
        f"<li><figure><img src='/t/{n}.jpg'></figure><div class='snippet__caption'><h5><a href='/read/{n}'>"
        f"Berita Populer Nomor {n} Hari Ini</a></h5><span class='count'>Telah dibaca {n}.2k kali</span></div></li>"
        for n in range(1, 6))
    share = ("<div class='share__caption'>Banjir Rendam Tiga Kecamatan di Samarinda "
             "https://gema.test/foto/2025/07/05/banjir</div>")
    html = _story(f"{figures}{share}<p>5 foto</p>").replace(
        "<footer>", f"<aside><h3>Terpopuler</h3><ul>{most_read}</ul></aside><footer>")
    article = extract_article(html, "https://gema.test/foto/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.text.split("\n") == PHOTO_CAPTIONS
    assert article.captions == PHOTO_CAPTIONS


@pytest.mark.parametrize("line", [
    "Bergaun Transparan, Rihanna Pamer Berlian Rp 13 MTelah dibaca 5k kali",
    "Pemprov DKI Buka Posko Kalijodo Telah dibaca 252 kali",
    "Ten things to know about the floods 1,204 views",
])
def test_clean_text_drops_most_read_items_with_their_counters(line):
    from crawler.extract import _clean_text

    story = "Hujan deras sejak Minggu malam membuat air sungai meluap dan merendam permukiman warga di tiga kecamatan."
    text, related = _clean_text(f"{story}\n{line}\n{story}")
    assert text == f"{story}\n{story}" and len(related) == 1 and "dibaca" not in related[0]


def test_drop_teasers_removes_another_storys_teaser_but_not_a_story_with_a_linked_subheading():
    from crawler.extract import _drop_teasers, _text_of, parse_html

    teaser = ("<div class='box_3'><h4><a href='https://gema.test/read/2025/07/01/darurat-4g'>Indonesia Darurat 4G?"
              "</a></h4><img src='/t.jpg'>Kalau bukan sekarang, kapan lagi? Inilah urgensi layanan 4G di daerah.</div>")
    # A sub-heading linking to the agency's page inside the story: its box is the story, not a teaser.
    story = (f"<div class='detail'><p>{PARAGRAPH}</p><h3><a href='https://bpbd.test/'>Posko BPBD Samarinda</a></h3>"
             f"<p>{PARAGRAPH}</p></div>")
    # A heading linking to the page itself (a permalink, here its tracked twin) is this story's headline.
    self_link = ("<div class='head'><h2><a href='https://gema.test/read/2025/07/05/banjir?utm_source=fb'>Banjir "
                 "Rendam Tiga Kecamatan</a></h2>Samarinda, Sabtu 5 Juli 2025.</div>")
    tree = parse_html(f"<html><body><div class='kiri'>{self_link}{story}</div><div class='kanan'>{teaser}</div>"
                      "</body></html>")
    _drop_teasers(tree, "https://gema.test/read/2025/07/05/banjir")
    text = _text_of(tree)
    assert "Kalau bukan sekarang" not in text and "Indonesia Darurat" not in text
    assert "Posko BPBD Samarinda" in text and text.count("Hujan deras") == 2 and "Sabtu 5 Juli" in text


def test_extract_unmarked_caption_beside_an_image_is_a_caption():
    body = (f"<div class='pic'><a href='/foto/1.jpg'><img src='/foto/1.jpg'></a><p>Warga mengungsi di Sempaja, "
            f"24 Juni 2025</p></div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>")
    article = extract_article(_story(body), "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.captions == ["Warga mengungsi di Sempaja, 24 Juni 2025"]
    assert "Sempaja" not in article.text
    assert article.published_at.date() == dt.date(2025, 7, 5)


@pytest.mark.parametrize(("og_title", "page_title", "headline"), [
    # Only the <h1> states the headline: the kicker and the headline stay two words apart, not "AlamBanjir".
    (None, None, "Bencana Alam Banjir Rendam Tiga Kecamatan di Samarinda"),
    # og:title and <title> state the same headline, og:title with the separator the page's styling shows: the
    # three agree, and the writing that keeps the separator is the one given.
    ("Bencana Alam / Banjir Rendam Tiga Kecamatan di Samarinda",
     "Bencana Alam Banjir Rendam Tiga Kecamatan di Samarinda - Gema Nusantara",
     "Bencana Alam / Banjir Rendam Tiga Kecamatan di Samarinda"),
])
def test_extract_title_kicker_span_in_the_h1_is_not_glued_to_the_headline(og_title, page_title, headline):
    html = _story(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>").replace(
        "<h1>Banjir Rendam", "<h1><span class='kicker'>Bencana Alam</span>Banjir Rendam").replace(
        "<title>Banjir Rendam Tiga Kecamatan di Samarinda - Gema Nusantara</title>",
        f"<title>{page_title}</title>" if page_title else "").replace(
        "<meta property='og:title' content='Banjir Rendam Tiga Kecamatan di Samarinda'>",
        f"<meta property='og:title' content='{og_title}'>" if og_title else "")
    article = extract_article(html, "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.title == headline


def test_extract_keeps_subheadings_between_paragraphs_without_an_article_container():
    # No container trafilatura recognises: it collects the paragraphs only, and the sub-heading was lost.
    body = (f"<p>{PARAGRAPH}</p><p>Kedua. {PARAGRAPH}</p><h2>Warga Mengungsi ke Masjid</h2><p>Ketiga. {PARAGRAPH}</p>"
            f"<h3>Baca juga: Longsor di Balikpapan</h3><p>Keempat. {PARAGRAPH}</p>"
            f"<h3><a href='/read/2025/07/04/longsor'>Longsor Tutup Jalan Poros</a> (Video)</h3><p>Kelima. {PARAGRAPH}</p>")
    html = (f"<html><head><title>Banjir Rendam Tiga Kecamatan - Gema Nusantara</title></head><body><div id='wrap'>"
            f"<h1>Banjir Rendam Tiga Kecamatan</h1><div class='longText'>{body}</div></div></body></html>")
    article = extract_article(html, "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    lines = article.text.split("\n")
    assert lines[1:4] == [f"Kedua. {PARAGRAPH.strip()}", "Warga Mengungsi ke Masjid", f"Ketiga. {PARAGRAPH.strip()}"]
    # Boilerplate set as a heading, and a heading that links to another story, stay out.
    assert "Baca juga" not in article.text and "Longsor Tutup" not in article.text
    assert lines[4:] == [f"Keempat. {PARAGRAPH.strip()}", f"Kelima. {PARAGRAPH.strip()}"]


def _split_story_page(between: str, *, endless: bool = False) -> str:
    """A story whose body an ad slot splits into two containers of the same class; ``between``: what stands
    between them. ``endless``: each container in an <article> of its own, as an endless page sets the next story."""
    first = "".join(f"<p>Bagian {n}. {PARAGRAPH}</p>" for n in range(1, 9))
    second = "".join(f"<p>Lanjutan {n}. {PARAGRAPH}</p>" for n in range(1, 4))
    part_one = f"<h1>Banjir Rendam Tiga Kecamatan</h1><div class='row'><div class='article-body'>{first}</div></div>"
    part_two = f"<div class='row'><div class='article-body -last'>{second}</div></div>"
    ad = "<div class='row'><div class='ad-slot'>Iklan</div></div>"
    story = (f"<article>{part_one}</article>{ad}{between}<article>{part_two}</article>" if endless
             else f"<article>{part_one}{ad}{between}{part_two}</article>")
    return f"<html><head><title>Banjir Rendam Tiga Kecamatan - Gema Nusantara</title></head><body>{story}</body></html>"


@pytest.mark.parametrize(("between", "endless", "joined"), [
    ("", False, True),  # one story split by an ad slot: read whole
    ("", True, False),  # the next story of an endless page, in an <article> of its own
    ("<h1>Longsor Tutup Jalan Poros Balikpapan</h1>", False, False),  # another story's headline between them
])
def test_extract_story_split_into_body_containers_is_read_whole(between, endless, joined):
    html = _split_story_page(between, endless=endless)
    article = extract_article(html, "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert "Bagian 8." in article.text
    assert ("Lanjutan 3." in article.text) is joined


SHARED_TITLE = "Banjir Samarinda: Ribuan Warga Mengungsi ke Masjid"


@pytest.mark.parametrize(("jsonld_name", "headline"), [
    # og:title, twitter:title, <title> and the JSON-LD article's name state one title, the <h1> and the JSON-LD
    # headline another: four of the publisher's statements against two.
    (SHARED_TITLE, SHARED_TITLE),
    # Without the name it is a tie, which the headline as shown wins.
    (None, "Banjir Rendam Tiga Kecamatan di Samarinda"),
    # A name that is the publisher's, not a title, agrees with nothing.
    ("Gema Nusantara", "Banjir Rendam Tiga Kecamatan di Samarinda"),
])
def test_extract_title_counts_the_jsonld_name_as_a_statement(jsonld_name, headline):
    ld = {"@type": "NewsArticle", "headline": "Banjir Rendam Tiga Kecamatan di Samarinda"}
    if jsonld_name:
        ld["name"] = jsonld_name
    head = (f"<meta name='twitter:title' content='{SHARED_TITLE}'>"
            f"<script type='application/ld+json'>{json.dumps(ld)}</script>")
    html = _story(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>", head).replace(
        "<title>Banjir Rendam Tiga Kecamatan di Samarinda - Gema Nusantara</title>",
        f"<title>{SHARED_TITLE} - Gema Nusantara</title>").replace(
        "<meta property='og:title' content='Banjir Rendam Tiga Kecamatan di Samarinda'>",
        f"<meta property='og:title' content='{SHARED_TITLE}'>")
    article = extract_article(html, "https://gema.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.title == headline


@pytest.mark.parametrize(("node", "statements"), [
    ({"@type": "NewsArticle", "name": SHARED_TITLE}, [("jsonld", SHARED_TITLE)]),  # an Article without headline
    ({"@type": "WebPage", "name": SHARED_TITLE}, []),  # not the article's title
])
def test_title_evidence_reads_the_name_of_an_article_node_only(node, statements):
    from crawler.extract import title_evidence

    html = f"<html><head><script type='application/ld+json'>{json.dumps(node)}</script></head><body></body></html>"
    assert title_evidence(html, "https://gema.test/read/1") == statements


@pytest.mark.parametrize(("h1", "text"), [
    ("<span>Nationale Demo</span>Der 9. Juli naht", "Nationale Demo Der 9. Juli naht"),
    ("<b>KPK</b>Periksa Pejabat MA", "KPK Periksa Pejabat MA"),
    ("Diskominfo<br>Kaltim Gelar Pelatihan", "Diskominfo Kaltim Gelar Pelatihan"),
    ("DPR<span class='red'>D</span> Kaltim Rapat Paripurna", "DPRD Kaltim Rapat Paripurna"),  # a styled letter
    ("i<b>Phone</b> Dilarang di Kantor Pemkot", "iPhone Dilarang di Kantor Pemkot"),
])
def test_headline_text_keeps_kicker_and_headline_apart_but_not_letters_of_a_word(h1, text):
    from crawler.extract import _headline_text, parse_html

    tree = parse_html(f"<html><body><h1>{h1}</h1></body></html>")
    assert _headline_text(next(tree.iter("h1"))) == text


def test_extract_title_ignores_a_logo_h1():
    html = _story(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>").replace(
        "<body>", "<body><h1><a href='/'>Gema Nusantara</a></h1>", 1).replace(
        "<meta property='og:title' content='Banjir Rendam Tiga Kecamatan di Samarinda'>", "").replace(
        "<h1>Banjir Rendam Tiga Kecamatan di Samarinda</h1>", "<h2>Banjir Rendam Tiga Kecamatan di Samarinda</h2>")
    article = extract_article(html, "https://gemanusantara.test/read/2025/07/05/banjir", fetched_at=FETCHED)
    assert article.title == "Banjir Rendam Tiga Kecamatan di Samarinda"


@pytest.mark.parametrize(("title", "site_name", "url", "headline"), [
    # A domain name and a colon before the headline.
    ("KapanLagi.com: Brandon Salim Makin Dekat", "KapanLagi.com", "https://www.kapanlagi.com/showbiz/a.html",
     "Brandon Salim Makin Dekat"),
    # The full-width separator of Japanese titles.
    ("南海トラフ、一時調査　巨大地震、基準達せず：中日新聞Web", "中日新聞Web", "https://www.chunichi.co.jp/article/1",
     "南海トラフ、一時調査　巨大地震、基準達せず"),
    # A date after the site name.
    ("Ukrainische Gegenoffensive: Ziele, Chancen, Risiken | DW | 28.04.2023", "DW", "https://www.dw.com/de/a",
     "Ukrainische Gegenoffensive: Ziele, Chancen, Risiken"),
    # Accents and umlauts the host name spells without.
    ("Hlavní aktér prodává vilu - Seznam Zprávy", None, "https://www.seznamzpravy.cz/clanek/a",
     "Hlavní aktér prodává vilu"),
    ("Steigende US-Zinsen setzen Dax zu | Börsen-Zeitung", None, "https://www.boersen-zeitung.de/a",
     "Steigende US-Zinsen setzen Dax zu"),
    # A region that is also a word of the host name is not a site name when only a colon follows it.
    ("Kaltim: Gubernur Resmikan Jalan Tol", "Tribunkaltim.co", "https://kaltim.tribunnews.com/2025/01/01/a",
     "Kaltim: Gubernur Resmikan Jalan Tol"),
    # The site's name and a date after commas; a region after a comma stays, as do commas in the headline.
    ("Kenia: Nairobi von unten, Tageszeitung junge Welt, 18.05.2026", "junge Welt",
     "https://www.jungewelt.de/artikel/1.html", "Kenia: Nairobi von unten"),
    ("Gubernur Resmikan Jalan Tol di Samarinda, Kaltim", "Tribunkaltim.co",
     "https://kaltim.tribunnews.com/2025/01/01/a", "Gubernur Resmikan Jalan Tol di Samarinda, Kaltim"),
    ("Ukrainische Gegenoffensive: Ziele, Chancen, Risiken", "DW", "https://www.dw.com/de/a",
     "Ukrainische Gegenoffensive: Ziele, Chancen, Risiken"),
])
def test_extract_title_site_names_stripped(title, site_name, url, headline):
    from crawler.extract import _site_words, _strip_site_name

    assert _strip_site_name(title, _site_words(site_name, url)) == headline


@pytest.mark.parametrize(("page_title", "section", "headline"), [
    # The page's section and the site's short domain after the headline.
    ("Berlin-Marathon: Sebastian Hendel im Porträt - Sport - SZ.de", "Sport",
     "Berlin-Marathon: Sebastian Hendel im Porträt"),
    # The section before the site's name.
    ("Job-Turbo hilft Geflüchteten | sueddeutsche.de | Wirtschaft", "Wirtschaft", "Job-Turbo hilft Geflüchteten"),
    # A headline that starts with the section's word keeps it.
    ("Politik Uang Marak | Pilkada - SZ.de", "Politik", "Politik Uang Marak | Pilkada"),
])
def test_extract_title_from_page_title_without_section_and_domain(page_title, section, headline):
    # Only <title> states the headline.
    html = (f"<html><head><title>{page_title}</title>"
            f"<meta property='article:section' content='{section}'></head><body><div class='text'><p>{PARAGRAPH}</p>"
            f"<p>{PARAGRAPH}</p></div></body></html>")
    article = extract_article(html, "https://www.sueddeutsche.de/sport/hendel-1.7211", fetched_at=FETCHED)
    assert article.title == headline


def test_extract_reads_json_ld_wrapped_in_cdata():
    head = ("<script type='application/ld+json'>\n//<![CDATA[\n{\"@type\": \"NewsArticle\", "
            "\"datePublished\": \"2025-07-05T21:00:00+08:00\", \"author\": {\"@type\": \"Person\", "
            "\"name\": \"Rina Lestari\"}}\n//]]>\n</script>")
    article = extract_article(_story(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>", head),
                              "https://gema.test/berita/banjir", fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2025, 7, 5, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert article.date_source == "jsonld"
    assert article.authors == ["Rina Lestari"]


@pytest.mark.parametrize(("meta_author", "byline", "authors"), [
    ("Rina Lestari", "", ["Rina Lestari"]),  # a person in the meta tags beats the publisher named in JSON-LD
    ("", "<div class='info'><span>Oleh</span> <a href='/p/rina'>Rina Lestari</a></div>",
     ["Rina Lestari"]),                      # so does a person in the byline under the headline
    ("", "", ["Gema Nusantara"]),            # no person anywhere: the publisher's own statement is kept
])
def test_extract_publisher_as_json_ld_author(meta_author, byline, authors):
    head = ("<meta property='og:site_name' content='Gema Nusantara'>"
            f"<meta name='author' content='{meta_author}'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": "
            "{\"@type\": \"Person\", \"name\": \"Gema Nusantara \"}}</script>")
    article = extract_article(_story(f"{byline}<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>", head),
                              "https://gemanusantara.test/berita/banjir", fetched_at=FETCHED)
    assert article.authors == authors


SECTION_H1_PAGE = """<html lang="id"><head><title>{title} - Portal Test</title>
<meta property="og:title" content="{title}"></head><body>
<header><div class="today">Sabtu, 22 November 2025 08:00 WIB</div><h1><a href="/regional">Regional</a></h1></header>
<div class="read">{before}<div class="read-top"><h2>{title}</h2>{after}</div>
<div class="body"><p>{para}</p><p>{para}</p></div></div>
<div class="sidebar"><h3>Terpopuler</h3>{sidebar}</div></body></html>"""


def test_extract_time_from_the_byline_under_a_headline_set_as_h2():
    # The <h1> is the section name; the headline is an <h2> and the byline with the time follows it.
    html = SECTION_H1_PAGE.format(title="Banjir Rendam Tiga Kecamatan di Samarinda", para=PARAGRAPH, before="",
                                  after="<div class='date'>Rabu, 4 November 2015 | 21:04 WIB</div>", sidebar="")
    article = extract_article(html, "https://portal.test/read/2015/11/04/21040031/banjir", fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2015, 11, 4, 21, 4, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert article.date_source == "byline"


@pytest.mark.parametrize(("shown", "title"), [
    # The page shows the headline behind a kicker; og:title and <title> state it bare: the headline as shown wins.
    ("In Picture: Banjir Rendam Tiga Kecamatan di Samarinda",
     "In Picture: Banjir Rendam Tiga Kecamatan di Samarinda"),
    # A site name set as the kicker is no part of the headline.
    ("PortalTest.com: Banjir Rendam Tiga Kecamatan di Samarinda", "Banjir Rendam Tiga Kecamatan di Samarinda"),
])
def test_extract_headline_shown_behind_a_kicker_and_its_byline(shown, title):
    html = SECTION_H1_PAGE.format(
        title="Banjir Rendam Tiga Kecamatan di Samarinda", para=PARAGRAPH, before="", sidebar="",
        after="<div class='date-pic'>Selasa, 23 Februari 2016, 17:15 WIB</div>").replace(
        "<h2>Banjir Rendam Tiga Kecamatan di Samarinda</h2>", f"<div class='jdl-pic'>{shown}</div>")
    # Another story in a list, linked, behind the same kicker: never taken for this page's headline.
    html = html.replace("<div class=\"sidebar\">", "<div class=\"sidebar\"><h6><a href='/x'>In Picture: Banjir "
                        "Rendam Tiga Kecamatan di Samarinda</a></h6>")
    article = extract_article(html, "https://www.portaltest.com/berita/16/02/23/banjir", fetched_at=FETCHED)
    assert article.title == title
    assert article.published_at == dt.datetime(2016, 2, 23, 17, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_extract_linked_kicker_headline_elsewhere_is_not_the_headline():
    html = SECTION_H1_PAGE.format(
        title="Banjir Rendam Tiga Kecamatan di Samarinda", para=PARAGRAPH, before="", after="",
        sidebar="<h6><a href='/x'>In Picture: Banjir Rendam Tiga Kecamatan di Samarinda</a></h6>"
                "<div>Selasa, 23 Februari 2016, 17:15 WIB</div>").replace(
        "<h2>Banjir Rendam Tiga Kecamatan di Samarinda</h2>", "")
    article = extract_article(html, "https://portal.test/berita/16/02/23/banjir", fetched_at=FETCHED)
    assert article.title == "Banjir Rendam Tiga Kecamatan di Samarinda"


def test_extract_date_line_above_the_headline_beats_a_sidebar_relative_time():
    # The date is set just above the headline in its block; a sidebar far below says "20 detik yang lalu".
    sidebar = "".join(f"<div><a href='/x{n}'>Berita lain nomor {n}</a><span>{n} menit yang lalu</span></div>"
                      for n in range(1, 8)) + "<div><span>20 detik yang lalu</span></div>"
    html = SECTION_H1_PAGE.format(
        title="Banjir Rendam Tiga Kecamatan di Samarinda", para=PARAGRAPH, sidebar=sidebar,
        before="<div class='date-detail'>Senin, 15 Februari 2016, 16:15 WIB</div>",
        after="<div>Red: Yudha Putra</div><div>SHARE</div><div>0</div><div>0</div>")
    article = extract_article(html, "https://portal.test/berita/16/02/15/banjir", fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2016, 2, 15, 16, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_extract_z_stamp_with_seconds_matching_the_byline_minute_is_local_time():
    head = "<meta property='article:published_time' content='2025-07-05T10:08:58Z'>"
    body = f"<div class='date'>Sabtu, 05/07/2025 10:08 WIB</div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
    article = extract_article(_story(body, head), "https://gema.test/berita/banjir", fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2025, 7, 5, 10, 8, 58, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.mark.parametrize(("created", "published"), [
    # The "Z" creation stamp shows the byline's clock: the page writes local time with a "Z", the publication
    # stamp too.
    ("2025-07-05T10:08:01Z", dt.datetime(2025, 7, 5, 10, 30, 20, tzinfo=dt.timezone(dt.timedelta(hours=7)))),
    # No "Z" stamp shows the byline's clock: the publication stamp is what it says, UTC.
    ("2025-07-05T03:08:01Z", dt.datetime(2025, 7, 5, 10, 30, 20, tzinfo=dt.timezone.utc)),
])
def test_extract_z_stamps_are_local_when_another_z_stamp_shows_the_bylines_clock(created, published):
    head = ("<meta name='pubdate' content='2025-07-05T10:30:20Z'>"
            f"<meta itemprop='dateCreated' content='{created}'>")
    body = f"<div class='date'>Sabtu, 05/07/2025 10:08 WIB</div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
    article = extract_article(_story(body, head), "https://gema.test/berita/banjir", fetched_at=FETCHED)
    assert article.published_at == published
    assert article.published_at.utcoffset() == published.utcoffset()


def test_extract_utc_stamp_kept_when_the_bylines_zone_is_only_a_guess():
    # An English page, no source, no offset anywhere: a naive byline showing the stamp's clock may well be UTC.
    head = "<meta property='article:published_time' content='2025-07-05T12:30:00+00:00'>"
    body = (f"<div class='date'>05.07.2025 12:30</div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>")
    html = _story(body, head).replace("<html>", "<html lang='en'>")
    article = extract_article(html, "https://gema.test/berita/banjir", fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2025, 7, 5, 12, 30, tzinfo=dt.timezone.utc)


def test_extract_naive_json_ld_time_takes_the_offset_of_any_meta_stamp():
    head = ("<meta name='date' content='2023-04-28T18:11:01+02:00'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
            "\"datePublished\": \"2023-04-28 18:11:01.0\"}</script>")
    html = _story(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>", head).replace("<html>", "<html lang='de'>")
    article = extract_article(html, "https://gema.test/berita/banjir", fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2023, 4, 28, 18, 11, 1, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_extract_relative_byline_beside_a_headline_directly_in_article():
    body = f"<div class='meta'>Penulis: Rina Lestari | 2 jam yang lalu</div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
    article = extract_article(_story(body), "https://gema.test/berita/banjir", WITA, fetched_at=FETCHED)
    assert article.published_at == FETCHED - dt.timedelta(hours=2)
    assert article.date_source == "byline"


@pytest.mark.parametrize("byline", [
    # "Diperbarui" first, the publication after it in another element.
    "<div class='meta'>Penulis: Rina | Diperbarui: Rabu, 12 November 2025 19:33 WITA</div>"
    "<div class='pub'>Dipublikasikan: Selasa, 11 November 2025 08:00 WITA</div>",
    # Both in one line.
    "<div class='meta'>Selasa, 11 November 2025 08:00 WITA | Diperbarui Rabu, 12 November 2025 19:33 WITA</div>",
    # Short forms, no zone mark: the source's zone.
    "<div class='meta'>Diperbarui 12 Nov 2025, 19:33</div><div>Terbit 11 Nov 2025, 08:00</div>",
])
def test_extract_modified_byline_is_kept_apart_from_published(byline):
    article = extract_article(_story(byline + f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"),
                              "https://gema.test/berita/banjir", WITA, fetched_at=FETCHED)
    wita = dt.timezone(dt.timedelta(hours=8))
    assert article.published_at == dt.datetime(2025, 11, 11, 8, 0, tzinfo=wita)
    assert article.modified_at == dt.datetime(2025, 11, 12, 19, 33, tzinfo=wita)


def test_extract_header_date_above_a_headline_in_the_page_header_is_not_the_publication_date():
    # The headline sits in the page's <header> next to the top bar's date and clock; the story is dated by its
    # dateline only. The top bar's "today" must not become the publication time.
    html = (f"<html lang='id'><head><title>Banjir Rendam Tiga Kecamatan</title></head><body>"
            f"<header><div class='tanggal'>Sabtu, 22 November 2025 09:15 WIB</div>"
            f"<h1>Banjir Rendam Tiga Kecamatan</h1></header>"
            f"<div class='isi'><p>SAMARINDA - Rabu (2/7/2025) {PARAGRAPH}</p><p>{PARAGRAPH}</p></div></body></html>")
    article = extract_article(html, "https://gema.test/berita/banjir-rendam", fetched_at=FETCHED)
    assert article.published_at.date() == dt.date(2025, 7, 2)
    assert article.date_source == "dateline"


@pytest.mark.parametrize(("url", "published", "known"), [
    ("https://gema.test/2025/07/05/banjir-rendam", dt.datetime(2025, 7, 5, tzinfo=dt.timezone(dt.timedelta(hours=7))),
     False),  # the URL gives the day only
    ("https://gema.test/read/2025/07/05/192850/banjir-rendam",
     dt.datetime(2025, 7, 5, 19, 28, 50, tzinfo=dt.timezone(dt.timedelta(hours=7))), True),
])
def test_extract_says_whether_the_time_of_day_is_known(url, published, known):
    html = (f"<html lang='id'><head><title>Banjir Rendam Tiga Kecamatan</title></head><body><article>"
            f"<h1>Banjir Rendam Tiga Kecamatan</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>")
    article = extract_article(html, url, fetched_at=FETCHED)
    assert (article.published_at, article.published_time_known) == (published, known)
