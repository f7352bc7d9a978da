"""The SPARQL 1.1 endpoint: router, worker pool, worker, result formats and the query guard."""
