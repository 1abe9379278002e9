package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// IndexIDs gives every collection's table an index on the expression
// FerretDB looks documents up by (`_ferretdb_sjson->'$._id'`).
//
// FerretDB v1.24 on SQLite pushes a filter on `_id` alone down to SQL as
// `WHERE _ferretdb_sjson->'$._id' = ?`, but builds its own `_id_` index on
// the differently written `_ferretdb_sjson->"_id"`, which SQLite does not
// take for the same expression: every FindOne, UpdateOne, ReplaceOne and
// DeleteOne by `_id` scanned the whole table (measured on 10,000 elders:
// an update by `_id` 90–180 ms, 0.5–0.9 ms with this index; it is what made
// confirming a county's pairs time out at the full scale, issue 16).
// The index is SQLite's own, beside FerretDB's tables: FerretDB does not
// list it and drops it with the table. Existing indexes are left alone,
// so running it again is cheap; StartMongo runs it every few seconds for
// collections made later, and callers run it once after creating theirs.
func (m *Mongo) IndexIDs(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(m.dir, "*.sqlite"))
	if err != nil {
		return fmt.Errorf("embedded.IndexIDs: %w", err)
	}
	for _, f := range files {
		if err := indexIDs(ctx, f); err != nil {
			return fmt.Errorf("embedded.IndexIDs: %s: %w", filepath.Base(f), err)
		}
	}
	return nil
}

func indexIDs(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '_jinhui_id')`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_jinhui_id", t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
