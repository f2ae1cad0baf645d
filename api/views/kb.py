"""The public knowledge base, readable without a token: for a site's help widget.

Only public, published articles (``knowledgebase.selectors`` with the public audience); an
internal or draft article is unknown here (404). Callers without a token are throttled per address.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import examples
from api.serializers.common import page_serializer
from api.serializers.reference import ArticleDetailSerializer, ArticleSerializer
from knowledgebase.selectors import article_get, article_recent, article_search

SEARCH_MAX = 20


class RecentFirst(CursorPagination):
    ordering = ("-updated_at", "id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ArticleList(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="kb_articles_list",
        summary="Public help articles (no token needed)",
        description="Most recently updated first, in cursor pages; with `q`, the best matches (at most 20, one page).",
        parameters=[OpenApiParameter("q", str, description="Search text.")],
        responses=page_serializer(ArticleSerializer, "ArticlePage"),
        examples=[examples.ARTICLE_PAGE],
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()[:200]
        if query:
            found = article_search(query).select_related("category")[:SEARCH_MAX]
            return Response({"next": None, "previous": None, "results": ArticleSerializer(found, many=True).data})
        paginator = RecentFirst()
        page = paginator.paginate_queryset(article_recent(), request, view=self)
        return paginator.get_paginated_response(ArticleSerializer(page, many=True).data)


class ArticleDetail(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One public help article (Markdown body)",
        responses=ArticleDetailSerializer,
        examples=[examples.ARTICLE_DETAIL],
        auth=[],
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(ArticleDetailSerializer(article_get(slug)).data)
