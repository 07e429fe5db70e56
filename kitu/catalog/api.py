"""JSON API of the catalog."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from . import selectors
from .models import Article

router = Router(tags=["catalog"])


class ArticleOut(Schema):
    id: int
    supplier_pid: str
    description: str
    manufacturer: str
    manufacturer_pid: str
    ean: str
    price: Decimal | None
    list_price: Decimal | None
    currency: str
    order_unit: str
    contract: str
    contract_id: int
    supplier_id: int
    eclass_group: str

    @staticmethod
    def of(a: Article) -> dict[str, object]:
        return {
            "id": a.pk,
            "supplier_pid": a.supplier_pid,
            "description": a.description_short,
            "manufacturer": a.manufacturer_name,
            "manufacturer_pid": a.manufacturer_pid,
            "ean": a.ean,
            "price": a.price,
            "list_price": a.list_price,
            "currency": a.currency,
            "order_unit": a.order_unit,
            "contract": a.contract.number,
            "contract_id": a.contract_id,
            "supplier_id": a.supplier_id,
            "eclass_group": a.eclass_group,
        }


class FacetOut(Schema):
    value: str
    label: str
    count: int


class ArticlePage(Schema):
    count: int = Field(description="Matching articles, counted up to 1,000 (see ``capped``)")
    capped: bool = Field(
        False, description="True where more than 1,000 articles match: ``count`` is 1,000, refine the query"
    )
    page: int
    pages: int
    items: list[ArticleOut]
    facets: dict[str, list[FacetOut]]
    suggestion: str = Field(
        "", description="Where the query found nothing: the corrected query whose articles these are (else empty)"
    )


class ArticleFilter(Schema):
    q: str = ""
    contract: int | None = None
    supplier: int | None = None
    eclass: str = ""
    manufacturer: str = ""
    price_min: Decimal | None = Field(None, ge=0)
    price_max: Decimal | None = Field(None, ge=0)
    sort: str = Field("relevance", pattern="^(relevance|price_asc|price_desc)$")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)
    facets: bool = False


@router.get("/catalog/articles", response=ArticlePage, summary="Search the articles the acting user may order")
def list_articles(request: HttpRequest, filters: Query[ArticleFilter]) -> dict[str, object]:
    data = filters.dict()
    per_page = data.pop("page_size")
    result = selectors.search_articles(request.user, per_page=per_page, **data)
    return {
        "count": result.total,
        "capped": result.capped,
        "page": result.page.number,
        "pages": result.page.paginator.num_pages,
        "items": [ArticleOut.of(a) for a in result.page],
        "facets": result.facets,
        "suggestion": result.suggestion,
    }


@router.get("/catalog/articles/{article_id}", response=ArticleOut)
def get_article(request: HttpRequest, article_id: int) -> dict[str, object]:
    return ArticleOut.of(selectors.article_for(request.user, article_id))
