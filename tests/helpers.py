"""Test helpers shared by several modules: products shaped like the shipped knowledge base."""

from __future__ import annotations

from generator.core.versions import Moniker, Product, Products

SHIPPED_MONIKERS = (
    ("tfs-2013", "TFS 2013"),
    ("tfs-2015", "TFS 2015"),
    ("tfs-2017", "TFS 2017"),
    ("tfs-2018", "TFS 2018"),
    ("azure-devops-2019", "Azure DevOps Server 2019"),
    ("azure-devops-2020", "Azure DevOps Server 2020"),
    ("azure-devops-2022", "Azure DevOps Server 2022"),
    ("azure-devops", "Azure DevOps Services"),
)


def shipped_like_products() -> Products:
    """One product `azure-devops`, tfs-2013 < … < azure-devops, default azure-devops, `latest`."""
    monikers = tuple(
        Moniker(name, title, "azure-devops", index)
        for index, (name, title) in enumerate(SHIPPED_MONIKERS)
    )
    return Products(
        (Product("azure-devops", "Azure DevOps", monikers),),
        default="azure-devops",
        aliases=(("latest", "azure-devops"),),
    )


# The "paste your error" page has answered: its status says something other than
# "Looking…", which it shows while its worker matches the text. (A function, not an
# expression: Playwright polls an expression with eval, which the page's policy forbids.)
LOOKUP_DONE = ("() => (s => s.length > 0 && !s.startsWith('Looking'))("
               "document.getElementById('kb-lookup-status').textContent)")
