"""Content: what readers of an on-premises version see makes sense on their server.

Azure DevOps Services (the cloud) has things the servers never had: organizations reached at
dev.azure.com, sign-in at visualstudio.microsoft.com, Microsoft-hosted agents, billing and
Stakeholder access "for billing". A page built for TFS or Azure DevOps Server that tells its
reader to use one of them sends that reader nowhere: such a step needs an on-premises
alternative or a narrower `applies_to` (or a moniker zone). The rule reads the shipped
catalogue's own versions, so it holds for whatever topics it has.
"""

from __future__ import annotations

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.catalogue.validate import project_products
from generator.core.project import Project
from tests.conftest import ROOT

CLOUD = "azure-devops"  # the moniker of Azure DevOps Services in products.yml
CLOUD_ONLY = (
    "dev.azure.com",
    "visualstudio.microsoft.com",
    "Microsoft-hosted",
    "Organization settings",
    "for billing",
)
# Pages that quote every version's messages or entries by design.
GENERATED = ("lookup", "troubleshooter", "search")


def cloud_only_phrases(page: str) -> list[str]:
    """The cloud-only phrases in a built page's article (its own text, not navigation)."""
    article = HTMLParser(page).css_first("article")
    text = article.text(separator=" ") if article is not None else ""
    return [phrase for phrase in CLOUD_ONLY if phrase.lower() in text.lower()]


def on_premises() -> list[str]:
    """The versions of the product whose latest version is the cloud service."""
    products = project_products(Project(ROOT))
    assert products is not None
    for product in products.products:
        names = [m.name for m in product.monikers]
        if CLOUD in names:
            return [name for name in names if name != CLOUD]
    return []


def test_the_rule_sees_a_cloud_only_step() -> None:
    page = ("<html><body><nav>dev.azure.com</nav><article><h1>Fix</h1><ol><li>Open "
            "<strong>Organization settings</strong> at https://dev.azure.com/x</li></ol>"
            "</article></body></html>")
    assert cloud_only_phrases(page) == ["dev.azure.com", "Organization settings"]
    assert cloud_only_phrases("<article><p>Open the server's Administration page.</p>"
                              "</article>") == []


def test_on_premises_pages_use_no_cloud_only_step(shipped_site: Path) -> None:
    versions = on_premises()
    problems = []
    for version in versions:
        for page in sorted((shipped_site / version).rglob("index.html")):
            rel = page.relative_to(shipped_site / version)
            if rel.parts and rel.parts[0] in GENERATED:
                continue
            for phrase in cloud_only_phrases(page.read_text(encoding="utf-8")):
                problems.append(f"{version}/{rel.parent.as_posix()}: '{phrase}'")
    assert problems == [], (
        "steps that only work on Azure DevOps Services, on an on-premises version's page "
        "(give them an on-premises alternative or narrow applies_to):\n" + "\n".join(problems))
