"""Finding the agencies an article names: :class:`Matcher` turns an :class:`~crawler.article.Article` into
:class:`~crawler.article.Mention` records.

How it works, in the order a text goes through it:

1. **Variants** (:mod:`.dictionary`, :mod:`.normalising`). Every dictionary entry is expanded by
   :func:`crawler.variants.derive_variants` into its surface forms; all of them (and a gazetteer of region names,
   and a few "blockers" — longer names of other bodies such as "Sekretariat DPRD …") go into one Aho-Corasick
   automaton (pyahocorasick), keyed on a case-folded, whitespace-collapsed form. Offsets in that normalised copy are
   mapped back to the original.
2. **Candidates** (:mod:`.scanning`). A hit counts only at whole-word boundaries (a lowercase-to-uppercase change
   counts as a boundary, for glued tag lists such as "KotaPolresta Samarinda"; a trailing "-nya" is allowed), never
   inside a URL, e-mail address, domain, hashtag or letter number ("…/KOMINFO/2024"). Single-word forms are
   case-sensitive in the sense that they must start with a capital ("Kominfo", "KOMINFO", never "kominfo");
   region-less ("bare") multi-word forms must too; multi-word forms with a region match in any case.
3. **Longest match wins** (:mod:`.scanning`). Overlapping hits are resolved longest first, so "Sekretariat DPRD
   Kaltim" is the secretariat and never also "DPRD Kaltim", while "Komisi I DPRD Kota Samarinda" still counts for
   the DPRD. A name and its own short form in brackets right after it are one mention ("Pemerintah Provinsi
   Kalimantan Timur (Pemprov Kaltim)").
4. **Resolution** (:mod:`.context`, :mod:`.places`). A form with a region (or a national body's name) names its
   body: ``resolution`` "name", or "title" for a head-of-office title (Kapolda Kaltim, Kadiskominfo Kaltim,
   Menkominfo). A bare form ("Diskominfo", "Pemprov", "Kapolda") and a form shared by several bodies ("Kominfo" is
   the ministry's acronym and every regional Diskominfo's short name) are resolved by context, ``resolution``
   "context": a hyphenated pair takes its partner's region ("Pemprov-DPRD Kaltim"); a region written right after the
   bare form decides it (or marks another region's body, which is dropped and blocks the form later on, also when
   the region is one the gazetteer lacks: "Dinas Kesehatan Kabupaten Sleman"); "RI"/"pusat" after it is the national
   body ("Kominfo pusat"), never a regional one; then the body of those candidates that the article named most
   recently before it; then the only one it names in the title or lead. Failing those, only positive evidence of the
   story's place decides (issue 20): the dateline — a city's or regency's dateline is that city's body for kinds
   every region has (dinas, badan, DPRD, secretariat, agency), the province's body for Pemprov, Polda and other
   kinds; in the provincial capital both fit, so a dinas-like form there resolves only when the dictionary has one
   of the two; with no dateline, the only candidate whose own region the article names; then, on a regional source
   (``SourceConfig.region``), the home region's body when the places the article names all lie in the home province.
   A story that names no place, or places elsewhere, gets no mention from a bare form. Plural and generic uses
   ("Pemkab se-Kaltim", "para Kapolres", "anggota DPRD di seluruh Indonesia", "fungsi pengawasan DPRD", "Polsek
   terdekat"), former members and candidates ("mantan anggota DPRD Kaltim", "caleg DPRD Kaltim"), associations
   ("Asosiasi DPRD Kota …") and anything still ambiguous are dropped, not guessed. A form shared with a national
   body resolves to the national body only on a national outlet (or a story datelined outside a regional outlet's
   home province) whose article names no competing region. A DPRD form after a secretariat unit ("Kepala Bagian
   Humas DPRD Kaltim") is the DPRD's secretariat.
5. **Validity** (:meth:`.context.ContextResolver.prefer_valid`). A name always means its own body, whatever the
   date: "Kominfo" in 2025 is still Kominfo (analysts follow ``successor`` to count a lineage).
   ``Article.published_at`` only breaks ties: when several candidates remain for one form, those valid on the
   publication day are preferred.
6. **Zones** (:mod:`.zones`; snippets: :mod:`.snippets`). Each mention records where it stands. Fields: ``title``,
   ``text``, ``caption``, ``tags``, ``related``, ``byline``; for the list fields (captions, tags, related)
   ``start``/``end`` index the list joined with "\\n". Zones: title; in the text, lead (the first paragraph;
   paragraphs are separated by "\\n"), body, quote (inside a direct quote), and related/tag/caption/byline for "Baca
   juga:" lines, tag lines, photo credits and credit lines such as "(Humas DPRD Kaltim/adv/ab)" left in the text;
   the other fields map to caption, tag, related and byline.

:class:`Matcher` (:mod:`.matcher`) runs the steps for each field of an article. The matcher is pure (no Scrapy, no
database) and pickles by its entity list (the automaton is rebuilt on unpickling, which takes a fraction of a second
for the bundled dictionary).
"""

from __future__ import annotations

from crawler.mentions.matcher import Matcher
from crawler.mentions.normalising import normalise
from crawler.mentions.places import MULTILEVEL_KINDS
from crawler.mentions.snippets import SNIPPET_CHARS
from crawler.mentions.zones import COUNTED_ZONES, paragraph_zones

__all__ = ["COUNTED_ZONES", "MULTILEVEL_KINDS", "Matcher", "SNIPPET_CHARS", "normalise", "paragraph_zones"]
