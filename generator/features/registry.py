"""Registry: the features of the knowledge base, in navigation order.

Input: nothing; output: `FEATURES`, which the layers above hand to the site layer's
build, serve and checks. Features never import this module.
"""

from __future__ import annotations

from ..site.feature import Feature
from .active import check_pages as check_active_pages
from .active import check_settings
from .active import check_topic as check_active_topic
from .anchors import check_published
from .lookup.checks import check_lookup
from .lookup.site import contribute as lookup_page
from .redirects import check_redirects
from .redirects import contribute as redirect_pages
from .search.site import contribute as search_assets
from .search.site import finish_version as search_index
from .tree.check import check_tree
from .tree.export import assemble as decision_tree
from .tree.export import topic_piece as decision_tree_piece

FEATURES: tuple[Feature, ...] = (
    Feature("lookup", contribute_kept=lookup_page, check_catalogue=check_lookup),
    Feature("decision tree", contribute_topic=decision_tree_piece, assemble=decision_tree,
            check_topic=check_tree),
    Feature("search", contribute=search_assets, finish_version=search_index),
    Feature("anchors", check_rendered=check_published),
    Feature("redirects", contribute=redirect_pages, check_project=check_redirects),
    Feature("active content", check_topic=check_active_topic,
            check_catalogue=check_active_pages, check_rendered=check_settings),
)
