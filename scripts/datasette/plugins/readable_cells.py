"""make serve: cells as a reader expects them. A whole number held in a decimal column shows as
35, not 35.0; a boolean column shows true/false, not 1/0; and a foreign key is a link labelled
as the row it points to, on row pages too (a source by its title, a party by its abbreviation), as
table pages already show it. Which columns are booleans comes from the Table Schemas, through this
plugin's configuration in the metadata scripts/serve.py writes."""

from __future__ import annotations

from datasette.hookspecs import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape


@hookimpl
def render_cell(value, column, table, database, datasette):
    if isinstance(value, dict):  # a table page's foreign key, which Datasette has labelled and links itself
        return None
    config = datasette.plugin_config("readable-cells", database=database) or {}
    if table and column in config.get("booleans", {}).get(table, ()) and value in (0, 1):
        return "true" if value == 1 else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if table and value is not None:
        # Datasette 0.65 links foreign keys on table pages but not on row pages; this renders them
        # as its table pages do (label, then the key), on both
        return linked(value, column, table, database, datasette)
    return None


# the database is immutable (make serve runs Datasette --immutable): foreign keys and labels are
# read once; without this, every cell of a page would ask SQLite for its table's foreign keys
FOREIGN_KEYS: dict[tuple[str, str], dict[str, dict]] = {}
LABELS: dict[tuple[str, str, object], object] = {}


def linked(value, column, table, database, datasette):
    """A foreign key as a link to the row it names, with that row's label (None for other columns)."""
    keys = FOREIGN_KEYS.get((database, table))
    if keys is not None and column not in keys:
        return None

    async def render():
        db = datasette.get_database(database)
        if (database, table) not in FOREIGN_KEYS:
            FOREIGN_KEYS[(database, table)] = {fk["column"]: fk for fk in await db.foreign_keys_for_table(table)}
        key = FOREIGN_KEYS[(database, table)].get(column)
        if key is None:
            return None
        other, other_column = key["other_table"], key["other_column"]
        if (database, other, value) not in LABELS:
            label = value
            label_column = await db.label_column_for_table(other)
            if label_column:
                row = (await db.execute(f"select [{label_column}] from [{other}] where [{other_column}] = ?", [value])).first()
                if row is not None and row[0] is not None:
                    label = row[0]
            LABELS[(database, other, value)] = label
        url = datasette.urls.row(database, other, tilde_encode(str(value)))
        return Markup(f'<a href="{escape(url)}">{escape(LABELS[(database, other, value)])}</a>&nbsp;<em>{escape(value)}</em>')

    return render
