"""Stored full-text vectors for the site search, kept by PostgreSQL itself.

A table's `search_vector` column holds the weighted vector the search would otherwise compute
for every row on every search (meetings.search): a trigger recomputes it whenever a row is
written, however it is written (a save, a bulk insert, COPY, an upsert), and a GIN index
answers the match. Migrations call `install` with the table's columns and weights, which
must be those of the search's kind (a test compares the stored vectors with the computed
ones). On other databases the column stays empty and the search computes as before.
"""


def vector_sql(parts, row=""):
    """`setweight(to_tsvector('english', …), 'A') || …` for [(column or SQL, weight)]; `row`
    prefixes the columns (`NEW.` in a trigger), and SQL names them as `{row}column`."""

    def term(expression):
        return f"{row}{expression}" if expression.isidentifier() else expression.format(row=row)

    return " || ".join(
        f"setweight(to_tsvector('english'::regconfig, COALESCE({term(expression)}, '')), '{weight}')"
        for expression, weight in parts
    )


def install(schema_editor, table, parts):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {table}_search() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN NEW.search_vector := {vector_sql(parts, row='NEW.')}; RETURN NEW; END $$"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {table}_search BEFORE INSERT OR UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_search()"
    )
    # Table and column names are the migrations' own constants, never input.
    schema_editor.execute(f"UPDATE {table} SET search_vector = {vector_sql(parts)}")  # noqa: S608
    # The site search's match on this table (meetings.search, `search_vector @@ query`).
    schema_editor.execute(f"CREATE INDEX {table}_search_idx ON {table} USING gin (search_vector)")
    # Statistics for the new column, so the planner knows how many rows a word matches.
    schema_editor.execute(f"ANALYZE {table}")


def remove(schema_editor, table):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_idx")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search()")
