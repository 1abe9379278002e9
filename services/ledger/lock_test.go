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

// TestRebuildWhenFreeWaitsForTheLease: the admin's background rebuild,
// started while another holder (the routine compaction, say) has the
// lease, waits and then runs, where a plain Rebuild is refused at once;
// a holder that keeps the lease past the wait leaves the job ErrBusy.
func TestRebuildWhenFreeWaitsForTheLease(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	svc := ledger.New(s, nil)
	e := ledger.Entry{ID: "visit:w1", Kind: ledger.KindCredit, Volunteer: "vol", Areas: []string{"370000000000"},
		Village: "370101001001", Date: "2026-10-01", Month: "2026-10", Minutes: 60, Source: "visit", At: time.Now()}
	if err := svc.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.TryLock(ctx, ledger.RebuildLock, "compaction", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Held past the wait: refused, with the message the job shows.
	if _, err := svc.RebuildWhenFree(ctx, 300*time.Millisecond, nil); !errors.Is(err, ledger.ErrBusy) {
		t.Fatalf("rebuild while the lease stays held: %v, want ErrBusy", err)
	}
	// Released while the job waits (after its first try was refused): the
	// job runs and counts the entry.
	tries := make(chan struct{}, 100)
	waiting := ledger.New(triesStore{s, tries}, nil)
	var steps []int
	done := make(chan error, 1)
	var res ledger.RebuildResult
	go func() {
		var err error
		res, err = waiting.RebuildWhenFree(ctx, time.Minute, func(d, _ int) { steps = append(steps, d) })
		done <- err
	}()
	<-tries
	select {
	case err := <-done:
		t.Fatalf("the rebuild ended while the lease was held: %v", err)
	default:
	}
	if err := s.Unlock(ctx, ledger.RebuildLock, "compaction"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("rebuild after the lease was freed: %v", err)
	}
	if res.Entries != 1 || len(steps) == 0 || steps[len(steps)-1] != ledger.RebuildSteps {
		t.Fatalf("rebuild result %+v, steps %v", res, steps)
	}
}

// triesStore tells each attempt to take the lease.
type triesStore struct {
	ledger.Store
	tries chan<- struct{}
}

func (s triesStore) TryLock(ctx context.Context, name, token string, until time.Time) error {
	err := s.Store.TryLock(ctx, name, token, until)
	s.tries <- struct{}{}
	return err
}
