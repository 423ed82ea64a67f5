"""Site: from the model to `site/`: render each version, run the engine, publish, serve;
features plug in through `site.feature`. May import `core`, `markdown`, `catalogue`.
"""
