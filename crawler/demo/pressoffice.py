"""The demo's press office and the pickups of its releases on the other outlets.

``humaskaltim`` is the release site of Diskominfo Kaltim (WordPress-style, ``kind = "press-office"`` in its
source entry). Its releases are written from the templates below with a seeded RNG; :func:`plant_releases`
then adds to the news outlets, as new stories after their own (so that no existing page changes), what
regional media do with a release: a verbatim copy (the outlet's dateline, sometimes a credit line), an edited
copy (a new headline, an intro of the outlet's own, paragraphs reordered and cut), a one-paragraph pickup
inside a story of the outlet's own, and a story of the same event written independently (it shares the
official's quote and the facts, not the text). One release is picked up by nobody. Every planted story carries
``flags["pickup"] = {"release": key, "role": ..., "credited": ...}``, which the truth record reports.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from typing import Any

from crawler.demo import vocabulary as words
from crawler.demo.agencies import AgencyBook
from crawler.demo.outlet import Outlet
from crawler.demo.stories import OutletStyle, Paragraph, Piece, Story, StoryWriter, _merge, audit_story, plain
from crawler.demo.wordpress import WordPressOutlet

OFFICE_AGENCY = "diskominfo-kaltim"
# The office's contact paragraph closes every release (real offices do this; it is stock text, not a pickup).
CLOSING = ("Informasi lebih lanjut mengenai program ini dapat diperoleh melalui layanan informasi publik {A.short} "
           "di kantor Jalan Basuki Rahmat Samarinda atau melalui kanal media sosial resmi pemerintah provinsi.")


@dataclass(frozen=True)
class ReleaseTemplate:
    key: str
    title: str
    lead: str  # at least 30 words: the paragraph a one-paragraph pickup runs
    body: tuple[str, ...]
    quotes: tuple[str, ...]
    edited_title: str
    edited_intro: str
    pickup_title: str
    pickup_own: tuple[str, str, str]  # the outlet's own paragraphs: before, before, after the release's lead
    independent_title: str
    independent: tuple[str, ...]  # the independent story's narrative; it also runs the release's first quote


RELEASES: tuple[ReleaseTemplate, ...] = (
    ReleaseTemplate(
        key="desa-terhubung", title="{A.short} Perluas Jaringan Internet Desa ke {N} Kampung Terpencil",
        lead="{A} memperluas jaringan internet desa ke {N} kampung terpencil di wilayah hulu sungai dan "
             "perbatasan. Peresmian titik layanan pertama berlangsung di {VENUE}, {CITY}, {DATE}, disaksikan "
             "para kepala kampung dan pengelola badan usaha milik desa.",
        body=("Program yang diberi nama Kampung Terhubung ini memanfaatkan menara bersama dan perangkat satelit "
              "berorbit rendah, sehingga sekolah, puskesmas pembantu dan kantor kampung dapat mengakses "
              "layanan daring tanpa harus pergi ke ibu kota kecamatan.",
              "Setiap titik layanan dilengkapi panel surya dan baterai cadangan agar tetap menyala ketika "
              "listrik padam, yang masih sering terjadi di kampung-kampung sepanjang aliran sungai.",
              "Anggaran program tahun ini mencapai {RP} dan akan ditambah secara bertahap hingga seluruh "
              "kampung yang belum terjangkau sinyal seluler mendapat akses internet."),
        quotes=("Anak-anak di hulu sungai berhak belajar dengan fasilitas yang sama seperti anak-anak di kota",
                "Kami minta kepala kampung menjaga perangkat ini karena menjadi milik bersama warga"),
        edited_title="Sinyal Akhirnya Masuk Kampung, {N} Desa Terpencil Kini Bisa Akses Internet",
        edited_intro="Kabar gembira bagi warga di pedalaman. Mulai pekan ini sekolah dan puskesmas pembantu di "
                     "sejumlah kampung terpencil tidak lagi harus menumpang sinyal di tepi jalan raya.",
        pickup_title="Guru di Kampung Hulu Sambut Internet Desa dari {A.short}",
        pickup_own=("Suriani, guru honorer di sebuah sekolah dasar di tepi sungai, mengaku selama ini harus "
                    "berperahu setengah jam untuk mengirim laporan nilai murid secara daring.",
                    "Ia menyambut gembira kabar bahwa kampungnya termasuk yang pertama mendapat sambungan "
                    "internet tahun ini.",
                    "Meski begitu, para guru berharap ada pelatihan agar perangkat baru tersebut benar-benar "
                    "dimanfaatkan untuk pembelajaran, bukan sekadar hiburan."),
        independent_title="Kampung Terhubung Diresmikan, Kepala Kampung Diminta Rawat Perangkat",
        independent=("Titik internet pertama program Kampung Terhubung resmi menyala {DATE}. Acara peresmian "
                     "dihadiri puluhan kepala kampung yang datang dengan perahu motor sejak subuh.",
                     "Menurut panitia, pemasangan di kampung lain dilakukan bertahap sampai akhir tahun, "
                     "tergantung cuaca dan ketinggian air sungai yang memengaruhi pengiriman barang.",
                     "Sejumlah warga yang hadir langsung mencoba sambungan tersebut untuk menelepon kerabat "
                     "mereka di Samarinda lewat panggilan video."),
    ),
    ReleaseTemplate(
        key="literasi-digital-guru", title="{A.short} Latih {N} Guru Kenali Hoaks dan Keamanan Data Pribadi",
        lead="Sebanyak {N} guru sekolah menengah mengikuti pelatihan literasi digital yang diselenggarakan {A} "
             "di {VENUE}, {CITY}, {DATE}. Pelatihan berfokus pada cara mengenali hoaks, melindungi data "
             "pribadi siswa dan menggunakan media sosial secara bertanggung jawab.",
        body=("Para guru mempelajari teknik memeriksa keaslian foto dan video, mengenali tautan penipuan yang "
              "menyasar orang tua murid, serta mengatur keamanan akun sekolah di berbagai platform.",
              "Materi disusun bersama komunitas pemeriksa fakta dan akademisi, lalu diuji dalam simulasi kelas "
              "agar peserta dapat langsung mengajarkannya kepada siswa pada semester berikutnya.",
              "Peserta yang lulus evaluasi akhir akan menjadi fasilitator di sekolah masing-masing dan "
              "mendampingi rekan guru lain dalam program serupa tahun depan."),
        quotes=("Guru adalah benteng pertama melawan hoaks di sekolah, karena siswa lebih percaya kepada gurunya",
                "Data pribadi siswa tidak boleh lagi dibagikan sembarangan di grup percakapan"),
        edited_title="Guru Jadi Benteng Melawan Hoaks, Ini Materi yang Mereka Pelajari",
        edited_intro="Maraknya penipuan daring yang menyasar orang tua murid membuat sekolah tidak bisa lagi "
                     "berdiam diri. Para guru kini dibekali cara menangkalnya sejak dari ruang kelas.",
        pickup_title="Orang Tua Murid Kerap Jadi Sasaran Penipuan Daring, {A.short} Turun Tangan",
        pickup_own=("Pesan berantai yang mengatasnamakan sekolah dan meminta transfer uang pendaftaran masih "
                    "sering beredar di grup percakapan orang tua murid.",
                    "Seorang wali murid di Samarinda Ulu mengaku hampir mentransfer dua juta rupiah sebelum "
                    "menelepon langsung pihak sekolah.",
                    "Pihak sekolah mengimbau orang tua selalu memastikan informasi pembayaran melalui tata usaha."),
        independent_title="Pelatihan Literasi Digital untuk Guru, Peserta Praktik Periksa Fakta",
        independent=("Ruang pertemuan di {VENUE} penuh guru yang sibuk memeriksa keaslian sebuah foto banjir "
                     "yang sempat viral pekan lalu. Itu salah satu latihan dalam kegiatan literasi digital {DATE}.",
                     "Seorang peserta, guru bahasa Indonesia dari Loa Janan, mengaku baru tahu bahwa foto lama "
                     "bisa dilacak asal-usulnya hanya dalam hitungan menit.",
                     "Panitia menyebut kegiatan serupa akan digelar untuk guru sekolah dasar setelah libur "
                     "semester."),
    ),
    ReleaseTemplate(
        key="survei-layanan-informasi", title="Indeks Kepuasan Layanan Informasi Publik {A.short} Naik Tahun Ini",
        lead="Hasil survei kepuasan masyarakat terhadap layanan informasi publik {A} tahun {YEAR} menunjukkan "
             "kenaikan dibanding tahun sebelumnya. Survei melibatkan lebih dari seribu responden dari sepuluh "
             "kabupaten dan kota, dan hasilnya dipaparkan di {VENUE}, {DATE}.",
        body=("Unsur yang mendapat nilai tertinggi adalah kecepatan menanggapi permohonan informasi dan "
              "keramahan petugas, sedangkan nilai terendah ada pada kemudahan menemukan dokumen di laman resmi.",
              "Survei dilakukan oleh lembaga independen menggunakan wawancara tatap muka dan kuesioner daring "
              "selama dua bulan, dengan tingkat kepercayaan sembilan puluh lima persen.",
              "Hasil survei akan menjadi dasar perbaikan tata letak laman resmi dan penambahan petugas di meja "
              "layanan pada jam sibuk."),
        quotes=("Nilai ini bukan untuk dibanggakan, tetapi menjadi cermin bagian mana yang harus segera kami benahi",
                "Masukan warga soal laman resmi yang sulit digunakan akan kami tindak lanjuti bulan ini juga"),
        edited_title="Warga Puas dengan Layanan Informasi, tapi Laman Resmi Masih Dikeluhkan",
        edited_intro="Permohonan informasi publik kini ditanggapi lebih cepat. Namun warga masih kesulitan "
                     "mencari dokumen yang mereka butuhkan di laman resmi pemerintah.",
        pickup_title="Mahasiswa Keluhkan Sulitnya Cari Dokumen Anggaran, {A.short} Paparkan Survei",
        pickup_own=("Sejumlah mahasiswa yang tengah menyusun tugas akhir mengaku kesulitan menemukan dokumen "
                    "anggaran daerah di laman resmi pemerintah.",
                    "Mereka harus mengirim permohonan tertulis dan menunggu beberapa hari sebelum dokumen itu "
                    "dikirim melalui surel.",
                    "Para mahasiswa berharap dokumen yang sering dicari dapat diunggah dalam format yang mudah "
                    "dibaca dan diunduh."),
        independent_title="Survei Kepuasan Layanan Informasi Dipaparkan, Laman Resmi Jadi Sorotan",
        independent=("Paparan survei layanan informasi publik {DATE} diwarnai pertanyaan peserta soal laman "
                     "resmi yang dinilai membingungkan dan lambat dibuka dari telepon genggam.",
                     "Perwakilan lembaga survei menjelaskan bahwa responden dipilih secara acak dari daftar "
                     "pemohon informasi dan pengunjung kantor selama dua bulan terakhir.",
                     "Beberapa peserta juga meminta agar hasil lengkap survei diunggah sehingga bisa dibaca "
                     "siapa saja."),
    ),
    ReleaseTemplate(
        key="magang-talenta-digital", title="{A.short} Buka Pendaftaran Magang Talenta Digital bagi Lulusan Muda",
        lead="{A} membuka pendaftaran program magang talenta digital bagi {N} lulusan muda yang berminat di "
             "bidang pengembangan aplikasi, analisis data dan desain komunikasi visual. Pendaftaran dibuka mulai "
             "{DATE} hingga akhir bulan secara daring.",
        body=("Peserta magang akan ditempatkan selama enam bulan di unit kerja yang mengelola aplikasi layanan "
              "publik dan mendapat uang saku bulanan serta sertifikat keahlian.",
              "Seleksi dilakukan melalui tes kemampuan dasar, penyusunan portofolio sederhana dan wawancara "
              "dengan para pengelola sistem informasi.",
              "Lulusan sekolah menengah kejuruan juga dapat mendaftar asalkan memiliki karya yang dapat "
              "ditunjukkan saat seleksi."),
        quotes=("Kami ingin anak-anak muda daerah ikut membangun layanan digital pemerintahnya sendiri",
                "Portofolio lebih penting daripada nilai ijazah dalam seleksi ini"),
        edited_title="Lulusan Muda Bisa Magang di Pemerintahan, Ini Syaratnya",
        edited_intro="Kesempatan bagi lulusan baru yang tertarik pada teknologi informasi.",
        pickup_title="Lowongan Magang Digital Dibuka, {A.short} Cari Lulusan Muda",
        pickup_own=("Pencari kerja muda kini punya pilihan baru.", "Program ini terbuka untuk umum.",
                    "Informasi lengkap ada di laman pendaftaran."),
        independent_title="Program Magang Talenta Digital Dibuka",
        independent=("Program magang talenta digital dibuka.",),
    ),
)

# (release key, days before the site's end date, {outlet key: role}); roles: verbatim, edited, paragraph,
# independent. Delays after the release are drawn per pickup (30 min to 2 days).
PLAN: tuple[tuple[str, int, dict[str, str]], ...] = (
    ("desa-terhubung", 20, {"kabarmahakam": "verbatim", "diksinusa": "edited", "gemanusantara": "paragraph"}),
    ("literasi-digital-guru", 14, {"diksinusa": "verbatim", "kabarmahakam": "edited",
                                   "gemanusantara": "independent"}),
    ("survei-layanan-informasi", 7, {"gemanusantara": "verbatim", "kabarmahakam": "paragraph",
                                     "diksinusa": "independent"}),
    ("magang-talenta-digital", 3, {}),
)
# Which pickups say where their text came from, and how.
CREDITS = {("desa-terhubung", "kabarmahakam"): "office", ("literasi-digital-guru", "kabarmahakam"): "words",
           ("survei-layanan-informasi", "gemanusantara"): "words"}


class PressOfficeOutlet(WordPressOutlet):
    """Diskominfo Kaltim's release site: WordPress pages like Kabar Mahakam's, one release per story."""

    kind = "press-office"
    name = "Siaran Pers Diskominfo Kaltim"
    style = OutletStyle(key="humaskaltim", timezone="Asia/Makassar", dateline="SAMARINDA", scope="regional",
                        advertorial_share=0.0, related_share=0.0, first_number=900)

    def source_entry(self) -> dict[str, Any]:
        entry = super().source_entry()
        entry.update(kind="press-office", agency=OFFICE_AGENCY, interval_minutes=30)
        return entry


def _paragraph(writer: StoryWriter, template: str, kind: str = "body") -> Paragraph:
    return Paragraph(kind, writer.fill(template, zone="text"))  # type: ignore[arg-type]


def _with_prefix(prefix: str, paragraph: Paragraph, kind: str = "lead") -> Paragraph:
    return Paragraph(kind, _merge([Piece(prefix), *paragraph.pieces]))  # type: ignore[arg-type]


def _story(outlet_stories: list[Story], style: OutletStyle, published_at: dt.datetime, title: list[Piece],
           paragraphs: list[Paragraph], tags: list[Piece], rng: random.Random, flags: dict[str, Any]) -> Story:
    index = len(outlet_stories)
    number = style.first_number + index * 7 + rng.randint(0, 6)
    slugs = {story.slug for story in outlet_stories}
    slug = words.slugify(plain(title))
    while slug in slugs:
        slug += "-2"
    return Story(index=index, number=number, slug=slug, topic="siaran-pers", section="pemerintahan",
                 published_at=published_at, modified_at=None, title=title, paragraphs=paragraphs,
                 caption=[Piece("Dokumentasi kegiatan/Foto: Istimewa")], tags=tags,
                 authors=[rng.choice(words.REPORTERS)], editor=rng.choice(words.EDITORS), flags=flags)


def plant_releases(outlets: list[Outlet], book: AgencyBook, *, seed: int, start: dt.date,
                   end: dt.date) -> PressOfficeOutlet | None:
    """Write the releases and add their pickups to ``outlets``; returns the press office (None: no agency)."""
    office = book.get(OFFICE_AGENCY)
    if office is None:
        return None
    rng = random.Random(f"{seed}:pressoffice")
    zone = PressOfficeOutlet.style.timezone
    by_key = {outlet.key: outlet for outlet in outlets}
    templates = {template.key: template for template in RELEASES}
    releases: list[Story] = []
    planted: list[tuple[Outlet, Story]] = []
    for key, days_before, roles in PLAN:
        template = templates[key]
        day = max(start, end - dt.timedelta(days=days_before))
        minute = rng.randint(8 * 60, 11 * 60)
        published_at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), zoneinfo.ZoneInfo(zone))
        writer = StoryWriter(rng, book, published_at, PressOfficeOutlet.style, {"A": office})
        title = writer.fill(template.title, zone="title")
        lead = _paragraph(writer, template.lead)
        body = [_paragraph(writer, text) for text in template.body]
        speaker = writer.values["P"]
        quotes = [writer.quote(template.quotes[0], speaker), writer.quote(template.quotes[1], None)]
        closing = _paragraph(writer, CLOSING)
        release_paragraphs = [_with_prefix("SAMARINDA - ", lead), body[0], quotes[0], body[1], quotes[1], body[2],
                              closing]
        tags = [Piece(office.short_surfaces[0], office.id), Piece("Siaran Pers")]
        release = _story(releases, PressOfficeOutlet.style, published_at, title, release_paragraphs, tags, rng,
                         {"pickup": {"release": key, "role": "release", "credited": None}})
        releases.append(release)
        for outlet_key, role in roles.items():
            outlet = by_key.get(outlet_key)
            if outlet is None:
                continue
            delay = dt.timedelta(minutes=rng.randint(30, 2 * 24 * 60))
            moment = (published_at + delay).astimezone(outlet.zone).replace(microsecond=0)
            credit = CREDITS.get((key, outlet_key))
            dateline = f"{outlet.style.dateline}, SAMARINDA - "
            if role == "verbatim":
                title_pieces = list(title)
                paragraphs = [_with_prefix(dateline, lead), *release_paragraphs[1:]]
            elif role == "edited":
                title_pieces = writer.fill(template.edited_title, zone="title")
                if not any(piece.entity_id for piece in title_pieces):
                    title_pieces = [*title_pieces, Piece(" - "), Piece(office.short_surfaces[0], office.id)]
                intro = _with_prefix(dateline, _paragraph(writer, template.edited_intro))
                # reordered (the second body paragraph first), the last body paragraph and the contact cut
                paragraphs = [intro, Paragraph("body", lead.pieces), body[1], quotes[0], body[0], quotes[1]]
            elif role == "paragraph":
                title_pieces = writer.fill(template.pickup_title, zone="title")
                own = [_paragraph(writer, text) for text in template.pickup_own]
                paragraphs = [_with_prefix(dateline, own[0]), own[1], Paragraph("body", lead.pieces), own[2]]
            else:  # independent: same event, the official's quote, the outlet's own words
                title_pieces = writer.fill(template.independent_title, zone="title")
                if not any(piece.entity_id for piece in title_pieces):
                    title_pieces = [*title_pieces, Piece(" - "), Piece(office.short_surfaces[0], office.id)]
                own = [_paragraph(writer, text) for text in template.independent]
                paragraphs = [_with_prefix(dateline, own[0]), own[1], quotes[0], *own[2:]]
            if credit == "office":  # a closing credit such as "(rls/hms)"; extraction keeps it as the byline
                paragraphs.append(Paragraph("body", [Piece("(rls/hms)")]))
            elif credit == "words":
                paragraphs.append(Paragraph("body", [Piece("Demikian siaran pers yang diterima redaksi.")]))
            paragraphs = [Paragraph("lead" if number == 0 else paragraph.kind, paragraph.pieces)
                          for number, paragraph in enumerate(paragraphs)]
            tags_copy = [Piece(office.short_surfaces[0], office.id), Piece("Teknologi")]
            story = _story(outlet.stories, outlet.style, moment, title_pieces, paragraphs, tags_copy, rng,
                           {"pickup": {"release": key, "role": role, "credited": credit is not None}})
            outlet.stories.append(story)
            planted.append((outlet, story))
    for story in releases:
        audit_story(story, book)
    for _outlet, story in planted:
        audit_story(story, book)
    return PressOfficeOutlet(releases)


def releases_truth(outlets: list[Outlet]) -> list[dict[str, Any]]:
    """Per planted release: its URL, and every outlet's story that ran it (role, credited) or wrote it anew."""
    records: dict[str, dict[str, Any]] = {}
    for outlet in outlets:
        for story in outlet.stories:
            pickup = story.flags.get("pickup")
            if not pickup:
                continue
            record = records.setdefault(pickup["release"], {"key": pickup["release"], "pickups": [],
                                                            "independent": []})
            entry = {"outlet": outlet.key, "url": outlet.article_url(story), "title": story.title_text,
                     "published_at": story.published_at.isoformat()}
            if pickup["role"] == "release":
                record.update(outlet=outlet.key, url=entry["url"], title=entry["title"],
                              published_at=entry["published_at"], agency=OFFICE_AGENCY)
            elif pickup["role"] == "independent":
                record["independent"].append(entry)
            else:
                record["pickups"].append({**entry, "reuse": pickup["role"], "credited": pickup["credited"]})
    return [records[key] for key, _, _ in PLAN if key in records]
