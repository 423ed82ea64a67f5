"""Search: the site's own search box (error lookup first, then Pagefind's full text) and
the pages that explain version switching."""
