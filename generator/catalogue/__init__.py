"""Catalogue: the frozen model of the knowledge base and how it is made (load, fields,
validate) and viewed per version (resolve). May import `core` and `markdown`.
"""
