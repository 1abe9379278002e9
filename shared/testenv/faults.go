package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

// Crash describes a multi-write operation for EveryWrite: the harness runs
// Op once to count its writes, then, for every write k, runs it again on
// fresh data and stops it right after write k (the store's context is
// cancelled, as if the process died there), "restarts" (a new store
// client on the same data: services built inside Op and Check are new),
// checks the invariants, repeats the operation and checks that it
// completed exactly once.
type Crash struct {
	// Setup fills a fresh database once (writes here are not counted);
	// each run starts from a copy of what it wrote.
	Setup func(t *testing.T, s *mongostore.Store)
	// Op is the operation under test, built on s (new services each time).
	Op func(ctx context.Context, s *mongostore.Store) error
	// Repeat is what a person or a retry does after the crash; nil: Op.
	Repeat func(ctx context.Context, s *mongostore.Store) error
	// AfterCrash holds right after the crash, before anything repairs it
	// (e.g. "no total counts more than a rebuild").
	AfterCrash func(t *testing.T, s *mongostore.Store)
	// Check holds once the operation ran to its end (after the repeat).
	Check func(t *testing.T, s *mongostore.Store)
	// Done holds once the repeat finished: the work is complete, once.
	Done func(t *testing.T, s *mongostore.Store)
	// MaxPoints bounds the crash points tried (0: 40); past it the points
	// are spread over the operation's writes.
	MaxPoints int
}

// Faults is an embedded FerretDB whose clients count write commands and
// can stop an operation after a given one.
type Faults struct {
	URI string

	mu     sync.Mutex
	writes int
	limit  int // stop after this many writes; 0: never
	cancel context.CancelFunc
}

var writeCommands = map[string]bool{"insert": true, "update": true, "delete": true, "findAndModify": true, "bulkWrite": true}

// NewFaults starts an embedded FerretDB for fault tests, stopped at the
// test's end.
func NewFaults(t testing.TB) *Faults {
	t.Helper()
	m, err := embedded.StartMongo(t.TempDir(), Logger())
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	t.Cleanup(m.Stop)
	return &Faults{URI: m.URI}
}

// Open opens a store on database db with the write counter attached; it is
// closed at the test's end (closing it twice is harmless).
func (f *Faults) Open(t testing.TB, db string) *mongostore.Store {
	t.Helper()
	mon := &event.CommandMonitor{Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
		if !writeCommands[e.CommandName] {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.writes++
		if f.limit > 0 && f.writes >= f.limit && f.cancel != nil {
			f.cancel()
		}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mongostore.OpenWith(ctx, f.URI, db, true, func(o *options.ClientOptions) { o.SetMonitor(mon) })
	if err != nil {
		t.Fatalf("open store %s: %v", db, err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// StopAfter counts writes from zero and, with limit > 0, cancels the
// returned context right after the limit-th write succeeds (the process
// "dies" there: nothing after it reaches the store). The function returned
// disarms and says how many writes were made.
func (f *Faults) StopAfter(limit int) (context.Context, func() int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	f.mu.Lock()
	f.writes, f.limit, f.cancel = 0, limit, cancel
	f.mu.Unlock()
	return ctx, func() int {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := f.writes
		f.limit, f.cancel = 0, nil
		cancel()
		return n
	}
}

// EveryWrite runs c at every crash point (see Crash) as subtests named
// "crash after write k of n".
//
// Setup runs once, on a seed server that is then stopped; every run
// (the one without faults that counts the writes, then one per crash
// point) starts its own embedded FerretDB on a copy of the seed's SQLite
// file. Copying a file is a fraction of a millisecond per run where
// reading every document of the seed and inserting it again through the
// wire took seconds with a demo data set (issue 19); the data each run
// starts from is the same.
func EveryWrite(t *testing.T, c Crash) {
	t.Helper()
	seedDir := t.TempDir()
	seedSrv, err := embedded.StartMongo(seedDir, Logger())
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	seedF := &Faults{URI: seedSrv.URI}
	seed := seedF.Open(t, seedDB)
	if c.Setup != nil {
		c.Setup(t, seed)
	}
	// The copies get Setup's collections with their _id index (see
	// embedded.IndexIDs): a lookup by _id in a run does not scan.
	if err := seedSrv.IndexIDs(context.Background()); err != nil {
		t.Fatalf("index _id: %v", err)
	}
	_ = seed.Close(context.Background())
	seedSrv.Stop() // its files are closed: a copy of them is the whole database

	f := fromSeed(t, seedDir, "faults_0")
	s := f.Open(t, "faults_0")
	ctx, disarm := f.StopAfter(0)
	if err := c.Op(ctx, s); err != nil {
		disarm()
		t.Fatalf("operation without faults: %v", err)
	}
	n := disarm()
	if c.Check != nil {
		c.Check(t, s)
	}
	if c.Done != nil {
		c.Done(t, s)
	}
	if n < 1 {
		t.Fatalf("the operation wrote nothing")
	}
	repeat := c.Repeat
	if repeat == nil {
		repeat = c.Op
	}
	maxPts := c.MaxPoints
	if maxPts == 0 {
		maxPts = 40
	}
	step := 1
	if n > maxPts {
		step = (n + maxPts - 1) / maxPts
	}
	for k := 1; k <= n; k += step {
		t.Run(fmt.Sprintf("crash after write %d of %d", k, n), func(t *testing.T) {
			db := fmt.Sprintf("faults_%d", k)
			f := fromSeed(t, seedDir, db)
			s := f.Open(t, db)
			ctx, disarm := f.StopAfter(k)
			_ = c.Op(ctx, s) // stopped at write k: an error is expected, or not
			disarm()
			_ = s.Close(context.Background())
			s = f.Open(t, db) // the restart
			if c.AfterCrash != nil {
				c.AfterCrash(t, s)
			}
			rctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if err := repeat(rctx, s); err != nil {
				t.Fatalf("repeat after the crash: %v", err)
			}
			if c.Check != nil {
				c.Check(t, s)
			}
			if c.Done != nil {
				c.Done(t, s)
			}
		})
	}
}

// seedDB is the database Setup fills; each run has a copy of it named
// faults_0 (the run without faults), faults_1, … (a database per run, as
// tests keep per-run state by its name).
const seedDB = "faults_seed"

// fromSeed starts an embedded FerretDB of the test's own on a copy of the
// stopped seed server's files (the database file, and its write-ahead
// log if one was left), the database renamed db (FerretDB names a
// database after its file), stopped at the test's end.
func fromSeed(t *testing.T, seedDir, db string) *Faults {
	t.Helper()
	dir := t.TempDir()
	files, err := os.ReadDir(seedDir)
	if err != nil {
		t.Fatalf("copy seed: %v", err)
	}
	for _, e := range files {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(seedDir, e.Name()))
		if err != nil {
			t.Fatalf("copy seed: %v", err)
		}
		name := strings.Replace(e.Name(), seedDB+".", db+".", 1)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatalf("copy seed: %v", err)
		}
	}
	m, err := embedded.StartMongo(dir, Logger())
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	t.Cleanup(m.Stop)
	return &Faults{URI: m.URI}
}
