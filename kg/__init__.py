"""policykg core: ontology namespace, IRIs, graphs, the store and errors. Imports nothing from the
other packages, so everything else can depend on it."""
