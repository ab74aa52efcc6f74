"""Hybrid retrieval: Dutch BM25 and dense e5 vectors, fused, filtered, with neighbour context.

Small-to-big: chunks are the unit of scoring, and a hit is returned with its
neighbours in the same section, because practitioners' questions are answered
by a paragraph or two, not by one sentence. A chunk's dense score is smoothed
with its neighbours' (its window's mean similarity), hits whose windows overlap
a better hit are skipped, and the two rankings are fused by reciprocal rank.
Every choice here was kept because the evaluation improved (docs/retrieval.md).

The index is loaded into memory once (chunk texts and metadata from the catalog,
BM25 from disk, vectors from Chroma) and reloaded when an ingest bumps the
catalog version, so every process serves the index the last ingest wrote.
Chroma's nearest chunks for a query vector are remembered per index version (a
bounded LRU keyed by a hash of the vector), so a question asked again costs no
second vector search; the snapshot's own matrix scores the candidates.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from bot.index.fingerprint import near_identical, shingles
from bot.index.store import Index
from bot.index.vectors import ChromaVectors, VectorStoreUnavailable, fetch_embeddings, where_filter
from bot.index.model import Chunk

from .passage import Passage, SearchResult
from .query import QueryAnalyser

log = logging.getLogger(__name__)


NEAREST_CACHE = 2048  # remembered vector searches per process and index version (ids only, no text)


class Fusion(StrEnum):
    RRF = "rrf"  # reciprocal rank
    WEIGHTED = "weighted"  # min-max normalised scores, lexical_weight of BM25


@dataclass
class RetrievalConfig:
    candidates: int = 100  # taken from each retriever before fusion
    fusion: Fusion = Fusion.RRF
    lexical_weight: float = 0.5  # share of BM25 in weighted fusion
    expansion_weight: float = 0.3  # weight of glossary expansions relative to the asker's own words
    rrf_k: int = 60
    neighbours: int = 1  # chunks of context added on each side of a hit (small-to-big)
    smooth: float = 0.5  # share of the window's mean similarity in a chunk's dense score
    dedup: bool = True  # skip hits whose window overlaps a better hit's
    dense_floor: float = 0.70  # cosine below which e5 says "unrelated"
    dense_ceiling: float = 0.88  # cosine at which e5 says "clearly related"

    def __post_init__(self):  # a misspelt fusion fails here instead of silently falling to weighted
        self.fusion = Fusion(self.fusion)


def join_overlapping(texts: list[str]) -> str:
    """Join consecutive chunks, dropping any sentence the chunker repeated at a cut; paragraph breaks are kept."""
    out = texts[0] if texts else ""
    for nxt in texts[1:]:
        cut = 0
        for end in range(min(len(out), len(nxt), 600), 20, -1):
            if out.endswith(nxt[:end]) and (end == len(nxt) or nxt[end].isspace()):
                cut = end
                break
        rest = nxt[cut:]
        # without a repeated sentence the cut fell between paragraphs
        sep = " " if cut and not rest.startswith("\n") else "\n\n"
        out = f"{out}{sep}{rest.strip()}".strip() if rest.strip() else out
    return out


class _Snapshot:
    """The in-memory view of one index version."""

    def __init__(self, index: Index, neighbours: int):
        self.version = index.catalog.version()
        self.lexical = index.load_lexical()
        chunks = {c.chunk_id: c for c in index.catalog.all_chunks()}
        self.chunks: list[Chunk] = [chunks[cid] for cid in self.lexical.chunk_ids if cid in chunks]
        self.pos = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.vectors = fetch_embeddings(index.vectors, [c.chunk_id for c in self.chunks], index.embeddings.dim)
        self.collection = np.array([c.doc.collection for c in self.chunks], dtype=object)
        self.language = np.array([c.doc.language for c in self.chunks], dtype=object)
        self.audience = [set(c.doc.audience) for c in self.chunks]
        # window[i]: positions of chunk i and its neighbours in the same document section
        self.window: list[list[int]] = []
        for i, c in enumerate(self.chunks):
            win = [j for j in range(i - neighbours, i + neighbours + 1)
                   if 0 <= j < len(self.chunks) and self._same_section(self.chunks[j], c)]
            self.window.append(win)
        # the windows as a padded index matrix, so every window's mean similarity is one numpy expression
        width = max((len(w) for w in self.window), default=1)
        self._win_idx = np.array([w + [w[0]] * (width - len(w)) for w in self.window], dtype=np.intp).reshape(-1, width)
        self._win_pad = np.array([[j >= len(w) for j in range(width)] for w in self.window], dtype=bool).reshape(-1, width)
        self._win_len = np.array([len(w) for w in self.window], dtype=np.float32)
        self._texts: dict[int, str] = {}  # a hit's text with its neighbours, joined once per snapshot
        self._shingles: dict[int, frozenset[int]] = {}  # a chunk's fingerprint, made when first compared
        self._nearest: OrderedDict[tuple, tuple[int, ...]] = OrderedDict()  # Chroma's answers for this version
        self._lock = threading.Lock()

    def nearest(self, store: ChromaVectors, vec: np.ndarray, n: int, where: dict | None) -> tuple[int, ...]:
        """Positions of Chroma's n nearest chunks to ``vec``; the same vector is asked once per index version."""
        key = (hashlib.blake2b(vec.tobytes(), digest_size=16).digest(), n,
               json.dumps(where, sort_keys=True) if where else None)
        with self._lock:
            hits = self._nearest.get(key)
            if hits is not None:
                self._nearest.move_to_end(key)
                return hits
        hits = tuple(self.pos[cid] for cid, _ in store.query(vec, n, where) if cid in self.pos)
        with self._lock:
            self._nearest[key] = hits
            while len(self._nearest) > NEAREST_CACHE:
                self._nearest.popitem(last=False)
        return hits

    def window_means(self, sims: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Mean similarity over the windows of ``rows`` (float32, summed in window order like ``ndarray.mean``)."""
        vals = np.where(self._win_pad[rows], np.float32(0), sims[self._win_idx[rows]])
        return np.add.reduce(vals, axis=1) / self._win_len[rows]

    def window_text(self, i: int) -> str:
        text = self._texts.get(i)
        if text is None:
            text = self._texts[i] = join_overlapping([self.chunks[j].text for j in self.window[i]])
        return text

    def shingles(self, i: int) -> frozenset[int]:
        found = self._shingles.get(i)
        if found is None:
            found = self._shingles[i] = shingles(self.chunks[i].text)
        return found

    @staticmethod
    def _same_section(a: Chunk, b: Chunk) -> bool:
        return a.doc.doc_id == b.doc.doc_id and a.heading_path == b.heading_path

    def mask(self, collections, audiences, languages) -> np.ndarray | None:
        if not (collections or audiences or languages):
            return None
        m = np.ones(len(self.chunks), dtype=bool)
        if collections:
            m &= np.isin(self.collection, list(collections))
        if languages:
            m &= np.isin(self.language, list(languages))
        if audiences:
            want = set(audiences) | {"all"}
            m &= np.array([bool(a & want) for a in self.audience])
        return m


class HybridRetriever:
    def __init__(self, index: Index, config: RetrievalConfig | None = None, analyser: QueryAnalyser | None = None):
        self.index = index
        self.config = config or RetrievalConfig(candidates=index.settings.candidates)
        self.analyser = analyser or QueryAnalyser.default()
        self._snap: _Snapshot | None = None
        self._lock = threading.Lock()
        self._checked = 0.0

    def snapshot(self) -> _Snapshot:
        now = time.monotonic()
        with self._lock:
            if self._snap is None or now - self._checked > 2.0:
                self._checked = now
                if self._snap is None or self.index.catalog.version() != self._snap.version:
                    try:
                        self._snap = _Snapshot(self.index, self.config.neighbours)
                    except VectorStoreUnavailable:
                        if self._snap is None:  # nothing to answer from: the engine hands the question over
                            raise
                        # The previous snapshot is whole and consistent: keep answering from it, retry later.
                        log.warning("index reload failed: vector store unavailable; serving version %d",
                                    self._snap.version)
            return self._snap

    def search(self, question: str, k: int = 10, collections=None, audiences=None, languages=None) -> SearchResult:
        cfg = self.config
        t0 = time.perf_counter()
        snap = self.snapshot()
        if not snap.chunks:
            return SearchResult(question, [], 0.0)
        q = self.analyser.analyse(question)
        mask = snap.mask(collections, audiences, languages)
        n = min(cfg.candidates, len(snap.chunks))

        lex = snap.lexical.scores(q.lexical_text)
        if q.expansion_text:
            lex = lex + cfg.expansion_weight * snap.lexical.scores(q.expansion_text)
        if mask is not None:
            lex = np.where(mask, lex, 0.0)
        t1 = time.perf_counter()

        dense = self._dense(snap, q.dense_texts, n, where_filter(collections, audiences, languages))
        t2 = time.perf_counter()

        fused = self._fuse(lex, dense, n)
        order = self._select(snap, sorted(fused, key=fused.get, reverse=True), k)
        lex_max = float(lex.max()) if lex.size and lex.max() > 0 else 1.0
        passages = [self._passage(snap, i, fused[i], float(lex[i]) / lex_max, dense.get(i, 0.0)) for i in order]
        conf = self._confidence(passages)
        t3 = time.perf_counter()
        timings = {"lexical": (t1 - t0) * 1e3, "dense": (t2 - t1) * 1e3, "fuse": (t3 - t2) * 1e3, "total": (t3 - t0) * 1e3}
        return SearchResult(question, passages, conf, timings)

    def _dense(self, snap: _Snapshot, texts: list[str], n: int, where) -> dict[int, float]:
        """Candidates from Chroma for the mean query vector, scored by own and window similarity."""
        vecs = [self.index.embeddings.embed_query_np(t) for t in texts]
        vec = np.mean(vecs, axis=0) if len(vecs) > 1 else vecs[0]
        hits = snap.nearest(self.index.vectors, vec, n, where)
        if not hits:
            return {}
        sims = snap.vectors @ vec
        rows = np.fromiter(hits, dtype=np.intp, count=len(hits))
        window = snap.window_means(sims, rows)
        w = self.config.smooth
        return {i: (1 - w) * float(sims[i]) + w * float(m) for i, m in zip(hits, window)}

    def _fuse(self, lex: np.ndarray, dense: dict[int, float], n: int) -> dict[int, float]:
        cfg = self.config
        lex_top = [int(i) for i in np.argsort(-lex)[:n] if lex[i] > 0]
        dense_top = sorted(dense, key=dense.get, reverse=True)
        if cfg.fusion == Fusion.RRF:
            out: dict[int, float] = {}
            for ranking in (lex_top, dense_top):
                for rank, i in enumerate(ranking, 1):
                    out[i] = out.get(i, 0.0) + 1.0 / (cfg.rrf_k + rank)
            return out
        # weighted: min-max normalise each list over its candidates, missing = 0
        lmax = max((lex[i] for i in lex_top), default=0.0) or 1.0
        dvals = list(dense.values())
        dmin, dmax = (min(dvals), max(dvals)) if dvals else (0.0, 1.0)
        span = (dmax - dmin) or 1.0
        w = cfg.lexical_weight
        return {
            i: w * float(lex[i]) / lmax + (1 - w) * ((dense[i] - dmin) / span if i in dense else 0.0)
            for i in set(lex_top) | set(dense)
        }

    def _select(self, snap: _Snapshot, ranked: list[int], k: int) -> list[int]:
        if not self.config.dedup:
            return ranked[:k]
        chosen: list[int] = []
        covered: set[int] = set()
        for i in ranked:
            if i in covered:
                continue
            # the same passage in a near-identical document (or repeated in this one) is returned once
            if any(near_identical(snap.shingles(i), snap.shingles(j)) for j in chosen):
                covered.update(snap.window[i])
                continue
            chosen.append(i)
            covered.update(snap.window[i])
            if len(chosen) == k:
                break
        return chosen

    def _passage(self, snap: _Snapshot, i: int, score: float, lexical: float, dense: float) -> Passage:
        c = snap.chunks[i]
        text = snap.window_text(i)
        d = c.doc
        return Passage(
            chunk_id=c.chunk_id, doc_id=d.doc_id, title=d.title, collection=d.collection, source=d.source,
            url=d.url, published=d.published, language=d.language, heading_path=c.heading_path, page=c.page,
            text=text, score=score, lexical=lexical, dense=dense, core_text=c.text, sample=d.sample,
        )

    def _confidence(self, passages: list[Passage]) -> float:
        """Dense similarity of the best passages, mapped to 0..1 between floor and ceiling."""
        if not passages:
            return 0.0
        cfg = self.config
        best = max(p.dense for p in passages[:3])
        return float(np.clip((best - cfg.dense_floor) / (cfg.dense_ceiling - cfg.dense_floor), 0.0, 1.0))
