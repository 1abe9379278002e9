package testenv

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

// mongoDB is the database name of the stores of Mongo, MongoWith and MongoSeeded.
const mongoDB = "jinhui_test"

type seedFiles struct {
	once  sync.Once
	files map[string][]byte
	err   error
}

var seeded sync.Map // key → *seedFiles

// MongoSeeded is MongoWith on a database that fill wrote. The first call
// with a given key in a test binary runs fill on a fresh embedded
// FerretDB and keeps its files (fill runs once: whatever else it records
// is there for every caller); every call then starts a FerretDB of the
// test's own on a copy of them, so each test still changes only its own
// database while loading a data set costs a file copy (issue 19).
func MongoSeeded(t testing.TB, key string, fill func(ctx context.Context, s *mongostore.Store) error, configure func(*options.ClientOptions)) *mongostore.Store {
	t.Helper()
	v, _ := seeded.LoadOrStore(key, &seedFiles{})
	sd := v.(*seedFiles)
	sd.once.Do(func() { sd.files, sd.err = buildSeed(fill) })
	if sd.err != nil {
		t.Fatalf("seed %s: %v", key, sd.err)
	}
	dir := t.TempDir()
	for name, b := range sd.files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return open(t, dir, configure)
}

func buildSeed(fill func(context.Context, *mongostore.Store) error) (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "jinhui-seed-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	m, err := embedded.StartMongo(dir, Logger())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := mongostore.OpenWith(ctx, m.URI, mongoDB, true, nil)
	if err != nil {
		m.Stop()
		return nil, err
	}
	err = fill(ctx, s)
	if err == nil {
		err = m.IndexIDs(ctx)
	}
	_ = s.Close(context.Background())
	m.Stop() // its files are closed: they are the whole database
	if err != nil {
		return nil, err
	}
	return ReadFiles(dir)
}

// ReadFiles reads the regular files of dir by name (a stopped embedded
// FerretDB's database files).
func ReadFiles(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if files[e.Name()], err = os.ReadFile(filepath.Join(dir, e.Name())); err != nil {
			return nil, err
		}
	}
	return files, nil
}
