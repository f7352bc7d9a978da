"""The browser assets npm builds from ``frontend/`` into ``api/web/static/vendor/``: where they are and
whether they are there.

``make frontend`` (a prerequisite of ``make run`` and ``make test``) runs ``npm ci`` and the bundle
step; the server never fetches anything at run time. A server started without them still answers
everything else, and the pages that need them say so in one line instead of showing a blank page.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
VENDOR_URL = "/static/vendor"
MANIFEST = VENDOR_DIR / "manifest.json"
BUILD_HINT = "run `make frontend` (npm ci and the bundle step in frontend/)"


def missing_assets(*files: str, vendor_dir: Path | None = None) -> str | None:
    """Return one line saying which built asset is missing and how to build it, or None.

    Args:
        files: paths under ``vendor_dir`` the caller needs; none checks only the manifest.
        vendor_dir: where the build writes; default :data:`VENDOR_DIR`.

    Example:
        >>> missing_assets("query.js", vendor_dir=Path("/nonexistent"))
        'the browser assets were not built (/nonexistent/manifest.json is missing): run `make frontend` (npm ci and the bundle step in frontend/)'
    """
    for name in ("manifest.json", *files):
        path = (vendor_dir or VENDOR_DIR) / name
        if not path.is_file():
            return f"the browser assets were not built ({path} is missing): {BUILD_HINT}"
    return None


@lru_cache(maxsize=1)
def asset_versions() -> dict[str, str]:
    """Return npm package → version the assets were built from (empty when not built)."""
    try:
        return dict(json.loads(MANIFEST.read_text(encoding="utf-8")).get("packages", {}))
    except (OSError, ValueError):
        return {}
