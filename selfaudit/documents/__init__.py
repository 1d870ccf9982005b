"""Compliance documents: the dual list, the permission list and the privacy-policy skeleton.

Every document is rendered from one model (:mod:`selfaudit.documents.rows`): the detected
inventory merged with the team's declarations, one row per PI type, third party and permission,
each with its status (declared, detected but undeclared, declared but not observed) and every
missing value a visible ``TODO``. The modules, each with one job:

- ``rows``: build that model (also what ``--check`` compares and ``rows.<lang>.json`` holds);
- ``templates``: the jinja2 environment (team directory → packaged → checkout fallback);
- ``htmltree`` / ``markdown`` / ``docx``: the HTML each template renders is the single source
  of prose; Markdown and DOCX are converted from it, so a legal text exists once per language;
- ``render``: render the documents of one language;
- ``output``: write a documents directory, detect hand edits, and check it is current;
- ``declfile``: write ``privacy.toml`` from a scan and add new items to an edited one.

Nothing here is imported by the audit itself; the ``init`` and ``docs`` commands load it.
"""
