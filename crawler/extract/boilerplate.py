"""What is not the story, as patterns: navigation and promotion lines ("Baca juga", "Simak juga", share and
follow prompts), byline-only and date-led lines, reading counters, related-link boxes. Shared by tree cleaning
(:mod:`.cleaning`, :mod:`.captions`), the title (kickers are not boilerplate labels) and text cleaning
(:mod:`.body`).
"""

from __future__ import annotations

import re

# Lines of text that are navigation or promotion, not the story (matched at the start of a line).
_BOILERPLATE_START = re.compile(
    r"^\s*(?:[\[(]\s*)?(?:baca\s+(?:juga|pula|selengkapnya|berita\s+lainnya|artikel\s+lainnya)|simak\s+(?:juga|berita|video)|"
    r"lihat\s+juga|berita\s+terkait|artikel\s+terkait|berita\s+lainnya|terkait\s*:|read\s+(?:also|more)|"
    r"see\s+also|related\s*:|scroll\s+(?:untuk|to|ke\s+bawah)|artikel\s+ini\s+(?:telah|sudah)\s+(?:tayang|terbit)|"
    r"tags?\s*:|tag\s+berita|topik\s*:|tonton\s+juga|saksikan\s+(?:juga|video|live)|ikuti\s+(?:kami|berita|"
    r"terus|update|saluran|channel)|dapatkan\s+(?:update|berita|informasi)|klik\s+(?:di\s*sini|link)|"
    r"follow\s+(?:us|kami)|bagikan\s*:|share\s*:|copyright\s*©|©\s*\d{4}|hak\s+cipta|"
    r"(?:jangan\s+lupa\s+)?follow\s+(?:akun|instagram|twitter)|gabung\s+(?:juga\s+)?(?:di\s+)?(?:grup|channel)|"
    r"download\s+aplikasi|unduh\s+aplikasi|video\s+pilihan|pilihan\s+editor|populer\s*:|terpopuler)",
    re.IGNORECASE,
)
_BOILERPLATE_EXACT = re.compile(
    r"^\s*(?:advertisement|iklan|adv|sponsored|share|bagikan|tweet|close|tutup|scroll\s+to\s+continue(?:\s+with\s+content)?|"
    r"lanjutkan\s+membaca|baca\s+juga|selanjutnya|sebelumnya|halaman\s+\d+|\d+\s*/\s*\d+|"
    r"(?:halaman\s+)?selanjutnya\s*[»>]*|[«<]*\s*sebelumnya)\s*[:.]?\s*$",
    re.IGNORECASE,
)
# A line that only carries a byline field ("Penulis : X", "| Editor | : Y |") or only a date.
_BYLINE_LINE = re.compile(
    r"^[|\s]*(?:penulis|reporter|wartawan|pewarta|koresponden|kontributor|editor|redaktur|penyunting|"
    r"fotografer|foto|sumber|laporan\s+wartawan)\s*[|\s]*[:：][^.!?]{0,80}$",
    re.IGNORECASE,
)
# A byline on a line of its own: "By Jane Doe", "Von Karim Natour", "Oleh: Rina Wulandari".
_BY_LINE = re.compile(r"^(?i:by|von|par|por|oleh|door|av|af)\s*:?\s+(?:[A-ZÀ-Þ][\w.'’-]*\s*(?:,|and|und|et|y|dan|&)?\s*){1,6}$")
# A day ("22/09/2024", "22 September 2024"), an optional time ("| pukul 14.32") and zone, as index lines and
# date-led text start; shared by _DATE_LED_LINE and _DATE_PREFIX.
_DAY_AND_TIME = (r"\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2,4}|\s+[a-z]+\s+\d{4})\s*,?\s*(?:\|?\s*(?:pukul\s*)?\d{1,2}[:.]\d{2}"
                 r"(?:[:.]\d{2})?)?\s*(?:wib|wita|wit)?")
# A line that starts with a date and then holds at most a short headline: an item of a news index or list.
_DATE_LED_LINE = re.compile(
    r"^[\s|•·\-\d]{0,4}(?:(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\s*,?\s*)?"
    + _DAY_AND_TIME + r"(?:\s*(?:wib|wita|wit))?(?:[\s|•·-]+[^.!?]{0,110})?$",
    re.IGNORECASE,
)
# A reading counter closing an item of a "most read" list ("… Kalijodo Telah dibaca 2.6k kali", "… 1,204 views").
_VIEW_COUNT = re.compile(
    r"\s*(?:(?:telah\s+)?(?:dibaca|dilihat)\s+[\d.,]+\s*(?:rb|ribu|k|jt|juta)?\s*(?:kali|x)|"
    r"[\d.,]+\s*k?\s+(?:views|reads|kali\s+dibaca))\s*$",
    re.IGNORECASE,
)
# An address closing a line: "<headline> http://…" is a share widget's text.
_TRAILING_URL = re.compile(r"\s+https?://\S+$")
_INLINE_READ_ALSO = re.compile(
    r"\s*\b(?:baca\s+juga|baca\s+pula|simak\s+juga|lihat\s+juga)\s*:.*$", re.IGNORECASE
)
# Classes and ids of boxes that hold related links inside the story.
_RELATED_BOX = re.compile(
    r"related|terkait|baca[-_ ]?juga|bacajuga|read[-_ ]?also|readalso|inline[-_]?(?:link|article)|"
    r"rekomendasi|recommend|(?:baca|berita|artikel)[-_]?lain(?:nya)?|also[-_]?read|more[-_]?stories",
    re.IGNORECASE,
)
_READ_ALSO_TEXT = re.compile(
    r"^\s*(?:[\[(]\s*)?(?:baca\s+(?:juga|pula)|simak\s+juga|lihat\s+juga|berita\s+terkait|artikel\s+terkait|"
    r"read\s+also|also\s+read)\b",
    re.IGNORECASE,
)
