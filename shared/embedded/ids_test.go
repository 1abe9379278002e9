package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestLookupsByIDUseAnIndex checks that a document found or updated by
// its _id is looked up through an index, not by reading the whole table
// (issue 16): the plan SQLite makes for the statement FerretDB sends for
// `{_id: …}` scans before IndexIDs and searches an index after it, and
// reads and updates by _id still find the right document.
func TestLookupsByIDUseAnIndex(t *testing.T) {
	dir := t.TempDir()
	m, err := StartMongo(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := mongo.Connect(options.Client().ApplyURI(m.URI).SetMaxPoolSize(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Disconnect(context.Background()) })
	c := cl.Database("jinhui_test").Collection("elders")
	var docs []any
	for i := range 500 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("e%03d", i)}, {Key: "n", Value: i}})
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}

	// A connection of its own for each look: EXPLAIN does not notice a
	// schema changed by another connection since this one read it.
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "jinhui_test.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open()
	var table string
	if err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = 'elders'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	plan := func() string {
		db := open()
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"e250"`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	if p := plan(); !strings.Contains(p, "SCAN") {
		t.Fatalf("before IndexIDs the lookup by _id should scan (FerretDB's own index is not used); plan: %s", p)
	}
	if err := m.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.IndexIDs(ctx); err != nil { // a second run changes nothing
		t.Fatal(err)
	}
	if p := plan(); !strings.Contains(p, "USING INDEX "+table+"_jinhui_id") {
		t.Fatalf("lookup by _id does not use the index; plan: %s", p)
	}

	if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "e250"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: -1}}}}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		N int `bson:"n"`
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "e250"}}).Decode(&got); err != nil || got.N != -1 {
		t.Fatalf("read back by _id: %+v, %v", got, err)
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "e251"}}).Decode(&got); err != nil || got.N != 251 {
		t.Fatalf("neighbour read back by _id: %+v, %v", got, err)
	}
	if _, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: "e250"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := c.CountDocuments(ctx, bson.D{}); err != nil || n != 499 {
		t.Fatalf("after deleting one by _id: %d documents, %v", n, err)
	}
}
