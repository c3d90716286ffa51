"""Pages go out gzipped (at nginx's level 1, with Django's random-length name against BREACH); the API does not."""

import gzip
import os

import pytest
from django.http import HttpResponse

from config.middleware import PAGE_GZIP_LEVEL, PageGZipMiddleware, gzip_with_random_name

pytestmark = pytest.mark.django_db


def test_a_page_decompresses_to_the_page_the_client_would_get_uncompressed(learner_client):
    plain = learner_client.get("/dashboard/")
    packed = learner_client.get("/dashboard/", HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert packed["Vary"].count("Accept-Encoding") == 1
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    # Only the CSRF token differs between two renderings: it is masked anew on every response.
    assert len(gzip.decompress(packed.content)) == len(plain.content)


def test_a_page_is_compressed_at_the_fast_level_and_carries_a_random_length_name():
    page = b"<p>The dashboard's charts repeat themselves a lot.</p>" * 400
    packed = [gzip_with_random_name(page, max_random_bytes=100) for _ in range(40)]

    assert all(gzip.decompress(body) == page for body in packed)
    assert PAGE_GZIP_LEVEL == 1
    name_lengths = {body.index(b"\x00", 10) - 10 for body in packed}
    assert min(name_lengths) >= 1 and max(name_lengths) <= 100
    assert len(name_lengths) > 5  # the size of a response varies from one to the next
    deflated = gzip.compress(page, compresslevel=1, mtime=0)[10:]
    assert all(body.endswith(deflated) for body in packed)


def test_a_response_that_would_not_shrink_or_is_already_encoded_goes_out_as_it_is(rf):
    request = rf.get("/", HTTP_ACCEPT_ENCODING="gzip")
    noise = HttpResponse(os.urandom(512))  # random bytes: gzip cannot shrink them
    encoded = HttpResponse(b"x" * 500, headers={"Content-Encoding": "br"})
    middleware = PageGZipMiddleware(lambda request: noise)

    assert "Content-Encoding" not in middleware.process_response(request, noise)
    assert middleware.process_response(request, encoded)["Content-Encoding"] == "br"


def test_a_strong_etag_becomes_weak_once_the_body_is_compressed(rf):
    response = HttpResponse(b"a page " * 100, headers={"ETag": '"v1"'})
    middleware = PageGZipMiddleware(lambda request: response)

    compressed = middleware.process_response(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"), response)

    assert compressed["ETag"] == 'W/"v1"'


def test_a_streamed_download_is_still_compressed_as_it_streams(learner_client):
    plain = learner_client.get("/accounts/data/attempts.csv")
    packed = learner_client.get("/accounts/data/attempts.csv", HTTP_ACCEPT_ENCODING="gzip")

    assert packed["Content-Encoding"] == "gzip"
    assert "Content-Length" not in packed
    assert gzip.decompress(b"".join(packed.streaming_content)) == b"".join(plain.streaming_content)
