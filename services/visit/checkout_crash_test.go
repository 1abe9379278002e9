package visit_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/ledger"
	"jinhui/services/ledger/ledgertest"
	"jinhui/services/notify"
	"jinhui/services/registry"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/services/visit/visittest"
	"jinhui/shared/clock"
	"jinhui/shared/mongostore"
	"jinhui/shared/testenv"
)

type nopSendQueue struct{}

func (nopSendQueue) EnqueueSend(context.Context, string, bool) error { return nil }

// TestCheckOutSurvivesCrashes (rules S5, V6, Q1; issue 12): a check-out —
// the visit, its ledger entry, the totals, the question to the elder's
// side — stopped after each of its writes; after the restart no total
// counts more than a rebuild, and the phone's resend of the same
// check-out completes it: one ledger entry, totals equal to a rebuild
// with the visit counted once, one confirmation text recorded.
func TestCheckOutSurvivesCrashes(t *testing.T) {
	now := time.Date(2026, 10, 10, 10, 0, 0, 0, clock.Shanghai)
	var v visit.Visit
	var vol registry.Volunteer
	op := func(ctx context.Context, st *mongostore.Store) error {
		led := ledger.New(st, nil)
		sms := &notify.Service{Store: st, Queue: nopSendQueue{}, Gateway: notify.Outbox{}, Templates: st, Now: func() time.Time { return now }}
		sup := supervise.New(st, sms, led, func() time.Time { return now })
		svc := &visit.Service{Store: st, Now: func() time.Time { return now }}
		svc.OnDone = []func(context.Context, visit.Visit) error{
			func(ctx context.Context, v visit.Visit) error { return led.VisitDone(ctx, v.ID) },
			sup.AfterVisit,
		}
		p := access.Principal{Kind: access.KindVolunteer, ID: vol.ID, Name: vol.Name}
		out := now
		_, err := svc.CheckOut(ctx, p, v.ID, visit.CheckOutInput{CheckInInput: visit.CheckInInput{Key: "out-key-0001", At: &out},
			Items: []string{"chat", "housework", "hygiene", "repair", "winter"}})
		return err
	}
	testenv.EveryWrite(t, testenv.Crash{
		Setup: func(t *testing.T, st *mongostore.Store) {
			ctx := context.Background()
			set, err := demo.Generate(demo.Scale{TownshipsPerCounty: 1, VillagesPerTown: 1, Elders: 2, Volunteers: 2, PopulatedCounties: 1, CountiesPerCity: 2}, 2017, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := demo.Load(ctx, st, set); err != nil {
				t.Fatal(err)
			}
			sort.Slice(set.Elders, func(i, j int) bool { return set.Elders[i].ID < set.Elders[j].ID })
			e := set.Elders[0]
			vol = set.Volunteers[0]
			pair := visittest.Pair(t, st, e, 0, vol)
			in := now.Add(-90 * time.Minute)
			v = visit.Visit{ID: e.ID + ":2026-10:1", Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas,
				County: registry.AncestorAt(e.Village, registry.County), Month: "2026-10", N: 1, Date: "2026-10-10",
				Volunteer: vol.ID, VolunteerName: vol.Name, Pair: pair, People: []string{vol.ID}, Status: visit.StatusCheckedIn,
				Checklist: append([]visit.Item{}, visit.FiveOnes...), CheckIn: &visit.Stamp{At: in, Received: in, Key: "in-key-0001"},
				Changes: []visit.Change{}, Version: 1, CreatedAt: in, UpdatedAt: in}
			if _, err := st.InsertVisits(ctx, []visit.Visit{v}); err != nil {
				t.Fatal(err)
			}
		},
		Op:         op,
		AfterCrash: func(t *testing.T, st *mongostore.Store) { totalsAgainstRebuild(t, st, true) },
		Check:      func(t *testing.T, st *mongostore.Store) { totalsAgainstRebuild(t, st, false) },
		Done: func(t *testing.T, st *mongostore.Store) {
			ctx := context.Background()
			e, err := st.LedgerEntry(ctx, "visit:"+v.ID)
			if err != nil || e.Minutes != 90 {
				t.Fatalf("ledger entry: %+v %v", e, err)
			}
			pt, err := st.PersonTotals(ctx, "v:"+vol.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := pt.Months["2026-10"]; got.Visits != 1 || got.Credit != 90 {
				t.Fatalf("volunteer's totals %+v, want 1 visit of 90 minutes", got)
			}
			got, err := st.Visit(ctx, v.ID)
			if err != nil || got.Status != visit.StatusDone {
				t.Fatalf("visit: %s %v", got.Status, err)
			}
			if m, err := st.Message(ctx, "confirm:"+v.ID); err != nil || m.Status != notify.StatusQueued {
				t.Fatalf("the elder's side was not asked once (queued): %+v %v", m, err)
			}
		},
	})
}

// totalsAgainstRebuild fails unless every stored total equals (or, with
// short, does not exceed) a recount of the ledger.
func totalsAgainstRebuild(t *testing.T, s *mongostore.Store, short bool) {
	t.Helper()
	ok := ledgertest.Equal
	if short {
		ok = func(got, want ledger.Sums) bool {
			return got.Credit <= want.Credit && got.Visits <= want.Visits && got.Over4h <= want.Over4h
		}
	}
	ledgertest.AgainstRebuild(t, s, ok)
}
