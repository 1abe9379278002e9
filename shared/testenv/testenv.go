// Package testenv gives tests real backing services: a fresh embedded
// FerretDB per test (the same server the platform embeds), and Redis from
// REDIS_URL when set (CI's real Redis) or an embedded miniredis.
package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

// Mongo starts an embedded FerretDB in a temporary folder and returns a
// store on it; both are closed when the test ends.
func Mongo(t testing.TB) *mongostore.Store {
	t.Helper()
	m, err := embedded.StartMongo(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mongostore.Open(ctx, m.URI, "jinhui_test", true)
	if err != nil {
		m.Stop()
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		_ = s.Close(context.Background())
		m.Stop()
	})
	return s
}

// RedisURL returns a Redis URL for a test. With REDIS_URL set it selects
// database db there (each test package uses its own number, since go test
// runs packages in parallel) and empties it; otherwise it starts a
// miniredis for this test.
func RedisURL(t testing.TB, db int) string {
	t.Helper()
	if base := os.Getenv("REDIS_URL"); base != "" {
		opt, err := redis.ParseURL(base)
		if err != nil {
			t.Fatalf("REDIS_URL: %v", err)
		}
		opt.DB = db
		c := redis.NewClient(opt)
		defer c.Close()
		if err := c.FlushDB(context.Background()).Err(); err != nil {
			t.Fatalf("flush redis db %d: %v", db, err)
		}
		return fmt.Sprintf("redis://%s/%d", opt.Addr, db)
	}
	r, err := embedded.StartRedis()
	if err != nil {
		t.Fatalf("start miniredis: %v", err)
	}
	t.Cleanup(r.Stop)
	return r.URL()
}

// Redis returns a client for RedisURL(t, db), closed at the end.
func Redis(t testing.TB, db int) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(RedisURL(t, db))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Logger discards log lines unless the test runs with -v.
func Logger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
