// Package testenv gives tests real backing services: a fresh embedded
// FerretDB per test (the same server the platform embeds), and a Redis
// database of its own per test (see RedisURL).
package testenv

import (
	"context"
	"log/slog"
	"os"
	"runtime/debug"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

// A test binary that imports testenv collects garbage at GOGC=400 unless
// GOGC is set: the embedded FerretDB decodes every document it scans into
// short-lived garbage, and at the default 100 about a tenth of a store
// test's CPU went to the collector; at 400 httpapi's tests take 0.9 CPU-s
// less (of 8.6) for some 200 MB more heap (issue 19). Only test binaries
// import this package; the platform's own processes keep the default.
func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// Mongo starts an embedded FerretDB in a temporary folder and returns a
// store on it; both are closed when the test ends.
func Mongo(t testing.TB) *mongostore.Store {
	t.Helper()
	return MongoWith(t, nil)
}

// MongoWith is Mongo with a last say over the client's options (a command
// monitor, say: see package dbcount).
func MongoWith(t testing.TB, configure func(*options.ClientOptions)) *mongostore.Store {
	t.Helper()
	return open(t, t.TempDir(), configure)
}

// open starts an embedded FerretDB on dir (empty, or a seed's copy) and
// opens a store on it with its _id indexes; both are closed when the test
// ends.
func open(t testing.TB, dir string, configure func(*options.ClientOptions)) *mongostore.Store {
	t.Helper()
	m, err := embedded.StartMongo(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mongostore.OpenWith(ctx, m.URI, mongoDB, true, configure)
	if err != nil {
		m.Stop()
		t.Fatalf("open store: %v", err)
	}
	if err := m.IndexIDs(ctx); err != nil {
		t.Fatalf("index _id: %v", err)
	}
	t.Cleanup(func() {
		_ = s.Close(context.Background())
		m.Stop()
	})
	return s
}

// Logger discards log lines unless the test runs with -v, and then keeps
// warnings and errors: at debug level the embedded FerretDB writes every
// wire message, which made a -v run of the fault tests (and go test -json,
// which is -v) several times slower than the run it was meant to explain.
// JINHUI_TEST_LOG=debug brings the debug lines back.
func Logger() *slog.Logger {
	if testing.Verbose() {
		level := slog.LevelWarn
		if os.Getenv("JINHUI_TEST_LOG") == "debug" {
			level = slog.LevelDebug
		}
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	}
	// DiscardHandler, not a text handler on io.Discard: that one still
	// formatted the attributes FerretDB adds to a logger per connection
	// (With), some 0.1 CPU-s per test binary (issue 19).
	return slog.New(slog.DiscardHandler)
}

// WaitFor checks ok every few milliseconds until it holds, failing the test
// naming what was awaited if it does not within the given time. Tests wait
// on conditions with it, never on a fixed sleep.
func WaitFor(t testing.TB, within time.Duration, what string, ok func() bool) {
	t.Helper()
	if !Eventually(within, ok) {
		t.Fatalf("%s: not within %s", what, within)
	}
}

// Eventually checks ok every few milliseconds until it holds (true) or the
// time is up (false), for callers that report the failure themselves.
func Eventually(within time.Duration, ok func() bool) bool {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		select {
		case <-deadline.C:
			return ok()
		case <-tick.C:
		}
	}
	return true
}
