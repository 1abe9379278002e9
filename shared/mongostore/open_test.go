package mongostore_test

import (
	"context"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

// TestScaledOpen: a scaled role's store asks for majority writes
// (journaled) and majority reads whatever the URI says, and builds no
// index at start (the migrate role does; CheckIndexes names them).
func TestScaledOpen(t *testing.T) {
	m, err := embedded.StartMongo(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	var mu sync.Mutex
	cmds := map[string]bson.Raw{}
	mon := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		mu.Lock()
		defer mu.Unlock()
		cmds[e.CommandName] = e.Command
	}}
	ctx := context.Background()
	s, err := mongostore.OpenWith(ctx, m.URI+"?w=1", "scaled", false, func(o *options.ClientOptions) { o.SetMonitor(mon) })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	mu.Lock()
	_, built := cmds["createIndexes"]
	mu.Unlock()
	if built {
		t.Fatal("a scaled role built indexes at start")
	}
	if missing, err := s.CheckIndexes(ctx); err != nil || len(missing) == 0 {
		t.Fatalf("CheckIndexes before migrate: %v %v", missing, err)
	}
	if _, err := s.DB.Collection("probe").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Collection("probe").FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Err(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	insert, find := cmds["insert"], cmds["find"]
	mu.Unlock()
	if w := insert.Lookup("writeConcern", "w").StringValue(); w != "majority" {
		t.Errorf("insert writeConcern w = %q, want majority (the URI said w=1)", w)
	}
	if j, ok := insert.Lookup("writeConcern", "j").BooleanOK(); !ok || !j {
		t.Errorf("insert is not journaled: %v", insert.Lookup("writeConcern"))
	}
	if lvl := find.Lookup("readConcern", "level").StringValue(); lvl != "majority" {
		t.Errorf("find readConcern = %q, want majority", lvl)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if missing, err := s.CheckIndexes(ctx); err != nil || len(missing) != 0 {
		t.Fatalf("after EnsureIndexes: %v %v", missing, err)
	}
}

// TestEnsureIndexesOnce: an embedded store's first open builds every
// declared index; opening the same database again creates none (each is
// found by its keys and uniqueness) and CheckIndexes finds none missing.
func TestEnsureIndexesOnce(t *testing.T) {
	m, err := embedded.StartMongo(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	var mu sync.Mutex
	creates := 0
	mon := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "createIndexes" {
			mu.Lock()
			creates++
			mu.Unlock()
		}
	}}
	ctx := context.Background()
	for i, want := range []string{"every index", "none"} {
		mu.Lock()
		creates = 0
		mu.Unlock()
		s, err := mongostore.OpenWith(ctx, m.URI, "once", true, func(o *options.ClientOptions) { o.SetMonitor(mon) })
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		n := creates
		mu.Unlock()
		if i == 0 && n == 0 || i == 1 && n != 0 {
			t.Errorf("open %d created %d indexes, want %s", i+1, n, want)
		}
		if missing, err := s.CheckIndexes(ctx); err != nil || len(missing) != 0 {
			t.Errorf("open %d: missing %v %v", i+1, missing, err)
		}
		_ = s.Close(ctx)
	}
}
