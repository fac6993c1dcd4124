"""Story clusters: which stored articles are copies, edited copies or one-paragraph pickups of one text.

Pure logic (no Scrapy, no SQL); storage/clusters.py stores what it decides and pipelines/cluster.py calls it as
articles are stored. The steps, each a function here:

1. :func:`fingerprint` (run in the analysis worker processes): the cleaned body is split into paragraphs, each
   paragraph into word shingles (``SHINGLE_WORDS`` words, never across a paragraph break), and every paragraph
   of at least ``MIN_PARAGRAPH_WORDS`` words gets a datasketch MinHash of ``NUM_PERM`` permutations. Paragraphs,
   not the whole body, are the unit because a one-paragraph pickup shares a tenth of a release's text: its
   whole-body Jaccard is far below any usable LSH threshold, but the reused paragraph itself is a near copy.
2. :class:`CandidateIndex`: LSH bands of those paragraph signatures (datasketch's banding, stored compactly as
   sorted 64-bit band keys); an article is a
   candidate of another when any two of their paragraphs collide in a band (Jaccard around ``LSH_THRESHOLD``).
3. :func:`compare`: candidates are confirmed on the texts themselves, those with the largest share of their text
   found in the new article first, until one is (the match). Two texts are one story when they
   share a run of at least ``MIN_SHARED_RUN`` consecutive words of the same paragraph outside direct quotes.
   Quotes are left out because two journalists at one press conference write the same quote down: shared
   quotes, names and dates are what independent stories of one event have in common, a shared narrative
   paragraph is what a copy has. The containment shares (how much of one text is found in the other) are
   measured here too and reported.
4. :func:`reuse_kind` and :func:`is_credited`: how an outlet used a release (verbatim, edited, one paragraph)
   and whether it said where the text came from ("rilis", "siaran pers", the office named in a credit line).

Thresholds were chosen on the development pairs in tests/data/clusters/dev.json and scored on held-out pairs
(tests/data/clusters/heldout.json); docs/clusters.md has the figures and bench/clusters.py measures them.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 5
NUM_PERM = 64
MIN_PARAGRAPH_WORDS = 8
# LSH bands for paragraph signatures: datasketch picks (bands, rows) for this Jaccard threshold. Low, because
# confirmation (compare) is exact and cheap, and an outlet that merges two release paragraphs into one halves
# their Jaccard.
LSH_THRESHOLD = 0.4
# What datasketch's MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM) chooses (its optimal_param, which
# weighs false positives and negatives equally); tests/test_clusters.py checks they still agree.
LSH_BANDS = 16
LSH_ROWS = 4
# Paragraphs of one article put in the index: bounds the memory of very long articles (a copy of a later
# paragraph is still found when the copy shares any of the first ones, or the stored text is the shorter one).
MAX_INDEXED_PARAGRAPHS = 48
# Runs of the band index are merged up to this many entries (12 bytes each: 24 MB) and no further: merging two
# runs holds both and the merged one, so the largest run bounds the peak of loading 100,000 signatures (16-20 M
# entries; with 48 MB runs the peak was ~100 MB above the loaded index, with 24 MB runs ~60 MB); a
# query costs a binary search per run, a few more runs cost microseconds.
MAX_RUN_ENTRIES = 1 << 21
# A run smaller than this (~50 articles) takes in every newer run, whatever their sizes: a crawl adds one article
# at a time, and a query pays a binary search per run while merging into a run this small costs microseconds.
MIN_RUN_ENTRIES = 1 << 13
# Runs merged into at most this many entries (768 KB) are merged by a sort (see _merge_runs).
SMALL_MERGE_ENTRIES = 1 << 16
_KEY_SALT = np.uint64(0x9E3779B97F4A7C15)
_KEY_PRIME = np.uint64(0x100000001B3)
# Confirmation, either of two: (1) the smaller text's narrative (outside quotes) is at least this share
# shared with the other: copies and edited copies, however short their paragraphs; (2) one run of this many
# consecutive shared words within one paragraph, outside quotes: a one-paragraph pickup inside a story of the
# outlet's own. Longer than the stock paragraphs unrelated stories share (an office's closing contact line, a
# legal formula, 24-26 words in tests/data/clusters/dev.json); a release's lead paragraph is longer.
MIN_NARRATIVE_SHARE = 0.4
MIN_SHARED_RUN = 25
# A paragraph whose near copies stand in this many other clusters is stock text (an office's closing contact
# paragraph, a legal formula, a portal's standard disclaimer), not a pickup: it counts for neither rule.
COMMON_PARAGRAPH_CLUSTERS = 2
# Candidates confirmed per new article, those with the most colliding paragraphs first: bounds the cost when a
# story has hundreds of near copies (the best match is among the closest anyway).
MAX_CANDIDATES = 10
PROFILE_CACHE = 1024
# Beyond those built profiles, the compact form (Profile.to_bytes, ~4 bytes a shingle, ~2 KB an article) of
# this many bytes of recently assigned articles: a candidate found there is not read back from SQL nor
# tokenised again (copies appear within days of their original, so most candidates are recent).
PROFILE_BYTES_CACHE = 24 * 2 ** 20
# How a copy used its release (see reuse_kind).
VERBATIM_SHARE = 0.9
VERBATIM_OWN_SHARE = 0.15
PARAGRAPH_REUSED = 0.5

SEED = 1
SCHEME = "affine32"
_SIGNATURE_BYTES = NUM_PERM * 4

ReuseKind = Literal["verbatim", "edited", "paragraph"]

_WORD = re.compile(r"\w+", re.UNICODE)
_QUOTE_CHARS = re.compile(r"[\"“”]")


def _affine32_permutations(num_perm: int, seed: int) -> np.ndarray:
    """The (multipliers, offsets) of ``datasketch.MinHash(num_perm=num_perm, seed=seed, scheme="affine32")``,
    drawn the way datasketch draws them (odd multipliers), without importing datasketch: it pulls in scipy, redis
    and cryptography, ~45 MB of every process that clusters or fingerprints (the crawl, the forkserver, each
    analysis worker). tests/test_clusters.py checks they equal datasketch's."""
    generator = np.random.RandomState(seed)
    multipliers = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    offsets = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([multipliers, offsets])


