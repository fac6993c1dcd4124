"""Stories planted for the alert rules (config/alerts/example.yaml), added to each outlet after its generated
stories, so that those keep their text and URLs. Seeded and relative to the site's end date like the rest.

What is planted (E = the end date; all local times between 08:00 and 20:00):

- **a spike** — six stories naming BPBD Kaltim (Badan Penanggulangan Bencana Daerah Provinsi Kalimantan Timur)
  in the headline on E-2, two per outlet, over a baseline of one such story on each of the two same weekdays
  before (when the site reaches back that far); one of the six contains the keyword "tanggul jebol";
- **BRIDA Kaltim** (successor of Balitbangda Kaltim) first in kabarmahakam's headline on E-3, then for the first
  time in diksinusa, in its lead (the headline names Disdikbud Kaltim) on E-1, then for the first time in
  gemanusantara, only in a body paragraph (the headline names Bappeda Kaltim) on E.

:func:`planted_events` lists the alert events that a perfect crawl and the example rules must give, for the
truth record (``DemoSite.truth()["planted_alerts"]``).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from typing import Any

from crawler.demo import vocabulary as words
from crawler.demo.agencies import AgencyBook
from crawler.demo.stories import OutletStyle, Paragraph, Piece, Story, audit_story
from crawler.demo.truth import story_mentions

SPIKE_AGENCY = "bpbd-kaltim"
SPIKE_DAY_OFFSET = 2  # days before the end date
SPIKE_STORIES_PER_OUTLET = 2
KEYWORD = "tanggul jebol"
SUCCESSOR_AGENCY = "brida-kaltim"
NUMBER_OFFSET = 90_000  # planted stories' numeric ids sit far above the generated ones

_SPIKE_TITLES = [
    "{A} Siagakan Tim Reaksi Cepat, Banjir Rendam Tiga Kecamatan",
    "Hujan Deras Semalaman, {A} Catat Ratusan Rumah Terdampak",
    "{A} Dirikan Posko Pengungsian di Sekolah Dasar",
    "Ketinggian Air Naik Lagi, {A} Minta Warga Tetap Waspada",
    "{A} Salurkan Bantuan Logistik ke Desa Terisolasi",
    "Longsor di Jalur Poros, {A} Turunkan Alat Berat",
]
_SPIKE_LEADS = [
    "{A} menyiagakan personel di sejumlah titik rawan setelah hujan deras mengguyur sejak sore.",
    "{A} mendata rumah warga yang terendam dan menyiapkan dapur umum bagi pengungsi.",
    "{A} membuka posko pengungsian sementara dan mengimbau warga di bantaran sungai segera mengungsi.",
]
_SPIKE_BODY = [
    "Petugas bersama relawan menyisir permukiman dengan perahu karet untuk memastikan tidak ada warga yang "
    "tertinggal.",
    "Sejumlah ruas jalan tidak bisa dilalui kendaraan roda dua karena genangan setinggi lutut orang dewasa.",
    "Warga diminta memantau informasi cuaca dan tidak memaksakan diri melintasi jalan yang tergenang.",
]
_KEYWORD_SENTENCE = ("Air meluap ke permukiman setelah {KEYWORD} di tepi sungai pada dini hari, sehingga "
                     "puluhan keluarga harus dievakuasi.")
_BASELINE_TITLE = "{A} Gelar Simulasi Tanggap Darurat Bersama Relawan"
_BASELINE_LEAD = "{A} menggelar simulasi tanggap darurat bersama relawan dan pelajar di halaman kantor."


def _zone(style: OutletStyle) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(style.timezone)


def _at(day: dt.date, hour: int, minute: int, style: OutletStyle) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, 7), _zone(style))


def _fill(template: str, agency_id: str, surface: str) -> list[Piece]:
    before, _, after = template.partition("{A}")
    pieces = [Piece(before)] if before else []
    pieces.append(Piece(surface, agency_id))
    if after:
        pieces.append(Piece(after))
    return pieces


class _Planter:
    def __init__(self, book: AgencyBook, style: OutletStyle, seed: int, first_index: int) -> None:
        self.book, self.style = book, style
        self.rng = random.Random(f"{seed}:{style.key}:alerts")
        self.index = first_index
        self.stories: list[Story] = []

    def surfaces(self, agency_id: str) -> tuple[str, str]:
        agency = self.book.get(agency_id)
        if agency is None:
            raise KeyError(agency_id)
        return agency.surfaces[0], agency.short_surfaces[0]

    def add(self, published_at: dt.datetime, title: list[Piece], lead: list[Piece], body: list[list[Piece]],
            section: str, keywords: list[str]) -> Story:
        rng = self.rng
        paragraphs = [Paragraph("lead", [Piece(f"{self.style.dateline} - "), *lead])]
        paragraphs += [Paragraph("body", pieces) for pieces in body]
        title_text = "".join(piece.text for piece in title)
        story = Story(
            index=self.index, number=self.style.first_number + NUMBER_OFFSET + self.index,
            slug=words.slugify(title_text),
            topic="alert-demo", section=section, published_at=published_at, modified_at=None, title=title,
            paragraphs=paragraphs, caption=[Piece("Suasana di lokasi. /Foto: Istimewa")],
            tags=[Piece(keyword) for keyword in keywords], authors=[rng.choice(words.REPORTERS)],
            editor=rng.choice(words.EDITORS))
        self.index += 1
        self.stories.append(story)
        return story


def planted_stories(book: AgencyBook, style: OutletStyle, *, seed: int, start: dt.date, end: dt.date,
                    first_index: int) -> list[Story]:
    """The alert stories of one outlet within [start, end] (empty when the dictionary lacks the agencies)."""
    if book.get(SPIKE_AGENCY) is None or book.get(SUCCESSOR_AGENCY) is None:
        return []
    planter = _Planter(book, style, seed, first_index)
    outlets = ["kabarmahakam", "diksinusa", "gemanusantara"]
    position = outlets.index(style.key) if style.key in outlets else 0
    spike_day = end - dt.timedelta(days=SPIKE_DAY_OFFSET)
    full, short = planter.surfaces(SPIKE_AGENCY)
    if style.key == "kabarmahakam":
        for weeks in (1, 2):
            day = spike_day - dt.timedelta(weeks=weeks)
            if day >= start:
                planter.add(_at(day, 10, 15, style), _fill(_BASELINE_TITLE, SPIKE_AGENCY, short),
                            _fill(_BASELINE_LEAD, SPIKE_AGENCY, full), [[Piece(_SPIKE_BODY[2])]], "pemerintahan",
                            ["simulasi", "bencana"])
    if spike_day >= start:
        for number in range(SPIKE_STORIES_PER_OUTLET):
            which = position * SPIKE_STORIES_PER_OUTLET + number
            body = [[Piece(text)] for text in _SPIKE_BODY]
            if which == 3:
                body.insert(1, [Piece(_KEYWORD_SENTENCE.replace("{KEYWORD}", KEYWORD))])
            planter.add(_at(spike_day, 8 + 4 * number + position, 5 + 10 * which, style),
                        _fill(_SPIKE_TITLES[which], SPIKE_AGENCY, short),
                        _fill(_SPIKE_LEADS[which % len(_SPIKE_LEADS)], SPIKE_AGENCY, full), body, "pemerintahan",
                        ["banjir", "bencana"])
    full, short = planter.surfaces(SUCCESSOR_AGENCY)
    if style.key == "kabarmahakam" and end - dt.timedelta(days=3) >= start:
        planter.add(_at(end - dt.timedelta(days=3), 9, 40, style),
                    _fill("{A} Pamerkan Dua Puluh Inovasi Daerah Karya Peneliti Muda", SUCCESSOR_AGENCY, short),
                    _fill("{A} memamerkan dua puluh inovasi karya peneliti muda dalam gelar inovasi daerah tahun "
                          "ini.", SUCCESSOR_AGENCY, full),
                    [[Piece("Inovasi yang dipamerkan antara lain alat pengering hasil panen dan aplikasi antrean "
                            "layanan publik.")]], "teknologi", ["inovasi", "riset"])
    if style.key == "diksinusa":
        other_full, other_short = planter.surfaces("disdikbud-kaltim")
        planter.add(_at(end - dt.timedelta(days=1), 13, 25, style),
                    _fill("{A} Ajak Sekolah Ikut Lomba Karya Tulis Ilmiah", "disdikbud-kaltim", other_short),
                    _fill("{A} menggandeng sekolah menengah untuk lomba karya tulis ilmiah tingkat provinsi.",
                          SUCCESSOR_AGENCY, full),
                    [[Piece("Pendaftaran dibuka hingga akhir bulan dan terbuka bagi pelajar SMA dan SMK.")]],
                    "pendidikan", ["lomba", "pelajar"])
    if style.key == "gemanusantara":
        other_full, other_short = planter.surfaces("bappeda-kaltim")
        planter.add(_at(end, 16, 50, style),
                    _fill("{A} Susun Rencana Kerja Tahun Depan", "bappeda-kaltim", other_short),
                    _fill("{A} mulai menyusun rencana kerja tahun depan bersama para pemangku kepentingan.",
                          "bappeda-kaltim", other_full),
                    [[Piece("Penyusunan rencana melibatkan kajian dari "), Piece(full, SUCCESSOR_AGENCY),
                      Piece(" tentang kebutuhan infrastruktur desa.")],
                     [Piece("Forum konsultasi publik dijadwalkan pada pekan kedua bulan depan.")]],
                    "pemerintahan", ["perencanaan", "pembangunan"])
    for story in planter.stories:
        audit_story(story, book)
    return planter.stories


def planted_events(outlets: list[Any], end: dt.date) -> list[dict[str, Any]]:
    """The alert events the example rules must raise on a crawl of the site (rule, condition, agency, the URLs
    of the articles behind each), read off the outlets' stories."""
    counted = {"title", "lead", "body", "quote"}

    def zones(story: Story, entity_id: str) -> set[str]:
        return {mention["zone"] for mention in story_mentions(story) if mention["entity_id"] == entity_id}

    stories = [(outlet, story) for outlet in outlets for story in outlet.stories]
    spike_day = end - dt.timedelta(days=SPIKE_DAY_OFFSET)
    events: list[dict[str, Any]] = []
    spike = [outlet.article_url(story) for outlet, story in stories
             if zones(story, SPIKE_AGENCY) & counted and story.published_at.date() == spike_day]
    if len(spike) >= 5:
        events.append({"rule": "bpbd-lonjakan", "condition": "spike", "agency": SPIKE_AGENCY,
                       "day": spike_day.isoformat(), "urls": sorted(spike)})
    events += [{"rule": "kata-kunci-tanggul", "condition": "keyword", "keyword": KEYWORD,
                "urls": [outlet.article_url(story)]} for outlet, story in stories
               if KEYWORD in " ".join(paragraph.text for paragraph in story.paragraphs).lower()]
    events += [{"rule": "brida-berita-utama", "condition": "new_article", "agency": SUCCESSOR_AGENCY,
                "urls": [outlet.article_url(story)]} for outlet, story in stories
               if zones(story, SUCCESSOR_AGENCY) & {"title", "lead"}]
    firsts = {}
    for outlet in outlets:
        covering = [story for story in outlet.stories if zones(story, SUCCESSOR_AGENCY) & counted]
        if covering:
            firsts[outlet.key] = (outlet, min(covering, key=lambda story: story.published_at))
    ordered = sorted(firsts.values(), key=lambda pair: pair[1].published_at)
    events += [{"rule": "brida-media-baru", "condition": "first_outlet", "agency": SUCCESSOR_AGENCY,
                "outlet": outlet.key, "urls": [outlet.article_url(story)]} for outlet, story in ordered[1:]]
    return events
