// Command ledgerrebuild recomputes every total (areas of every level,
// volunteers, elders, carers, by month) and the register census from the
// ledger. Safe to run at any time and again; the nightly "ledger:rebuild"
// task and POST /api/ledger/rebuild do the same.
//
// With MONGODB_URI set it uses that server (JINHUI_MONGODB_DB, default
// jinhui); without, the embedded store in JINHUI_DATA_DIR (default
// ./data), which only one process may open: stop the platform first.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"jinhui/services/ledger"
	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ledgerrebuild:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	uri, db := os.Getenv("MONGODB_URI"), os.Getenv("JINHUI_MONGODB_DB")
	if db == "" {
		db = "jinhui"
	}
	embeddedMode := uri == ""
	var m *embedded.Mongo
	if embeddedMode {
		dir := os.Getenv("JINHUI_DATA_DIR")
		if dir == "" {
			dir = "data"
		}
		var err error
		if m, err = embedded.StartMongo(filepath.Join(dir, "mongo"), nil); err != nil {
			return err
		}
		defer m.Stop()
		uri = m.URI
	}
	s, err := mongostore.Open(ctx, uri, db, embeddedMode)
	if err != nil {
		return err
	}
	if m != nil {
		if err := m.IndexIDs(ctx); err != nil {
			return err
		}
	}
	defer s.Close(ctx)
	res, err := ledger.New(s, nil).Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("rebuilt from %d entries and %d approved subsidies: %d area and %d person totals in %s\n", res.Entries, res.Subsidies, res.Areas, res.People, res.Took)
	return nil
}