_PERMUTATIONS = _affine32_permutations(NUM_PERM, SEED)


def _shingle_hash(data: bytes) -> int:
    # CRC-32: stable across processes and machines (signatures are stored) and several times faster than
    # datasketch's default SHA-1; MinHash's own random permutations spread its values.
    return zlib.crc32(data)


# ------------------------------------------------------------------------------------------------ text


@dataclass(frozen=True)
class Paragraph:
    """One paragraph's shingles in order (as their CRC-32, the hash the signatures use: sets of small ints are
    cheaper to build and intersect than sets of strings, and a profile ships from the analysis worker as a few
    bytes a shingle), and for each whether it lies (partly) inside a direct quote."""

    shingles: tuple[int, ...]
    quoted: tuple[bool, ...]
    words: int


def _words_with_quote_flags(paragraph: str) -> list[tuple[str, bool]]:
    """Lower-cased words, each flagged when it stands inside double quotes (straight or curly)."""
    words: list[tuple[str, bool]] = []
    inside = False
    position = 0
    for mark in _QUOTE_CHARS.finditer(paragraph):
        words += [(word.lower(), inside) for word in _WORD.findall(paragraph[position:mark.start()])]
        character = mark.group()
        inside = True if character == "“" else False if character == "”" else not inside
        position = mark.end()
    words += [(word.lower(), inside) for word in _WORD.findall(paragraph[position:])]
    return words


def paragraphs(text: str) -> list[Paragraph]:
    """The text's paragraphs (newline-separated, as extraction stores them) as shingle sequences."""
    result = []
    for line in text.split("\n"):
        flagged = _words_with_quote_flags(line)
        if not flagged:
            continue
        words = [word for word, _ in flagged]
        count = max(1, len(words) - SHINGLE_WORDS + 1)
        if len(words) >= SHINGLE_WORDS:
            texts = map(" ".join, zip(*(words[offset:] for offset in range(SHINGLE_WORDS))))
        else:
            texts = iter((" ".join(words),))
        shingles = tuple(zlib.crc32(shingle.encode("utf-8")) for shingle in texts)  # _shingle_hash, inlined
        if any(flag for _, flag in flagged):
            # a shingle is quoted when any of its words is: a running count of quoted words across a window
            inside = [0]
            for _, flag in flagged:
                inside.append(inside[-1] + flag)
            quoted = tuple(inside[min(start + SHINGLE_WORDS, len(words))] > inside[start] for start in range(count))
        else:
            quoted = (False,) * count
        result.append(Paragraph(shingles, quoted, len(words)))
    return result


# ------------------------------------------------------------------------------------------------ signatures


@dataclass(frozen=True)
class Fingerprint:
    """MinHash signatures (uint32 hash values) of an article's paragraphs long enough to count."""

    signatures: tuple[np.ndarray, ...]
    # the same as one array, when it was read as one (a stored or shipped blob): not stacked again per use
    stacked: np.ndarray | None = field(default=None, compare=False, repr=False)

    def to_bytes(self) -> bytes:
        if self.stacked is not None:
            return self.stacked.astype("<u4", copy=False).tobytes()
        return b"".join(signature.astype("<u4").tobytes() for signature in self.signatures)

    @classmethod
    def from_bytes(cls, blob: bytes | None) -> Fingerprint:
        matrix = signature_matrix(blob)
        return cls(tuple(matrix), matrix)

    def matrix(self) -> np.ndarray:
        """The signatures as one (paragraphs, NUM_PERM) uint32 array."""
        if self.stacked is not None:
            return self.stacked
        if not self.signatures:
            return np.empty((0, NUM_PERM), dtype=np.uint32)
        return np.asarray(self.signatures, dtype=np.uint32).reshape(-1, NUM_PERM)


