// Command demoload measures loading the demo data set into a fresh
// embedded store (FerretDB on SQLite, as `make run` uses): by default the
// programme's full scale, 16 cities, 100 counties, 10,288 elders and
// 21,087 volunteers. It prints each phase's time and the total.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"jinhui/services/demo"
	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

func main() {
	scale := flag.String("scale", "full", "small | full")
	dir := flag.String("data", "", "data folder (default: a new temporary folder, removed afterwards)")
	flag.Parse()
	if err := run(*scale, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "demoload:", err)
		os.Exit(1)
	}
}

func run(scale, dir string) error {
	sc := demo.Full
	switch scale {
	case "full":
	case "small":
		sc = demo.Small
	default:
		return fmt.Errorf("-scale must be small or full")
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "jinhui-demoload-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	m, err := embedded.StartMongo(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer m.Stop()
	ctx := context.Background()
	s, err := mongostore.Open(ctx, m.URI, "jinhui", true)
	if err != nil {
		return err
	}
	if err := m.IndexIDs(ctx); err != nil {
		return err
	}
	defer s.Close(ctx)

	t0 := time.Now()
	set, err := demo.Generate(sc, 2017, time.Now())
	if err != nil {
		return err
	}
	gen := time.Since(t0)
	t1 := time.Now()
	if err := demo.Load(ctx, s, set); err != nil {
		return err
	}
	load := time.Since(t1)
	fmt.Printf("regions      %d\nelders       %d\nvolunteers   %d\ncarers       %d\naccounts     %d\n",
		len(set.Regions), len(set.Elders), len(set.Volunteers), len(set.Carers), len(set.Accounts))
	fmt.Printf("generate     %.2f s\nload         %.2f s\ntotal        %.2f s\n", gen.Seconds(), load.Seconds(), time.Since(t0).Seconds())
	return nil
}
