"""Full-text search that works for Chinese: jieba splits the text into words, kept in the
`SearchToken` table and matched with plain equality, so SQLite and PostgreSQL search alike.

Documents and queries go through the same `tokens()`: lower case, Traditional → Simplified, jieba's
search-mode cut, stop words dropped, English words reduced to a crude stem, a few domain synonyms
mapped to one canonical word ("破裂" and "碎裂" are both "碎"). Ranking: the number of distinct query
words a document holds, then their weight (a word in the title counts more).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, QuerySet, Sum

from .models import SearchToken

TITLE_WEIGHT = 5
MAX_BODY_WEIGHT = 3
MAX_TOKEN_LENGTH = 64

# Domain words jieba's dictionary splits apart.
DOMAIN_WORDS = (
    "七天无理由",
    "仅退款",
    "极速退款",
    "上门取件",
    "面单",
    "碎屏",
    "三包",
    "换货",
    "补发",
    "漏发",
    "错发",
    "丢件",
    "破损",
    "保价",
    "发票",
    "以旧换新",
    "运费险",
    "拒收",
    "签收",
    "验货",
)
# Words with the same meaning for a customer's question, mapped to one (or more) canonical words.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "破裂": ("碎",),
    "碎裂": ("碎",),
    "破碎": ("碎",),
    "裂": ("碎",),
    "裂开": ("碎",),
    "裂痕": ("碎",),
    "裂纹": ("碎",),
    "摔碎": ("碎",),
    "碎屏": ("屏幕", "碎"),
    "屏": ("屏幕",),
    "显示屏": ("屏幕",),
    "坏": ("故障",),
    "坏了": ("故障",),
    "损坏": ("破损",),
    "坏掉": ("故障",),
    "毛病": ("故障",),
    "退钱": ("退款",),
    "钱": ("退款",),
    "丢": ("丢件",),
    "丢失": ("丢件",),
    "没收到": ("未收到",),
    "快递": ("物流",),
    "crack": ("碎",),
    "broken": ("碎",),
    "shatter": ("碎",),
    "screen": ("屏幕",),
    "display": ("屏幕",),
    "萤幕": ("屏幕",),
    "荧幕": ("屏幕",),
    "refund": ("退款",),
    "exchange": ("换货",),
    "return": ("退货",),
    "lost": ("丢件",),
    "damage": ("破损",),
    "damaged": ("破损",),
    "invoice": ("发票",),
    "delivery": ("物流",),
    "parcel": ("物流",),
    "package": ("物流",),
    "repair": ("维修",),
}
STOP_WORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 嘛 是 在 有 和 与 及 或 我 你 他 她 它 我们 您 这 那 个 就 都 也 还 又 被 把 给 让"
    " 怎么 怎么办 怎样 如何 什么 为什么 为何 哪 哪里 可以 能 能否 会 要 想 请 请问 一下 一个 吗 么 啦"
    " a an the is are was were be been am do does did i me my you your it its to of in on at for and or"
    " how what why when where which who can could should would will with from this that there have has"
    " if not no please".split()
)
_WORD = re.compile(r"[0-9a-z\u3400-\u9fff][0-9a-z\u3400-\u9fff_\-.:]*")
_CJK = re.compile(r"[\u3400-\u9fff]")

_ready = False
_lock = threading.Lock()
_to_simplified = None


def _setup() -> None:
    global _ready, _to_simplified
    with _lock:
        if _ready:
            return
        import jieba
        import opencc

        jieba.setLogLevel(logging.WARNING)
        for word in DOMAIN_WORDS:
            jieba.add_word(word)
        _to_simplified = opencc.OpenCC("t2s")
        _ready = True


def _stem(word: str) -> str:
    """A crude English stem, applied alike to documents and queries: cracked/cracks → crack."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and word.isascii() and word.isalpha():
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """The words of `text`, in order, repeats kept (a document's weight counts them)."""
    if not text:
        return []
    _setup()
    import jieba

    text = _to_simplified.convert(text.lower())
    out: list[str] = []
    for piece in jieba.cut_for_search(text):
        piece = piece.strip()
        if not piece or piece in STOP_WORDS or not _WORD.fullmatch(piece):
            continue
        if not _CJK.search(piece):
            piece = _stem(piece)
            if piece in STOP_WORDS or len(piece) < 2 and not piece.isdigit():
                continue
        piece = piece[:MAX_TOKEN_LENGTH]
        out.extend(SYNONYMS.get(piece, ()) or (piece,))
        if piece in SYNONYMS and piece.isascii():
            out.append(piece)  # an English word stays findable by itself too
    return out


def query_tokens(text: str) -> list[str]:
    """The distinct words of a query, in order."""
    return list(dict.fromkeys(tokens(text)))


def weights(
    *, title: Iterable[str] = (), body: Iterable[str] = (), tags: Iterable[str] = ()
) -> dict[str, int]:
    """A document's words and weights: a title word counts TITLE_WEIGHT, a body word once per
    occurrence up to MAX_BODY_WEIGHT, a tag (e.g. "sku:…", "cat:…") TITLE_WEIGHT."""
    result: Counter[str] = Counter()
    for text in body:
        for token, n in Counter(tokens(text)).items():
            result[token] += min(n, MAX_BODY_WEIGHT)
    for text in title:
        for token in set(tokens(text)):
            result[token] += TITLE_WEIGHT
    for tag in tags:
        result[tag[:MAX_TOKEN_LENGTH]] += TITLE_WEIGHT
    return dict(result)


def index_replace(*, doc_kind: str, doc_id: int, words: dict[str, int]) -> None:
    """(Re)index one document: called by the services inside their transaction."""
    SearchToken.objects.filter(doc_kind=doc_kind, doc_id=doc_id).delete()
    SearchToken.objects.bulk_create(
        SearchToken(doc_kind=doc_kind, doc_id=doc_id, token=token, weight=weight)
        for token, weight in words.items()
    )


def index_remove(*, doc_kind: str, doc_id: int) -> None:
    SearchToken.objects.filter(doc_kind=doc_kind, doc_id=doc_id).delete()


def ranked_ids(
    *, doc_kind: str, words: list[str], candidates: QuerySet, limit: int
) -> list[tuple[int, int, int]]:
    """(doc id, distinct words matched, weight) of the best `limit` documents among `candidates` (a
    queryset of ids the caller may see), best first; ties go to the newer document."""
    if not words:
        return []
    rows = (
        SearchToken.objects.filter(doc_kind=doc_kind, token__in=words, doc_id__in=candidates)
        .values("doc_id")
        .annotate(hits=Count("token"), score=Sum("weight"))
        .order_by("-hits", "-score", "-doc_id")[:limit]
    )
    return [(r["doc_id"], r["hits"], r["score"]) for r in rows]
