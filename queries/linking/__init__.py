"""Linking across levels: plans aligned with higher plans, outside graphs mapped and imported.

Reads the graph through SPARQL only (like the rest of ``queries``) and returns new triples; the
caller (``policykg link``) decides where they are written. Modules by topic: :mod:`.similarity`
(Chinese text similarity in plain Python), :mod:`.align` (domains, tasks, deployment waits),
:mod:`.sssom` (mapping files), :mod:`.endpoint` (remote SPARQL with cache and back-off),
:mod:`.imports` (outside ontologies and graphs), :mod:`.places` (Wikidata identifiers).
"""
