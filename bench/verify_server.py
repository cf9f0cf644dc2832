"""A local server that answers as Crossref, OpenAlex and PubMed do, for the verify benchmark.

Every DOI 10.5555/bench.N names a work: Crossref's record of it (title "Trial number N of
zinc", first author AuthorN, 2020), OpenAlex's (with PMID 90000000+N) and PubMed's. Each
answer comes `latency` seconds late, as over a real network.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

WORK = re.compile(r"10\.5555/bench\.(\d+)")


def crossref(number: int) -> dict:
    return {
        "status": "ok",
        "message-type": "work",
        "message": {
            "DOI": f"10.5555/bench.{number}",
            "type": "journal-article",
            "title": [f"Trial number {number} of zinc"],
            "author": [{"family": f"Author{number}", "given": "Ann"}],
            "container-title": ["Journal of Tests"],
            "issued": {"date-parts": [[2020, 1, 1]]},
        },
    }


def openalex(number: int) -> dict:
    return {
        "id": f"https://openalex.org/W{number}",
        "doi": f"https://doi.org/10.5555/bench.{number}",
        "title": f"Trial number {number} of zinc",
        "publication_year": 2020,
        "type": "article",
        "is_retracted": False,
        "ids": {"pmid": f"https://pubmed.ncbi.nlm.nih.gov/{90000000 + number}"},
        "authorships": [{"author": {"display_name": f"Ann Author{number}"}}],
        "primary_location": {"source": {"display_name": "Journal of Tests"}},
    }


def pubmed_article(pmid: str) -> str:
    number = int(pmid) - 90000000
    return (
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><Journal><Title>"
        "Journal of Tests</Title><JournalIssue><PubDate><Year>2020</Year></PubDate>"
        f"</JournalIssue></Journal><ArticleTitle>Trial number {number} of zinc</ArticleTitle>"
        f"<AuthorList><Author><LastName>Author{number}</LastName><ForeName>Ann</ForeName>"
        "</Author></AuthorList><PublicationTypeList><PublicationType>Randomized Controlled "
        "Trial</PublicationType></PublicationTypeList></Article></MedlineCitation>"
        '<PubmedData><ArticleIdList><ArticleId IdType="doi">'
        f"10.5555/bench.{number}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>"
    )


class Handler(BaseHTTPRequestHandler):
    latency = 0.0

    def do_GET(self) -> None:
        time.sleep(self.latency)
        url = urlsplit(self.path)
        path, query = unquote(url.path), parse_qs(url.query)
        found = WORK.search(path)
        if path.startswith("/crossref/works/") and found:
            self.send(json.dumps(crossref(int(found.group(1)))), "application/json")
        elif path.startswith("/openalex/works/") and found:
            self.send(json.dumps(openalex(int(found.group(1)))), "application/json")
        elif path.endswith("esummary.fcgi"):
            ids = query.get("id", [""])[0].split(",")
            result = {"uids": ids, **{p: {"uid": p} for p in ids}}
            self.send(json.dumps({"result": result}), "application/json")
        elif path.endswith("efetch.fcgi"):
            ids = query.get("id", [""])[0].split(",")
            body = "".join(pubmed_article(p) for p in ids)
            self.send(f"<PubmedArticleSet>{body}</PubmedArticleSet>", "text/xml")
        else:
            self.send("Resource not found.", "text/plain", 404)

    def send(self, body: str, kind: str, status: int = 200) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:  # quiet
        pass


@contextmanager
def serve(latency: float = 0.05) -> Iterator[str]:
    """Run the server on a free port for the duration; yield its base URL."""
    handler = type("Late", (Handler,), {"latency": latency})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
