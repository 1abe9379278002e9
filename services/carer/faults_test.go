package carer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jinhui/services/access"
	"jinhui/services/carer"
	"jinhui/services/ledger"
	"jinhui/services/ledger/ledgertest"
	"jinhui/services/registry"
	"jinhui/shared/mongostore"
	"jinhui/shared/testenv"
)

// totalsMatchRebuild fails unless every stored total equals a recount of
// the ledger (rules V6, C3).
func totalsMatchRebuild(t *testing.T, s *mongostore.Store) { compareTotals(t, s, false) }

// totalsNotOverRebuild fails if any stored total counts more than a
// recount: a crash may leave totals short until the resend, never double.
func totalsNotOverRebuild(t *testing.T, s *mongostore.Store) { compareTotals(t, s, true) }

func compareTotals(t *testing.T, s *mongostore.Store, short bool) {
	t.Helper()
	ok := ledgertest.Equal
	if short {
		ok = func(got, want ledger.Sums) bool {
			return got.Carer <= want.Carer && got.CarerLogs <= want.CarerLogs && got.Credit <= want.Credit && got.Visits <= want.Visits
		}
	}
	ledgertest.AgainstRebuild(t, s, ok)
}

// TestCarerLogBurstSurvivesCrashes (rule C2): a burst of 4 carer logs is
// stopped after every one of its writes; after the restart the totals
// never exceed a rebuild, and the phone's resend of the whole burst logs each
// help once and brings the totals to 4 logs.
func TestCarerLogBurstSurvivesCrashes(t *testing.T) {
	const village = "370101001001"
	day := time.Date(2026, 10, 10, 12, 0, 0, 0, time.UTC)
	c := registry.Carer{ID: "carer-1", Name: "王护理", Phone: "+8613900000001", Village: village, Areas: registry.AreasOf(village),
		Status: registry.VolActive, StartDate: "2026-01-01", Version: 1, CreatedAt: day}
	a := carer.Assignment{ID: "as-1", Carer: c.ID, CarerName: c.Name, Village: village, Areas: c.Areas, Person: "p:as-1", PersonName: "李奶奶",
		StartDate: "2026-09-01", Agreement: "协议", Status: carer.Active, Version: 1, CreatedAt: day}
	p := access.Principal{Kind: access.KindCarer, ID: c.ID, Name: c.Name}
	burst := func(ctx context.Context, s *mongostore.Store) error {
		svc := carer.New(s, ledger.New(s, nil))
		svc.Now = func() time.Time { return day }
		for i := range 4 {
			in := carer.LogInput{Key: fmt.Sprintf("phone-key-%03d", i), Assignment: a.ID, Date: fmt.Sprintf("2026-10-%02d", 7+i%4),
				Kinds: []string{"助餐"}, Minutes: 30}
			if _, err := svc.AddLog(ctx, p, in); err != nil {
				return err
			}
		}
		return nil
	}
	testenv.EveryWrite(t, testenv.Crash{
		Setup: func(t *testing.T, s *mongostore.Store) {
			if err := s.InsertCarers(context.Background(), []registry.Carer{c}); err != nil {
				t.Fatal(err)
			}
			if err := s.InsertAssignment(context.Background(), a); err != nil {
				t.Fatal(err)
			}
		},
		Op:         burst,
		AfterCrash: totalsNotOverRebuild,
		Check:      totalsMatchRebuild,
		Done: func(t *testing.T, s *mongostore.Store) {
			pt, err := s.PersonTotals(context.Background(), "c:"+c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := pt.Months["2026-10"]; got.CarerLogs != 4 || got.Carer != 120 {
				t.Fatalf("carer totals after the resend: %+v, want 4 logs and 120 minutes", got)
			}
		},
	})
}
