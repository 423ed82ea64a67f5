"""The theme overrides print every setting and version title escaped: a version titled
with markup shows the markup as text, in titles, the banner, the header and the 404 page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers_cli import fixture_repo, kb

pytestmark = pytest.mark.e2e
MARKUP = ("<i>1</i>", '<b>3</b> "q" &amp;')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = fixture_repo(tmp_path_factory.mktemp("templates"))
    shutil.copytree(ROOT / "overrides", repo / "overrides")
    settings = repo / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("theme:\n",
                                                     "theme:\n  custom_dir: overrides\n"))
    products = repo / "catalogue" / "products.yml"
    text = products.read_text()
    text = text.replace("title: Demo 1", 'title: "Demo <i>1</i>"')
    text = text.replace("title: Demo 3", 'title: "Demo <b>3</b> \\"q\\" &amp;"')
    products.write_text(text)
    run = kb("build", cwd=repo)
    assert run.code == 0, run.stderr
    return repo / "site"


def test_version_titles_are_text_everywhere(built: Path) -> None:
    """What the templates print: the head, the header, the banner (page bodies come from
    the generator's Markdown)."""
    pages = sorted(built.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        printed = "".join(re.findall(r"<head>.*?</head>|<header.*?</header>|"
                                     r'<aside class="md-banner.*?</aside>', html, re.S))
        for markup in MARKUP:
            at = printed.find(markup)
            assert at < 0, (page, printed[max(0, at - 200):at + 60])


def test_title_banner_badge_and_404_show_the_escaped_title(built: Path) -> None:
    home = (built / "demo-1" / "index.html").read_text(encoding="utf-8")
    assert "<title>Demo knowledge base (Demo &lt;i&gt;1&lt;/i&gt;)</title>" in home
    assert "for <strong>Demo &lt;i&gt;1&lt;/i&gt;</strong>" in home
    assert "Read this for Demo &lt;b&gt;3&lt;/b&gt; &#34;q&#34; &amp;amp;" in home
    assert re.search(r'class="kb-version-badge"[^>]*>Demo &lt;i&gt;1&lt;/i&gt;<', home)
    missing = (built / "demo-1" / "404.html").read_text(encoding="utf-8")
    assert "<strong>Demo &lt;i&gt;1&lt;/i&gt;</strong>" in missing


def test_no_inline_event_handlers_in_the_overrides() -> None:
    for template in (ROOT / "overrides").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
