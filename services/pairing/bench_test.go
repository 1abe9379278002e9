package pairing_test

import (
	"context"
	"testing"
	"time"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/shared/page"
	"jinhui/shared/testenv"
)

// BenchmarkRelayRepair measures re-pairing one elder after a relay on the
// embedded store at the demo's scale (demo.Small: 300 elders and 620
// volunteers in three counties): ProposeRelay reads the relay, the elder,
// the county's settings, volunteers, active pairs and rules, runs
// SolveOne with every other pair fixed, and stores the proposal. The
// confirmation that follows is reported once as confirm-ms.
func BenchmarkRelayRepair(b *testing.B) {
	ctx := context.Background()
	st := testenv.Mongo(b)
	set, err := demo.Generate(demo.Small, 2017, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Load(ctx, st, set); err != nil {
		b.Fatal(err)
	}
	county := registry.AncestorAt(set.Elders[0].Village, registry.County)
	svc := pairing.New(st, nil)
	org := access.Principal{Kind: access.KindOrganizer, ID: "bench", Name: "基准", Role: access.RoleAdmin, Region: county, Level: int(registry.County)}
	p, err := svc.Propose(ctx, org, pairing.ProposeInput{Region: county})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("county proposal: %d elders' slots, solved in %d ms", len(p.Items), p.Millis)
	if _, err := svc.Confirm(ctx, org, p.ID, pairing.ConfirmInput{Version: p.Version}); err != nil {
		b.Fatal(err)
	}
	pairs, _, err := svc.ListPairs(ctx, org, pairing.PairFilter{Status: pairing.PairActive}, page.First)
	if err != nil || len(pairs) == 0 {
		b.Fatal(err, len(pairs))
	}
	r, err := svc.EndPair(ctx, org, pairs[0].ID, pairing.EndInput{Reason: "基准测试"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if r, err = svc.ProposeRelay(ctx, org, r.ID); err != nil || r.Proposal == nil {
			b.Fatal(err, r.ProposalNote)
		}
	}
	b.StopTimer()
	start := time.Now()
	if _, err := svc.ConfirmRelay(ctx, org, r.ID, pairing.RelayConfirmInput{Version: r.Version}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "confirm-ms")
}
