package ledger_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"jinhui/services/ledger"
	"jinhui/shared/testenv"
)

// TestOneRebuildAtATime (rule R1): while another process holds the
// rebuild lease a rebuild is refused with "重算正在进行"; two rebuilds
// started together never leave the totals empty; a lease whose holder
// died is taken over once it runs out.
func TestOneRebuildAtATime(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	svc := ledger.New(s, nil)
	for i := range 20 {
		e := ledger.Entry{ID: "visit:v" + string(rune('a'+i)), Kind: ledger.KindCredit, Volunteer: "vol", Areas: []string{"370000000000", "370100000000"},
			Village: "370101001001", Date: "2026-10-01", Month: "2026-10", Minutes: 60, Source: "visit", At: time.Now()}
		if err := svc.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	visits := func() int {
		tot, err := s.AreaTotals(ctx, []string{"370000000000"})
		if err != nil {
			t.Fatal(err)
		}
		return tot["370000000000"].Months["2026-10"].Visits
	}
	// Another process holds the lease.
	if err := s.TryLock(ctx, ledger.RebuildLock, "other", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Rebuild(ctx); !errors.Is(err, ledger.ErrBusy) || err.Error() == "" {
		t.Fatalf("rebuild while another runs: %v", err)
	}
	if err := s.Unlock(ctx, ledger.RebuildLock, "other"); err != nil {
		t.Fatal(err)
	}
	// Two at once: one runs, the other is told; the totals stay whole.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = ledger.New(s, nil).Rebuild(ctx) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, ledger.ErrBusy) {
			t.Fatal(err)
		}
	}
	if n := visits(); n != 20 {
		t.Fatalf("province visits after two rebuilds: %d, want 20", n)
	}
	// A holder that died: its lease runs out and is taken over.
	if err := s.TryLock(ctx, ledger.RebuildLock, "dead", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Rebuild(ctx); err != nil {
		t.Fatalf("rebuild after a stale lease: %v", err)
	}
	if n := visits(); n != 20 {
		t.Fatalf("province visits: %d, want 20", n)
	}
}
