// Package embedded starts the in-process stand-ins used when no MongoDB or
// Redis is configured: FerretDB on SQLite files, and miniredis.
package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/alicebob/miniredis/v2"
)

// Mongo is an embedded FerretDB listening on loopback only.
type Mongo struct {
	URI    string
	dir    string
	cancel context.CancelFunc
	done   chan struct{}
}

// StartMongo starts FerretDB with its SQLite files in dir. Only the process
// that calls it may connect, with a client pool of 1 (see PLATFORM.md:
// FerretDB loses concurrent updates otherwise).
func StartMongo(dir string, logger *slog.Logger) (*Mongo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded.StartMongo: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("embedded.StartMongo: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:  "sqlite",
		// WAL with synchronous=NORMAL: a commit survives the process
		// crashing (the WAL is on disk), only a power cut may lose the
		// last commits; without it every write waits for an fsync, which
		// made a bulk update of 54 elders take seconds (issue 16).
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(normal)",
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded.StartMongo: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Mongo{dir: abs, cancel: cancel, done: make(chan struct{})}
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		_ = f.Run(ctx)
	}()
	indexed := make(chan struct{})
	go func() {
		// Collections made after IndexIDs ran (first written later) get
		// their index within a few seconds.
		defer close(indexed)
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = m.IndexIDs(ctx)
			}
		}
	}()
	go func() {
		<-ran
		<-indexed
		close(m.done)
	}()
	m.URI = f.MongoDBURI()
	return m, nil
}

// Stop stops FerretDB and waits for its files to be closed.
func (m *Mongo) Stop() {
	m.cancel()
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
	}
}

// Redis is an embedded miniredis whose clock follows the wall clock.
type Redis struct {
	*miniredis.Miniredis
	stop chan struct{}
}

// StartRedis starts miniredis on loopback. miniredis only ages keys when
// told, so a ticker fast-forwards it: TTL keys (sessions, codes, rate
// limits) then expire as on a real Redis.
func StartRedis() (*Redis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded.StartRedis: %w", err)
	}
	r := &Redis{Miniredis: m, stop: make(chan struct{})}
	go func() {
		const tick = 250 * time.Millisecond
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				m.FastForward(tick)
			case <-r.stop:
				return
			}
		}
	}()
	return r, nil
}

// URL is the redis:// address of the embedded server.
func (r *Redis) URL() string { return "redis://" + r.Addr() }

// Stop stops the server.
func (r *Redis) Stop() {
	close(r.stop)
	r.Close()
}
