"""Network analysis of implementation plans: who carries the load, who must work with whom, where
deadlines pile up, what waits on what, and whose delay spreads.

Data flows one way: the knowledge graph → saved ``analysis_*`` SPARQL queries (:mod:`.fetch`) →
the task–organisation graph (:mod:`.graphs`) → pure NetworkX functions, one topic per module:
:mod:`.workload`, :mod:`.deadlines`, :mod:`.dependencies`, :mod:`.network`, :mod:`.impact`,
:mod:`.bottlenecks`; :mod:`.export` writes the collaboration graph for Gephi and friends,
:mod:`.writeback` turns results into RDF, and :mod:`.reports` gives the CLI and the API the same
JSON-ready answers. No function modifies the graphs it is given.
"""

# The analyses' defaults, read by the CLI and the routes alike (and cheap to import: the command line
# reads them for its help): a deadline this many days after issue is flagged as early; this many tasks
# due in one month make an organisation busy; a task is yellow when its next deadline is this near.
EARLY_DAYS, BUSY_TASKS, YELLOW_DAYS = 45, 5, 30
