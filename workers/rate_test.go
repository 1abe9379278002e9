package workers

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"jinhui/shared/apperr"
	"jinhui/shared/testenv"
)

// TestSendLimit: for any configured rate the limiter's schedule at its
// fastest (a full burst, then one text every interval) puts at most that
// many texts in any second, even if each reaches the carrier up to
// arrivalJitter late, and it sends at least 95% of the rate at 50 a
// second and above.
func TestSendLimit(t *testing.T) {
	for _, perSecond := range []int{1, 2, 10, 20, 21, 50, 100, 1000} {
		l := sendLimit(perSecond)
		// The schedule: burst texts at 0, then the j-th at j*Period/Rate;
		// the window [0, 1 s + jitter) holds the most: those with
		// j*Period < (1 s + jitter)*Rate.
		w := int64(time.Second + arrivalJitter)
		n := l.Burst + int((w*int64(l.Rate)-1)/int64(l.Period))
		if n > perSecond {
			t.Errorf("rate %d: %d texts fit in a second (limit %+v)", perSecond, n, l)
		}
		if got := float64(l.Rate) / l.Period.Seconds(); perSecond >= 50 && got < 0.95*float64(perSecond) {
			t.Errorf("rate %d: sends only %.1f a second", perSecond, got)
		}
	}
}

// TestSendRateClaimsInLine: two worker processes (two limiters on one
// Redis) share one rate; each text is claimed once, and no process holds
// more than claimAhead claimed texts waiting in its line (what an abrupt
// stop could leave unsent besides those handed to the carrier); a refused
// claim is returned without taking a slot.
func TestSendRateClaimsInLine(t *testing.T) {
	rdb := testenv.Redis(t)
	ctx := context.Background()
	procs := []*SendRate{NewSendRate(rdb, "+15005550006", 50), NewSendRate(rdb, "+15005550006", 50)}
	// The shared limit lives in Redis under one key (redis_rate's GCRA
	// state), written by every slot taken and only then: refused claims
	// leave it unwritten.
	key := "rate:" + procs[0].key // redis_rate's prefix
	refused := apperr.New(apperr.Conflict, "已认领")
	for i := 0; i < 5; i++ {
		if err := procs[0].Wait(ctx, func() error { return refused }); !errors.Is(err, refused) {
			t.Fatalf("refused claim: %v", err)
		}
	}
	if n, err := rdb.Exists(ctx, key).Result(); err != nil || n != 0 {
		t.Fatalf("after five refused claims the limit's key exists (%d, %v): they took sending slots", n, err)
	}
	// A granted one writes it (it lives a second at least).
	if err := procs[0].Wait(ctx, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.Exists(ctx, key).Result(); err != nil || n != 1 {
		t.Fatalf("a granted claim left no key %s (%d, %v): the check above proves nothing", key, n, err)
	}
	var mu sync.Mutex
	var claims, slots, most int
	held := make([]int, len(procs))
	// A claim is held until its waiter leaves the line (Wait's return
	// comes after, when the next waiter may already have claimed).
	for p := range procs {
		procs[p].leaving = func() {
			mu.Lock()
			held[p]--
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3; i++ {
				err := procs[w%2].Wait(ctx, func() error {
					mu.Lock()
					defer mu.Unlock()
					claims++
					held[w%2]++
					most = max(most, held[w%2])
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				slots++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// 24 slots at 50 a second (a burst of 2, then one per interval)
	// cannot take less than 22 intervals.
	every := sendLimit(50).Period / time.Duration(sendLimit(50).Rate)
	if el := time.Since(start); claims != 24 || slots != 24 || el < 22*every {
		t.Fatalf("%d claims, %d slots in %v (want 24 and at least %v)", claims, slots, el, 22*every)
	}
	if most > claimAhead {
		t.Fatalf("a process held %d claimed texts at once, want at most %d", most, claimAhead)
	}
}
