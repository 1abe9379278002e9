package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v4"

	"jinhui/shared/apperr"
)

// RebuildResult says what a rebuild counted.
type RebuildResult struct {
	Entries   int           `json:"entries"`
	Subsidies int           `json:"subsidies"`
	Areas     int           `json:"areas"`
	People    int           `json:"people"`
	Took      time.Duration `json:"tookNs"`
	Count     time.Duration `json:"countNs"` // reading the ledger, subsidies and registers
	Write     time.Duration `json:"writeNs"` // replacing the totals
}

// Recount computes every totals document from the ledger, the approved
// subsidies and the registers, in Go (FerretDB's $group computes only its
// first accumulator).
func (s *Service) Recount(ctx context.Context) ([]AreaTotals, []PersonTotals, []Applied, RebuildResult, error) {
	return s.recount(ctx, func(int, int) {})
}

func (s *Service) recount(ctx context.Context, progress func(done, total int)) ([]AreaTotals, []PersonTotals, []Applied, RebuildResult, error) {
	var res RebuildResult
	areas := map[string]*AreaTotals{}
	people := map[string]*PersonTotals{}
	var applied []Applied
	add := func(ap Applied) {
		applied = append(applied, ap)
		as, ps, month, d := ap.Areas, ap.People, ap.Month, ap.Sums
		for _, a := range as {
			t := areas[a]
			if t == nil {
				t = &AreaTotals{ID: a, Months: map[string]Sums{}}
				areas[a] = t
			}
			t.Months[month] = t.Months[month].Add(d)
		}
		for _, p := range ps {
			t := people[p]
			if t == nil {
				t = &PersonTotals{ID: p, Months: map[string]Sums{}}
				people[p] = t
			}
			t.Months[month] = t.Months[month].Add(d)
		}
	}
	err := s.Store.EachEntry(ctx, func(e Entry) error {
		res.Entries++
		add(AppliedOf(e))
		return nil
	})
	if err != nil {
		return nil, nil, nil, res, fmt.Errorf("ledger.Recount: %w", err)
	}
	progress(1, RebuildSteps)
	err = s.Store.EachSubsidy(ctx, func(sb Subsidy) error {
		res.Subsidies++
		add(subsidyApplied(sb))
		return nil
	})
	if err != nil {
		return nil, nil, nil, res, fmt.Errorf("ledger.Recount: %w", err)
	}
	progress(2, RebuildSteps)
	rows, err := s.Store.CensusRows(ctx, "")
	if err != nil {
		return nil, nil, nil, res, fmt.Errorf("ledger.Recount: %w", err)
	}
	reg, recruited := CountCensus(rows)
	now := s.Now()
	for code, r := range reg {
		t := areas[code]
		if t == nil {
			t = &AreaTotals{ID: code, Months: map[string]Sums{}}
			areas[code] = t
		}
		t.Register = r
	}
	for code, ms := range recruited {
		t := areas[code]
		if t == nil {
			t = &AreaTotals{ID: code, Months: map[string]Sums{}}
			areas[code] = t
		}
		for m, n := range ms {
			sm := t.Months[m]
			sm.Recruited += n
			t.Months[m] = sm
		}
	}
	outA := make([]AreaTotals, 0, len(areas))
	for _, t := range areas {
		t.CensusAt = now
		outA = append(outA, *t)
	}
	outP := make([]PersonTotals, 0, len(people))
	for _, t := range people {
		outP = append(outP, *t)
	}
	res.Areas, res.People = len(outA), len(outP)
	progress(3, RebuildSteps)
	return outA, outP, applied, res, nil
}

// RebuildLock names the deployment-wide lease that one rebuild or
// compaction holds at a time (two at once would switch snapshots under
// each other).
const RebuildLock = "ledger-rebuild"

// lockTTL is how long a lease lasts without renewal: a holder that died
// is taken over after it.
const lockTTL = 2 * time.Minute

// ErrBusy is the answer while another rebuild holds the lease.
var ErrBusy = apperr.New(apperr.Conflict, "重算正在进行, 请稍后再试")

// locked runs fn holding the rebuild lease, renewed while fn runs; fn's
// context ends if the lease is lost. Another holder: ErrBusy.
func (s *Service) locked(ctx context.Context, fn func(ctx context.Context) error) error {
	token := newCode()
	now := s.Now
	if now == nil {
		now = time.Now
	}
	if err := s.Store.TryLock(ctx, RebuildLock, token, now().Add(lockTTL)); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return ErrBusy
		}
		return fmt.Errorf("ledger.lock: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		tick := time.NewTicker(lockTTL / 4)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if err := s.Store.RenewLock(ctx, RebuildLock, token, now().Add(lockTTL)); err != nil {
					cancel(fmt.Errorf("ledger: rebuild lease lost: %w", err))
					return
				}
			}
		}
	}()
	err := fn(ctx)
	close(stop)
	<-renewed
	if uerr := s.Store.Unlock(context.WithoutCancel(ctx), RebuildLock, token); uerr != nil && err == nil && s.Log != nil {
		s.Log.Warn("ledger: unlock", "err", uerr)
	}
	if err == nil && context.Cause(ctx) != nil && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	return err
}

