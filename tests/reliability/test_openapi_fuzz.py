"""Fuzzing the API from its OpenAPI description (schemathesis): no input makes it fail.

Every operation gets generated requests (bounded: POLICYKG_FUZZ_EXAMPLES per operation, 5 in
`make test`; the release run uses 200:
``POLICYKG_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest -q tests/reliability/test_openapi_fuzz.py``).
Checks: no 5xx, responses match their declared schema and content type, every status documented.
Generation is derandomized, so a run is repeatable.
The app runs in-process over ASGI on the bundled plan's graph, lifespan included.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

EXAMPLES = int(os.environ.get("POLICYKG_FUZZ_EXAMPLES", "5"))


@pytest.fixture(scope="module")
def fuzz_graph(tmp_path_factory):
    out = tmp_path_factory.mktemp("fuzz") / "kg.ttl"
    subprocess.run([sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())",
                    "build", "--out", str(out), "--quiet"], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def api_schema(fuzz_graph):
    from api.settings import Settings
    from api.web.app import create_app

    app = create_app(Settings(graph_paths=(fuzz_graph,), query_timeout=3.0))
    with TestClient(app):  # runs the lifespan: graph loaded, SPARQL workers started, until the module ends
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations() -> list[tuple[str, str]]:
    """(path, method) of every documented operation: the OpenAPI description needs no graph."""
    from api.settings import Settings
    from api.web.app import create_app

    spec = create_app(Settings()).openapi()
    return [(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
            if method in {"get", "post", "put", "patch", "delete"}]


def _cases():
    for path, method in _operations():
        yield pytest.param(path, method, id=f"{method} {path}")


@pytest.mark.parametrize(("path", "method"), _cases())
def test_every_operation_survives_generated_requests(api_schema, path, method):
    """Any request: never a 5xx, a body of the declared type and shape, and only documented statuses."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported as is
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(case=api_schema[path][method].as_strategy())
    def check(case) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance, content_type_conformance,
                                       status_code_conformance])

    check()
