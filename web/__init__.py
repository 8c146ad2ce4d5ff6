"""The web: officer workspace, association portal and JSON API (starlette and jinja2)."""
