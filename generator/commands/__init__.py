"""Commands: one module per `kb` verb.

Each module defines `register(subparsers)`, which adds its parser and sets `handler`
(a function `(args, project) -> exit status`); `ORDER` places it in `kb --help`.
`cli` finds the modules of this package by itself, so a new verb is a new file. The top
layer: may import every other (`core`, `markdown`, `catalogue`, `site`, `features`,
`authoring`), and imports them inside `run`, so that `kb` starts fast.
"""