// Rebuild recomputes all totals from the ledger and replaces them (the
// command, the nightly task and the admin's request). One runs at a time
// in the whole deployment: a second gets ErrBusy. Run twice, it gives the
// same totals; an entry appended while it runs is counted once, by the
// snapshot or by its own delta.
func (s *Service) Rebuild(ctx context.Context) (RebuildResult, error) {
	return s.RebuildProgress(ctx, nil)
}

// RebuildWait is how long the admin's background rebuild waits for the
// lease: a little longer than a dead holder's lease lasts.
const RebuildWait = lockTTL + 30*time.Second

// RebuildWhenFree is RebuildProgress for the admin's background job: when
// the lease is held (most often by the routine compaction, which folds the
// day's deltas in seconds) it waits for it, looking again with a growing
// pause, instead of failing a job the admin asked for. After wait it gives
// up with ErrBusy; when ctx ends, with ctx's error.
func (s *Service) RebuildWhenFree(ctx context.Context, wait time.Duration, progress func(done, total int)) (RebuildResult, error) {
	b := backoff.NewExponentialBackOff(backoff.WithInitialInterval(200*time.Millisecond), backoff.WithMaxInterval(5*time.Second), backoff.WithMaxElapsedTime(wait))
	return backoff.RetryWithData(func() (RebuildResult, error) {
		r, err := s.RebuildProgress(ctx, progress)
		if err != nil && !errors.Is(err, ErrBusy) {
			return r, backoff.Permanent(err)
		}
		return r, err
	}, backoff.WithContext(b, ctx))
}

// RebuildSteps are the steps a rebuild reports to its progress: the
// ledger read, the subsidies read, the census counted, the totals written.
const RebuildSteps = 4

// RebuildProgress is Rebuild telling progress (may be nil) each step done
// of RebuildSteps (a background job shows it).
func (s *Service) RebuildProgress(ctx context.Context, progress func(done, total int)) (RebuildResult, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	var res RebuildResult
	err := s.locked(ctx, func(ctx context.Context) error {
		start := time.Now()
		progress(0, RebuildSteps)
		a, p, applied, r, err := s.recount(ctx, progress)
		res = r
		if err != nil {
			return err
		}
		res.Count = time.Since(start)
		if err := s.Store.ReplaceTotals(ctx, a, p, applied); err != nil {
			return fmt.Errorf("ledger.Rebuild: %w", err)
		}
		progress(RebuildSteps, RebuildSteps)
		res.Took = time.Since(start)
		res.Write = res.Took - res.Count
		return nil
	})
	return res, err
}

// Compact folds the deltas applied since the last snapshot into a new
// snapshot (without reading the ledger) once there are more than
// s.CompactAbove of them, so that reads stay small between rebuilds. It
// reports how many it folded; busy (a rebuild runs) it folds none.
func (s *Service) Compact(ctx context.Context) (int, error) {
	n := 0
	err := s.locked(ctx, func(ctx context.Context) error {
		areas, people, pending, err := s.Store.PendingTotals(ctx)
		if err != nil || len(pending) <= s.CompactAbove {
			return err
		}
		am := make(map[string]AreaTotals, len(areas))
		for _, a := range areas {
			am[a.ID] = a
		}
		pm := make(map[string]PersonTotals, len(people))
		for _, p := range people {
			pm[p.ID] = p
		}
		for _, d := range pending {
			for _, a := range d.Areas {
				t, ok := am[a]
				if !ok || t.Months == nil {
					t.ID, t.Months = a, map[string]Sums{}
				}
				t.Months[d.Month] = t.Months[d.Month].Add(d.Sums)
				am[a] = t
			}
			for _, p := range d.People {
				t, ok := pm[p]
				if !ok || t.Months == nil {
					t.ID, t.Months = p, map[string]Sums{}
				}
				t.Months[d.Month] = t.Months[d.Month].Add(d.Sums)
				pm[p] = t
			}
		}
		areas, people = areas[:0], people[:0]
		for _, t := range am {
			areas = append(areas, t)
		}
		for _, t := range pm {
			people = append(people, t)
		}
		n = len(pending)
		return s.Store.ReplaceTotals(ctx, areas, people, pending)
	})
	if apperr.Is(err, apperr.Conflict) {
		return 0, nil
	}
	return n, err
}