def signature_matrix(blob: bytes | None) -> np.ndarray:
    """A stored signature blob (story_cluster.signature) as a (paragraphs, NUM_PERM) uint32 array (read-only)."""
    if not blob:
        return np.empty((0, NUM_PERM), dtype=np.uint32)
    if len(blob) % _SIGNATURE_BYTES:
        raise ValueError(f"a signature blob of {len(blob)} bytes is not a multiple of {_SIGNATURE_BYTES}")
    return np.frombuffer(blob, dtype="<u4").reshape(-1, NUM_PERM).astype(np.uint32, copy=False)


# MurmurHash3's 32-bit finaliser, which datasketch's "affine32" scheme applies to each hashed value before its affine
# permutations (datasketch.minhash._fmix with its 32-bit constants).
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def fingerprint(text: str | Profile) -> Fingerprint:
    """Paragraph MinHash signatures of a cleaned article body (the analysis workers call this).

    The values are datasketch's (``MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")`` updated with each
    paragraph's shingle hashes; tests/test_clusters.py compares them), computed for all paragraphs in one numpy pass
    instead of one MinHash update per paragraph: half the time, and the stored signatures stay the same."""
    counted = [paragraph.shingles for paragraph in (text.paragraphs if isinstance(text, Profile) else paragraphs(text))
               if paragraph.words >= MIN_PARAGRAPH_WORDS]
    if not counted:
        return Fingerprint(())
    hashed = np.fromiter((value for shingles in counted for value in shingles), dtype=np.uint32).reshape(-1, 1)
    shift1, multiply1, shift2, multiply2, shift3 = _FMIX32
    hashed = hashed ^ (hashed >> shift1)
    hashed = hashed * multiply1
    hashed = hashed ^ (hashed >> shift2)
    hashed = hashed * multiply2
    hashed = hashed ^ (hashed >> shift3)
    multipliers, offsets = _PERMUTATIONS
    starts = np.cumsum([0] + [len(shingles) for shingles in counted[:-1]])
    # the minimum of each paragraph's rows (a shingle twice in a paragraph changes no minimum)
    matrix = np.minimum.reduceat(hashed * multipliers + offsets, starts, axis=0).astype(np.uint32, copy=False)
    return Fingerprint(tuple(matrix), matrix)


