"""The web face of policykg: the FastAPI app (create_app), its routers and the SPARQL endpoint."""
