"""Links: every link and anchor of the knowledge base resolves, in every version.

Input: Markdown sources (before a build) and the built HTML of `site/` (after one);
output: diagnostics. `html` parses pages, `site` checks a built site, `external`
fetches external links on request, `markdown` reads links and anchors from Markdown,
`sources` checks the sources and maps built pages back to them.
"""