class CandidateIndex:
    """Articles whose paragraphs may be near copies of a new article's paragraphs: LSH banding, compactly.

    The banding is datasketch's (``MinHashLSH``'s optimal bands and rows for ``LSH_THRESHOLD`` at ``NUM_PERM``,
    checked by tests/test_clusters.py): an article is a candidate when one of its paragraphs agrees with one of
    the new article's on all ``LSH_ROWS`` hash values of some band. What differs is the storage. datasketch keeps
    a Python set per band key and a list of band byte strings per key (about 50 KB per indexed article, 5 GB at
    100k articles); here every (band key, article) pair is 12 bytes in sorted numpy arrays: the band's rows
    folded into one 64-bit integer (a different key per band, a collision merely adds a candidate that the
    confirmation on the texts rejects) beside a 32-bit article id. New entries go into small sorted runs that are
    merged as they grow (each run at least twice the size of the next), so an insert costs a short sort and a
    query one binary search per run over all the article's paragraphs at once.
    """

    def __init__(self, bands: int | None = None, rows: int | None = None) -> None:
        self.bands = bands or LSH_BANDS
        self.rows = rows or LSH_ROWS
        self.articles: set[int] = set()
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted uint64 band keys, uint32 article ids)
        self._band_salt = (np.arange(self.bands, dtype=np.uint64) + np.uint64(1)) * _KEY_SALT

    def __len__(self) -> int:
        return len(self.articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.articles

    @property
    def entries(self) -> int:
        return sum(len(keys) for keys, _ in self._runs)

    @property
    def nbytes(self) -> int:
        return sum(keys.nbytes + ids.nbytes for keys, ids in self._runs)

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """(paragraphs, bands) uint64 keys of (paragraphs, NUM_PERM) uint32 signatures."""
        values = signatures[:, :self.bands * self.rows].reshape(len(signatures), self.bands, self.rows)
        keys = np.empty((len(signatures), self.bands), dtype=np.uint64)
        keys[:] = self._band_salt
        shifted = np.empty_like(keys)
        for row in range(self.rows):
            # one row at a time: converting all rows to 64 bits at once held 4x the keys' bytes while loading
            np.copyto(shifted, values[:, :, row])
            keys ^= shifted
            keys *= _KEY_PRIME  # wraps modulo 2**64, as intended
            np.right_shift(keys, np.uint64(29), out=shifted)
            keys ^= shifted
        return keys

    def add(self, article_id: int, fingerprint: Fingerprint, keys: np.ndarray | None = None) -> None:
        """Index one article; ``keys``: its band keys when the caller computed them already (a query)."""
        if article_id in self.articles:
            return
        if not 0 <= article_id < 2 ** 32:
            raise ValueError(f"article id {article_id} does not fit the cluster index (32 bits)")
        self.articles.add(article_id)
        indexed = min(len(fingerprint.signatures), MAX_INDEXED_PARAGRAPHS)
        if not indexed:
            return
        keys = (self.band_keys(fingerprint.matrix()[:indexed]) if keys is None else keys[:indexed]).ravel()
        # what add_many does for one article, without its lists: one id, so the ids need no reordering
        self._runs.append((np.sort(keys, kind="stable"), np.full(len(keys), article_id, dtype=np.uint32)))
        self._merge_last_runs()

    def add_many(self, article_ids: Sequence[int], matrices: Sequence[np.ndarray],
                 band_keys: Sequence[np.ndarray] | None = None) -> None:
        """Index several articles at once (loading stored signatures): one sort for the whole batch."""
        keep = [(article_id, matrix[:MAX_INDEXED_PARAGRAPHS], None if band_keys is None else band_keys[number])
                for number, (article_id, matrix) in enumerate(zip(article_ids, matrices))
                if article_id not in self.articles]
        if not keep:
            return
        for article_id, _, _ in keep:
            if not 0 <= article_id < 2 ** 32:
                raise ValueError(f"article id {article_id} does not fit the cluster index (32 bits)")
            self.articles.add(article_id)
        keep = [(article_id, matrix, keys) for article_id, matrix, keys in keep if len(matrix)]
        if not keep:
            return
        if band_keys is None:
            keys = self.band_keys(np.concatenate([matrix for _, matrix, _ in keep])).ravel()
        else:
            keys = np.concatenate([keys[:len(matrix)] for _, matrix, keys in keep]).ravel()
        ids = np.repeat(np.array([article_id for article_id, _, _ in keep], dtype=np.uint32),
                        [len(matrix) * self.bands for _, matrix, _ in keep])
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], ids[order]))
        del keys, ids, order  # the runs alone hold them: a merge frees the merged ones
        self._merge_last_runs()

    def _merge_last_runs(self) -> None:
        while (len(self._runs) >= 2 and (len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0])
                                         or len(self._runs[-2][0]) < MIN_RUN_ENTRIES)
               and len(self._runs[-2][0]) + len(self._runs[-1][0]) <= MAX_RUN_ENTRIES):
            newer = self._runs.pop()
            self._runs.append(_merge_runs(self._runs.pop(), newer))

    def hit_pairs(self, keys: np.ndarray) -> np.ndarray:
        """The distinct (paragraph, indexed article) pairs whose paragraphs share a band, as uint64
        ``paragraph << 32 | article id``, sorted: what :meth:`hits_per_paragraph` gives, without a Python set per
        paragraph (a story with hundreds of near copies has thousands of hits). ``keys``: :meth:`band_keys` of
        the article's signatures."""
        if not len(keys) or not self._runs:
            return np.empty(0, dtype=np.uint64)
        queries = keys.ravel()
        order = np.argsort(queries)  # numpy's binary search of sorted queries starts where the last one ended
        queries = queries[order]
        paragraph_of = (order.astype(np.uint64) // np.uint64(self.bands)) << np.uint64(32)
        found = []
        for run_keys, ids in self._runs:
            low = run_keys.searchsorted(queries)
            counts = run_keys.searchsorted(queries, "right") - low
            hit = np.flatnonzero(counts)
            if not len(hit):
                continue
            counts, low = counts[hit], low[hit]
            # positions low..high-1 of every query with hits, in one array
            ends = np.cumsum(counts)
            positions = np.arange(ends[-1]) + np.repeat(low - (ends - counts), counts)
            found.append(np.repeat(paragraph_of[hit], counts) | ids[positions].astype(np.uint64))
        if not found:
            return np.empty(0, dtype=np.uint64)
        return _distinct(np.concatenate(found))

    def hits_per_paragraph(self, fingerprint: Fingerprint) -> list[set[int]]:
        """For each paragraph of the fingerprint, the indexed articles with a paragraph sharing one band."""
        matrix = fingerprint.matrix()
        hits: list[set[int]] = [set() for _ in range(len(matrix))]
        if not len(matrix) or not self._runs:
            return hits
        queries = self.band_keys(matrix).ravel()
        for keys, ids in self._runs:
            low = np.searchsorted(keys, queries)
            found = np.flatnonzero(keys[np.minimum(low, len(keys) - 1)] == queries)
            if not len(found):
                continue
            high = np.searchsorted(keys, queries[found], "right")
            for position, start, end in zip(found.tolist(), low[found].tolist(), high.tolist()):
                hits[position // self.bands].update(ids[start:end].tolist())
        return hits

    def candidates(self, fingerprint: Fingerprint) -> set[int]:
        return set().union(*self.hits_per_paragraph(fingerprint))


def _distinct(values: np.ndarray, counts: bool = False) -> Any:
    """``np.unique(values)`` (with ``return_counts``) of a 1-d integer array, by a sort and a mask: numpy 2's
    unique goes through a hash table first and costs several times more on the thousands of hits of a query."""
    ordered = np.sort(values)
    if not len(ordered):
        return (ordered, np.empty(0, dtype=np.intp)) if counts else ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if not counts:
        return ordered[first]
    starts = np.flatnonzero(first)
    counted = np.empty(len(starts), dtype=np.intp)
    np.subtract(starts[1:], starts[:-1], out=counted[:-1])
    counted[-1] = len(ordered) - starts[-1]
    return ordered[starts], counted


def _shared_counts(own: np.ndarray, others: list[np.ndarray], lengths: list[int]) -> list[int]:
    """How many elements of each of ``others`` are in ``own`` (sorted arrays of distinct values; ``lengths``:
    their lengths): ``len(other & own)`` of sets, for all of them in a few numpy calls."""
    if not len(own) or not sum(lengths):
        return [0] * len(others)
    joined = np.concatenate(others)
    at = np.searchsorted(own, joined)
    inside = own[np.minimum(at, len(own) - 1)] == joined
    owner = np.repeat(np.arange(len(others)), lengths)
    return np.bincount(owner[inside], minlength=len(others)).tolist()


def _merge_runs(older: tuple[np.ndarray, np.ndarray], newer: tuple[np.ndarray, np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs as one (equal keys: the older run's first). The newer run's entries go where a binary
    search puts them and the older run fills the rest: the merged arrays, a byte of mask an entry and the newer
    run's positions are all it allocates (concatenating and argsorting, as before, held three copies and an
    8-byte order array an entry: the crawl's peak while loading)."""
    keys_a, ids_a = older
    keys_b, ids_b = newer
    if len(keys_a) + len(keys_b) <= SMALL_MERGE_ENTRIES:
        # small runs (a crawl's inserts): numpy's stable sort finds the two sorted runs and merges them in one
        # pass, several times faster than the masks below, whose memory thrift matters for large runs only
        keys = np.concatenate((keys_a, keys_b))
        order = np.argsort(keys, kind="stable")
        return keys[order], np.concatenate((ids_a, ids_b))[order]
    positions = np.searchsorted(keys_a, keys_b, "right") + np.arange(len(keys_b))
    keys = np.empty(len(keys_a) + len(keys_b), dtype=keys_a.dtype)
    ids = np.empty(len(keys), dtype=ids_a.dtype)
    newer_slots = np.zeros(len(keys), dtype=bool)
    newer_slots[positions] = True
    del positions
    # np.place: several times faster than assigning through an index or boolean mask
    np.place(keys, newer_slots, keys_b)
    np.place(ids, newer_slots, ids_b)
    np.logical_not(newer_slots, out=newer_slots)
    np.place(keys, newer_slots, keys_a)
    np.place(ids, newer_slots, ids_a)
    return keys, ids


# ------------------------------------------------------------------------------------------------ comparison


@dataclass(frozen=True)
class Comparison:
    """How two texts overlap. ``a_share``: share of a's shingles found in b (b's containment of a)."""

    shared_run: int  # longest run of shared consecutive words within one paragraph, outside quotes (0: too
    # few shingles shared for a qualifying run, not measured)
    narrative_share: float  # shared share of the smaller text's shingles outside quotes
    a_share: float
    b_share: float
    a_paragraphs_reused: int  # paragraphs of a with at least PARAGRAPH_REUSED of their shingles in b
    b_own_share: float  # share of b's shingles not found in a

    @property
    def same_story(self) -> bool:
        return self.narrative_share >= MIN_NARRATIVE_SHARE or self.shared_run >= MIN_SHARED_RUN


class Profile:
    """A text prepared for comparisons: its paragraphs and shingle set (build once, compare with many).

    The analysis workers build it anyway for the signatures and ship it with them (:meth:`to_bytes`), so the
    crawl's writer thread does not tokenise the text again.
    """

    def __init__(self, text: str | None = None, *, paragraphs_: list[Paragraph] | None = None) -> None:
        self.paragraphs = paragraphs(text or "") if paragraphs_ is None else paragraphs_
        self.paragraph_sets = [frozenset(paragraph.shingles) for paragraph in self.paragraphs]
        self.shingles = set().union(*self.paragraph_sets)
        self.narrative: set[int] = set()
        for paragraph, shingle_set in zip(self.paragraphs, self.paragraph_sets):
            if True in paragraph.quoted:
                self.narrative.update(shingle for shingle, quoted in zip(paragraph.shingles, paragraph.quoted)
                                      if not quoted)
            else:  # most paragraphs quote nobody: their set as it is
                self.narrative |= shingle_set
        long_sets = [shingle_set for paragraph, shingle_set in zip(self.paragraphs, self.paragraph_sets)
                     if paragraph.words >= MIN_PARAGRAPH_WORDS]
        self.closing: frozenset[int] = long_sets[-1] if long_sets else frozenset()
        self._shingle_array: np.ndarray | None = None

    @property
    def shingle_array(self) -> np.ndarray:
        """The shingle set as a sorted uint32 array, built on first use: how much of each candidate a new
        article contains is measured for all candidates at once in numpy (:meth:`Clusterer.assign`)."""
        if self._shingle_array is None:
            self._shingle_array = np.sort(np.fromiter(self.shingles, dtype=np.uint32, count=len(self.shingles)))
        return self._shingle_array

    def to_bytes(self) -> bytes:
        """Paragraph count, (words, shingles) per paragraph, the shingle hashes, the quoted flags as bits."""
        counts = np.array([(paragraph.words, len(paragraph.shingles)) for paragraph in self.paragraphs],
                          dtype="<u4").reshape(-1, 2)
        hashes = np.array([shingle for paragraph in self.paragraphs for shingle in paragraph.shingles], dtype="<u4")
        quoted = np.packbits(np.array([flag for paragraph in self.paragraphs for flag in paragraph.quoted],
                                      dtype=bool))
        return (np.array([len(self.paragraphs)], dtype="<u4").tobytes() + counts.tobytes() + hashes.tobytes()
                + quoted.tobytes())

    @classmethod
    def from_bytes(cls, blob: bytes) -> Profile:
        (count,) = np.frombuffer(blob, dtype="<u4", count=1)
        counts = np.frombuffer(blob, dtype="<u4", count=2 * int(count), offset=4).reshape(-1, 2)
        total = int(counts[:, 1].sum())
        hash_array = np.frombuffer(blob, dtype="<u4", count=total, offset=4 + counts.nbytes)
        hashes = hash_array.tolist()
        quoted = np.unpackbits(np.frombuffer(blob, dtype=np.uint8, offset=4 + counts.nbytes + 4 * total),
                               count=total).astype(bool).tolist()
        built, start = [], 0
        for words, length in counts.tolist():
            built.append(Paragraph(tuple(hashes[start:start + length]), tuple(quoted[start:start + length]), words))
            start += length
        profile = cls(paragraphs_=built)
        profile._shingle_array = _distinct(hash_array.astype(np.uint32))  # the distinct shingles, sorted
        return profile


def _longest_run(profile: Profile, other: Profile, ignore: Set[int]) -> int:
    """Longest shared run of words within one paragraph, outside quotes, ``ignore`` and closing paragraphs.

    A paragraph that closes both texts is left out: stories end with stock text (the office's contact line,
    the legal articles a suspect is charged under, "Demikian siaran pers ..."), which unrelated stories share.
    """
    counting = (profile.shingles & other.shingles) - ignore - (profile.closing & other.closing)
    best = 0
    for paragraph in profile.paragraphs:
        if len(paragraph.shingles) <= best or counting.isdisjoint(paragraph.shingles):
            continue
        run = 0
        for shingle, quoted in zip(paragraph.shingles, paragraph.quoted):
            if shingle in counting and not quoted:
                run += 1
                if run > best:
                    best = run
            else:
                run = 0
    return best + SHINGLE_WORDS - 1 if best else 0


def compare(a: Profile | str, b: Profile | str, ignore: Set[int] = frozenset(), decide: bool = False
            ) -> Comparison:
    """How texts a and b overlap; ``ignore``: stock shingles that count for neither rule of ``same_story``.

    ``decide``: measure only what ``same_story`` and the shares need (cluster assignment): the shared run is
    not measured (0) when the narrative share already decides, nor the paragraphs reused (0).
    """
    a = a if isinstance(a, Profile) else Profile(a)
    b = b if isinstance(b, Profile) else Profile(b)
    shared = len(a.shingles & b.shingles)
    if not shared:
        return Comparison(0, 0.0, 0.0, 0.0, 0, 1.0)
    a_narrative, b_narrative = a.narrative - ignore, b.narrative - ignore
    reused = 0 if decide else sum(
        1 for paragraph, shingle_set in zip(a.paragraphs, a.paragraph_sets)
        if paragraph.words >= MIN_PARAGRAPH_WORDS and len(shingle_set & b.shingles) >= PARAGRAPH_REUSED * len(shingle_set))
    smaller = min(len(a_narrative), len(b_narrative))
    narrative_share = len(a_narrative & b_narrative) / smaller if smaller else 0.0
    # A qualifying run needs this many shared shingles; fewer, and the run is not measured (reported as 0).
    could_run = shared >= MIN_SHARED_RUN - SHINGLE_WORDS + 1 and not (decide and narrative_share >= MIN_NARRATIVE_SHARE)
    return Comparison(
        shared_run=min(_longest_run(a, b, ignore), _longest_run(b, a, ignore)) if could_run else 0,
        narrative_share=narrative_share,
        a_share=shared / len(a.shingles) if a.shingles else 0.0,
        b_share=shared / len(b.shingles) if b.shingles else 0.0,
        a_paragraphs_reused=reused,
        b_own_share=1 - shared / len(b.shingles) if b.shingles else 1.0,
    )


@dataclass(frozen=True)
class Assignment:
    """Where an article went: its cluster, and the stored article it was confirmed against (None: a new one)."""

    article_id: int
    cluster_id: int
    matched_id: int | None = None
    comparison: Comparison | None = None
    fingerprint: Fingerprint | None = None  # the signatures used (computed here when none were given)


class Clusterer:
    """Incremental cluster assignment: each new article joins the cluster of the earlier article whose text it
    reuses most (a confirmed candidate), or starts its own cluster (its id is its article id). Clusters are never
    merged or split afterwards, so storing the same articles again changes no cluster.

    ``load_texts(ids)`` gives the cleaned texts of candidate articles (storage reads them from SQL; the bench and
    tests pass a dict's ``get``). ``known`` loads an article assigned before (from stored signatures).
    """

    def __init__(self, load_texts: Callable[[list[int]], Mapping[int, str]]) -> None:
        self.index = CandidateIndex()
        self.cluster_of: dict[int, int] = {}
        self.load_texts = load_texts
        self.candidates_compared = 0
        self.texts_loaded = 0
        self._profiles: OrderedDict[int, Profile] = OrderedDict()  # recently compared candidates (LRU)
        self._profile_bytes: OrderedDict[int, bytes] = OrderedDict()  # compact profiles, recent articles (LRU)
        self._profile_bytes_size = 0

    def profile_of(self, article_id: int) -> Profile | None:
        """The cached profile of an article, when it is still cached (nothing is read)."""
        profile = self._profiles.get(article_id)
        if profile is None:
            blob = self._profile_bytes.get(article_id)
            if blob is not None:
                profile = self._remember(article_id, Profile.from_bytes(blob))
        return profile

    def _profiles_of(self, ids: list[int]) -> dict[int, Profile]:
        found = {}
        missing = []
        for article_id in ids:
            profile = self._profiles.get(article_id)
            if profile is not None:
                self._profiles.move_to_end(article_id)
                found[article_id] = profile
                continue
            profile = self.profile_of(article_id)
            if profile is None:
                missing.append(article_id)
            else:
                found[article_id] = profile
        if missing:
            self.texts_loaded += len(missing)
            for article_id, text in self.load_texts(missing).items():
                found[article_id] = self._remember(article_id, Profile(text))
        return found

    def _remember(self, article_id: int, profile: Profile) -> Profile:
        self._profiles[article_id] = profile
        if len(self._profiles) > PROFILE_CACHE:
            self._profiles.popitem(last=False)
        return profile

    def keep_profile_bytes(self, article_id: int, blob: bytes) -> None:
        """Keep an assigned article's compact profile (as the analysis worker shipped it) for later candidates."""
        if article_id in self._profile_bytes:
            return
        self._profile_bytes[article_id] = blob
        self._profile_bytes_size += len(blob)
        while self._profile_bytes_size > PROFILE_BYTES_CACHE and self._profile_bytes:
            self._profile_bytes_size -= len(self._profile_bytes.popitem(last=False)[1])

    def known(self, article_id: int, cluster_id: int, fingerprint: Fingerprint) -> None:
        self.cluster_of[article_id] = cluster_id
        self.index.add(article_id, fingerprint)

    def known_many(self, rows: Iterable[tuple[int, int, bytes | None]]) -> int:
        """Load articles assigned before from (article id, cluster id, stored signature) rows, in one index run."""
        ids, matrices = [], []
        for article_id, cluster_id, blob in rows:
            if article_id in self.cluster_of:
                continue
            self.cluster_of[article_id] = cluster_id
            ids.append(article_id)
            matrices.append(signature_matrix(blob))
        self.index.add_many(ids, matrices)
        return len(ids)

    def assign(self, article_id: int, text: str, fingerprint_: Fingerprint | None = None,
               profile: Profile | None = None, profile_bytes: bytes | None = None) -> Assignment:
        """Cluster one article. In a crawl the analysis workers computed ``fingerprint_`` and the profile, shipped
        as ``profile_bytes`` (kept compactly for later candidates, unpacked only when a paragraph collides);
        without them (rebuild) the text is shingled here, and without a profile only when a paragraph collides."""
        if article_id in self.cluster_of:
            return Assignment(article_id, self.cluster_of[article_id])
        if profile is None and fingerprint_ is None:
            profile = Profile.from_bytes(profile_bytes) if profile_bytes else Profile(text)
        if fingerprint_ is None:
            fingerprint_ = fingerprint(profile)
        keys = self.index.band_keys(fingerprint_.matrix())
        pairs = self.index.hit_pairs(keys)
        ranked: list[int] = []
        common: set[int] = set()
        if len(pairs):
            # built only now: most articles collide with nothing, and their shipped bytes are all that is kept
            profile = profile or (Profile.from_bytes(profile_bytes) if profile_bytes else Profile(text))
            long_paragraphs = [p for p in profile.paragraphs if p.words >= MIN_PARAGRAPH_WORDS]
            paragraph_of = (pairs >> np.uint64(32)).astype(np.int64)
            inside = paragraph_of < len(long_paragraphs)  # as zip() did: the profile's paragraphs bound it
            pairs, paragraph_of = pairs[inside], paragraph_of[inside]
        if len(pairs):
            hit_ids = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)
            # collisions: how many of the new article's paragraphs hit each candidate (pairs are distinct)
            candidates, collisions = _distinct(hit_ids, counts=True)
            ranked = candidates[np.lexsort((candidates, -collisions))[:MAX_CANDIDATES]].tolist()
            # a paragraph whose hits stand in COMMON_PARAGRAPH_CLUSTERS clusters or more is stock text
            cluster_of = np.array([self.cluster_of.get(candidate, -1) for candidate in candidates.tolist()],
                                  dtype=np.int64)
            hit_clusters = cluster_of[np.searchsorted(candidates, hit_ids)]
            known = hit_clusters >= 0
            distinct = _distinct((paragraph_of[known] << 32) | hit_clusters[known])  # (paragraph, cluster)
            clusters_per_paragraph = np.bincount(distinct >> 32, minlength=len(long_paragraphs))
            for position in np.flatnonzero(clusters_per_paragraph >= COMMON_PARAGRAPH_CLUSTERS).tolist():
                common.update(long_paragraphs[position].shingles)
        best: tuple[int, Comparison] | None = None
        if ranked:
            # The match is the confirmed candidate with the largest share of its text found in the new one (the
            # lowest id of equal shares). That share is one set intersection, confirming costs several: the
            # candidates are confirmed from the largest share down, and the first confirmed is the match.
            profiles = self._profiles_of(ranked)
            found = sorted(profiles)
            lengths = [len(profiles[candidate].shingles) for candidate in found]
            shared = _shared_counts(profile.shingle_array,  # type: ignore[union-attr]
                                    [profiles[candidate].shingle_array for candidate in found], lengths)
            by_share = sorted((-(count / length if length else 0.0), candidate)
                              for candidate, count, length in zip(found, shared, lengths))
            for _, candidate in by_share:
                self.candidates_compared += 1
                comparison = compare(profiles[candidate], profile, common, decide=True)  # type: ignore[arg-type]
                if comparison.same_story:
                    best = (candidate, comparison)
                    break
        cluster_id = self.cluster_of[best[0]] if best else article_id
        self.cluster_of[article_id] = cluster_id
        self.index.add(article_id, fingerprint_, keys)
        if profile is not None:
            self._remember(article_id, profile)
        if profile_bytes or profile is not None:
            self.keep_profile_bytes(article_id, profile_bytes or profile.to_bytes())  # type: ignore[union-attr]
        return Assignment(article_id, cluster_id, best[0] if best else None, best[1] if best else None,
                          fingerprint_)


# ------------------------------------------------------------------------------------------------ pickups


def reuse_kind(release_vs_copy: Comparison) -> ReuseKind:
    """How a copy used the release: ``compare(release, copy)`` in, verbatim / edited / paragraph out."""
    if release_vs_copy.a_share >= VERBATIM_SHARE and release_vs_copy.b_own_share <= VERBATIM_OWN_SHARE:
        return "verbatim"
    if release_vs_copy.a_paragraphs_reused <= 1:
        return "paragraph"
    return "edited"


_CREDIT_WORDS = re.compile(
    r"\b(rilis|rls|siaran pers|press release|keterangan (?:tertulis|resmi|pers)|pers ?rilis|release)\b",
    re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^\W*(sumber|source|foto dan teks|teks)\s*:", re.IGNORECASE)
CREDIT_LINE_WORDS = 12
_CREDIT_SHAPE = re.compile(r"^[(\[].*[)\]]\W*$")


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_credited(text: str, byline: str | None, office_names: Sequence[str], release_text: str = "") -> bool:
    """Whether a copy says it comes from the release: a credit word anywhere ("rilis", "siaran pers", "(rls)"),
    or the office named in a credit line (a "Sumber:" line, a short closing line such as "(adv/diskominfokaltim)",
    the byline). The office's name inside the story itself is not a credit: every copy of its release names it;
    nor is a credit word the release itself contains (a release about writing "siaran pers").
    """
    if len(_CREDIT_WORDS.findall(text)) > len(_CREDIT_WORDS.findall(release_text)) or (
            byline and _CREDIT_WORDS.search(byline)):
        return True
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # A credit line is short and looks like one: "(diskominfo/adv)", "rls/hms", "Sumber: Humas ...".
    credit_lines = [line for line in lines[-2:] if len(_WORD.findall(line)) <= CREDIT_LINE_WORDS
                    and (_CREDIT_SHAPE.match(line) or "/" in line)]
    credit_lines += [line for line in lines if _SOURCE_LINE.match(line)]
    if byline:
        credit_lines.append(byline)
    names = [_compact(name) for name in office_names if len(_compact(name)) >= 3]
    return any(name in _compact(line) for line in credit_lines for name in names)
