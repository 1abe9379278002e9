package platform_test

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/pairing"
	"jinhui/services/platform"
	"jinhui/services/registry"
	"jinhui/shared/config"
	"jinhui/shared/testenv"
)

// TestDemoPairingResumesAfterRestart: the process stops (its context is
// cancelled) in the middle of the demo's background pairing and planning;
// the next start on the same data folder finishes it: every demo county
// has nothing left to pair and every active pair's elder has next
// month's visits, every visit with its reminders.
func TestDemoPairingResumesAfterRestart(t *testing.T) {
	// 14 writes pair and plan this demo: stop in the proposal, inside the
	// confirmation, in the planning, and before the work is marked done.
	for _, at := range []int{1, 6, 10, 12} {
		t.Run(fmt.Sprintf("stopped after write %d", at), func(t *testing.T) { demoResumes(t, at) })
	}
}

func demoResumes(t *testing.T, at int) {
	dir := t.TempDir()
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=" + dir, "REDIS_URL=" + testenv.RedisURL(t)}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	sc := demo.Scale{TownshipsPerCounty: 2, VillagesPerTown: 2, Elders: 16, Volunteers: 40, PopulatedCounties: 1, CountiesPerCity: 2}
	// A write counter that stops the "process" after its limit.
	var mu sync.Mutex
	writes, limit := 0, 0
	var stop context.CancelFunc
	mon := &event.CommandMonitor{Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
		switch e.CommandName {
		case "insert", "update", "delete", "findAndModify":
		default:
			return
		}
		mu.Lock()
		defer mu.Unlock()
		writes++
		if limit > 0 && writes >= limit && stop != nil {
			stop()
		}
	}}
	ctx := context.Background()
	p, err := platform.New(ctx, cfg, testenv.Logger(), nil, mon)
	if err != nil {
		t.Fatal(err)
	}
	if loaded, err := p.LoadDemo(ctx, sc); !loaded || err != nil {
		t.Fatalf("load: %v %v", loaded, err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	mu.Lock()
	writes, limit, stop = 0, at, cancel
	mu.Unlock()
	paired, err := p.PairDemo(runCtx)
	mu.Lock()
	t.Logf("stopped after %d writes: %v", writes, err)
	mu.Unlock()
	if paired || err == nil {
		t.Fatalf("the stopped pairing reports paired=%v err=%v", paired, err)
	}
	mu.Lock()
	limit = 0
	mu.Unlock()
	p.Close()

	// The restart: a new platform on the same data folder.
	p, err = platform.New(ctx, cfg, testenv.Logger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if loaded, err := p.LoadDemo(ctx, sc); loaded || err != nil {
		t.Fatalf("the restart loaded the demo again: %v %v", loaded, err)
	}
	if paired, err := p.PairDemo(ctx); !paired || err != nil {
		t.Fatalf("the restart did not finish the demo pairing: %v %v", paired, err)
	}
	if again, err := p.PairDemo(ctx); again || err != nil {
		t.Fatalf("a third start paired again: %v %v", again, err)
	}
	// Stopped after the last confirmation, during planning: the next start
	// finds nothing left to pair and still finishes.
	set0, err := demo.Generate(sc, 2017, p.Visits.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Store.MarkDemoPairing(ctx, []string{registry.AncestorAt(set0.Elders[0].Village, registry.County)}); err != nil {
		t.Fatal(err)
	}
	if paired, err := p.PairDemo(ctx); !paired || err != nil {
		t.Fatalf("a start with everything paired already: %v %v", paired, err)
	}
	set, err := demo.Generate(sc, 2017, p.Visits.Now())
	if err != nil {
		t.Fatal(err)
	}
	county := registry.AncestorAt(set.Elders[0].Village, registry.County)
	sys := access.Principal{Kind: access.KindOrganizer, ID: "t", Name: "测试", Role: access.RoleAdmin, Region: county, Level: int(registry.County)}
	prop, err := p.Pairing.Propose(ctx, sys, pairing.ProposeInput{Region: county})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range prop.Items {
		if it.State == pairing.ItemProposed {
			t.Fatalf("the resumed pairing left a pair to make: %+v", it)
		}
	}
	pairs, err := p.Store.Pairs(ctx, pairing.PairFilter{Status: pairing.PairActive})
	if err != nil || len(pairs) == 0 {
		t.Fatalf("no active pairs after the resume: %v", err)
	}
	// The demo plans this month and the next. The next is checked per
	// elder: it has not begun, so every paired elder gets its visits
	// whatever today is (near a month's end, the days left of this month
	// may hold none of a volunteer's weekdays, rule S1).
	months := bson.A{p.Visits.Now().Format("2006-01"), p.Visits.Now().AddDate(0, 1, 1-p.Visits.Now().Day()).Format("2006-01")}
	for _, pr := range pairs {
		n, err := p.Store.DB.Collection("visits").CountDocuments(ctx, bson.D{{Key: "elder", Value: pr.Elder}, {Key: "month", Value: months[1]}})
		if err != nil || n == 0 {
			t.Fatalf("elder %s paired but no visit planned for %s (%v)", pr.Elder, months[1], err)
		}
	}
	vs, err := p.Store.DB.Collection("visits").CountDocuments(ctx, bson.D{{Key: "month", Value: bson.D{{Key: "$in", Value: months}}}})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := p.Store.DB.Collection("reminders").CountDocuments(ctx, bson.D{})
	if err != nil || rs < vs {
		t.Fatalf("%d visits planned but %d reminders (%v)", vs, rs, err)
	}
}
