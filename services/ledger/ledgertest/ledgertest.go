// Package ledgertest holds the check the fault tests share: the stored
// totals against a recount of the ledger (rule V6: every total equals
// what a rebuild gives).
package ledgertest

import (
	"context"
	"testing"

	"jinhui/services/ledger"
	"jinhui/shared/mongostore"
)

// Equal accepts totals equal to the recount.
func Equal(got, want ledger.Sums) bool { return got == want }

// AgainstRebuild fails unless ok(stored, recounted) holds for every area's
// and person's month (registrations left out: they are not ledger sums).
func AgainstRebuild(t testing.TB, s *mongostore.Store, ok func(got, want ledger.Sums) bool) {
	t.Helper()
	ctx := context.Background()
	areas, people, _, _, err := ledger.New(s, nil).Recount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotA, gotP, err := s.AllTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		for m, want := range a.Months {
			want.Recruited = 0
			if got := gotA[a.ID][m]; !ok(got, want) {
				t.Fatalf("area %s %s: totals %+v, rebuild %+v", a.ID, m, got, want)
			}
		}
	}
	for _, p := range people {
		for m, want := range p.Months {
			if got := gotP[p.ID][m]; !ok(got, want) {
				t.Fatalf("%s %s: totals %+v, rebuild %+v", p.ID, m, got, want)
			}
		}
	}
}
