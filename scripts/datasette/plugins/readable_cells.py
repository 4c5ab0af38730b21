"""make serve: cells as a reader expects them. A whole number held in a decimal column shows as
35, not 35.0; a boolean column shows true/false, not 1/0. Which columns are booleans comes from
the Table Schemas, through this plugin's configuration in the metadata scripts/serve.py writes."""

from __future__ import annotations

from datasette.hookspecs import hookimpl


@hookimpl
def render_cell(value, column, table, database, datasette):
    config = datasette.plugin_config("readable-cells", database=database) or {}
    if table and column in config.get("booleans", {}).get(table, ()) and value in (0, 1):
        return "true" if value == 1 else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None
