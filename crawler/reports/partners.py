"""Monthly partner-media evaluation: per contract and assigned agency, pieces published against the quota.

A piece is an article the partner outlet published in the month (its own local day) that names the assigned
agency in a counted zone (title, lead, body, quote), within the contract's period. An article that names two
assigned agencies is a piece for each; the partner's own total counts it once. Renamed agencies count with
their successor unless ``lineage=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from crawler.partners import Month, PartnerBook, PartnerConfig
from crawler.reports.common import Report, ReportError, ReportTable
from storage.reports import AgencyArticle, agency_articles, agency_names, source_names

STATUS_LABELS = {"met": "tercapai", "short": "kurang", "none": "tidak ada", "not-crawled": "belum dipantau"}


@dataclass
class AssignmentResult:
    agency_id: str
    agency_name: str
    quota: int
    pieces: list[AgencyArticle]

    @property
    def news(self) -> int:
        return sum(1 for piece in self.pieces if not piece.is_advertorial)

    @property
    def advertorial(self) -> int:
        return sum(1 for piece in self.pieces if piece.is_advertorial)

    @property
    def fulfilment(self) -> float | None:
        return None if self.quota == 0 else len(self.pieces) / self.quota


@dataclass
class PartnerResult:
    partner: PartnerConfig
    outlet_name: str
    crawled: bool
    assignments: list[AssignmentResult] = field(default_factory=list)

    @property
    def total_pieces(self) -> int:
        return len({piece.article_id for assignment in self.assignments for piece in assignment.pieces})

    @property
    def total_quota(self) -> int:
        return sum(assignment.quota for assignment in self.assignments)

    def status(self, assignment: AssignmentResult) -> str:
        if not self.crawled:
            return "not-crawled"
        if not assignment.pieces:
            return "none"
        return "met" if len(assignment.pieces) >= assignment.quota else "short"


COLUMNS = ["month", "outlet", "outlet_name", "contract", "agency_id", "agency_name", "quota", "pieces", "news",
           "advertorial", "fulfilment", "status", "links"]


def build_partner_report(engine: Engine, book: PartnerBook, month: Month, *, lineage: bool = True,
                         outlets: Sequence[str] | None = None, count_pickups: bool = False) -> Report:
    """The evaluation of every contract that runs in ``month`` (or only those of ``outlets``).

    ``count_pickups``: an article that ran a press release of an assigned agency (crawler.reports.pickup) is a
    piece for that agency too, even when it does not name the agency in a counted zone (a one-paragraph pickup).
    """
    partners = book.in_month(month)
    if outlets:
        unknown = sorted(set(outlets) - {partner.outlet for partner in partners})
        if unknown:
            raise ReportError(f"no contract with outlet '{unknown[0]}' runs in {month} (see config/partners)")
        partners = [partner for partner in partners if partner.outlet in outlets]
    names = agency_names(engine)
    sources = source_names(engine)
    warnings: list[str] = []

    def key_of(agency: str) -> str:
        if agency not in names:
            return agency  # not in the database yet: nothing can match it
        return names[agency].lineage_id if lineage else agency

    for partner in partners:
        missing = [assigned.agency for assigned in partner.agencies if assigned.agency not in names]
        if missing:
            warnings.append(f"Instansi {', '.join(missing)} (kontrak {partner.outlet}) belum ada di basis data: "
                            "tayangannya belum bisa dihitung.")
        if partner.outlet not in sources:
            warnings.append(f"Media {partner.outlet} belum dirayapi (bukan sumber yang dipantau): tayangannya "
                            "belum bisa dihitung.")
    keys = sorted({key_of(assigned.agency) for partner in partners for assigned in partner.agencies})
    articles = agency_articles(engine, month.first_day, month.next_first_day, agencies=keys,
                               sources=sorted({partner.outlet for partner in partners}),
                               key="lineage_id" if lineage else "entity_id") if keys and partners else []

    if count_pickups and keys and partners:
        articles = articles + _pickup_pieces(engine, month, [partner.outlet for partner in partners], key_of,
                                             articles)

    results: list[PartnerResult] = []
    rows = []
    for partner in partners:
        result = PartnerResult(partner, sources.get(partner.outlet, partner.name or partner.outlet),
                               crawled=partner.outlet in sources)
        for assigned in partner.agencies:
            key = key_of(assigned.agency)
            pieces = [article for article in articles
                      if article.source_key == partner.outlet and article.agency_id == key
                      and partner.period.start <= article.published_date <= partner.period.end]
            pieces.sort(key=lambda piece: (piece.published_date, piece.article_id))
            agency_name = names[assigned.agency].name if assigned.agency in names else assigned.agency
            assignment = AssignmentResult(assigned.agency, agency_name, assigned.quota, pieces)
            result.assignments.append(assignment)
            fulfilment = assignment.fulfilment
            rows.append((str(month), partner.outlet, result.outlet_name, partner.contract, assigned.agency,
                         agency_name, assigned.quota, len(pieces), assignment.news, assignment.advertorial,
                         None if fulfilment is None else round(fulfilment, 3), result.status(assignment),
                         " ".join(piece.canonical_url for piece in pieces)))
        results.append(result)
    title = f"Evaluasi media mitra {month}"
    table = ReportTable("partners", title, COLUMNS, rows)
    return Report("partners", title, [table], "partners.html", warnings=warnings,
                  context={"month": month, "results": results, "office": book.office, "lineage": lineage,
                           "status_labels": STATUS_LABELS})


def _pickup_pieces(engine: Engine, month: Month, outlets: list[str], key_of, counted: list[AgencyArticle]
                   ) -> list[AgencyArticle]:
    """Pickups published in the month on these outlets, as pieces of the release's agency (not counted twice)."""
    import datetime as dt

    from crawler.reports.pickup import pickup_pieces
    from storage.clusters import list_releases

    have = {(article.article_id, article.agency_id) for article in counted}
    agencies = {release.article_id: release.agency_id for release in list_releases(engine)}
    pieces = []
    for pickup in pickup_pieces(engine, month.first_day, month.next_first_day, outlets):
        agency = agencies.get(pickup.release_article_id)
        if agency is None or pickup.published_at is None:
            continue
        offset = dt.timedelta(minutes=pickup.published_utc_offset or 0)
        day = (pickup.published_at + offset).date()
        key = key_of(agency)
        if not month.first_day <= day <= month.last_day or (pickup.article_id, key) in have:
            continue
        have.add((pickup.article_id, key))
        pieces.append(AgencyArticle(key, agency, pickup.article_id, pickup.source_key, pickup.source_name,
                                    pickup.title, pickup.canonical_url, pickup.published_at,
                                    pickup.published_utc_offset, day, pickup.is_advertorial, 0, "pickup",
                                    "siaran pers"))
    return pieces
