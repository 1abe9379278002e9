package pairing_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/access"
	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/dbcount"
)

// TestProposeAndConfirmCounties pairs the small demo's three counties at
// once (rule P1, issue 16): one proposal per county holding only that
// county's elders, the registers read once for all three, and every
// proposed item confirmed into an active pair within a fixed number of
// commands; a county outside the caller's region is refused by name.
func TestProposeAndConfirmCounties(t *testing.T) {
	ctx := context.Background()
	c := dbcount.New(false)
	st, first, _ := demoCounty(t, func(o *options.ClientOptions) { o.SetMonitor(c.Monitor()) })
	rs, err := st.Regions(ctx, registry.AncestorAt(first, registry.City))
	if err != nil {
		t.Fatal(err)
	}
	var counties []string
	for _, r := range rs {
		if r.Level == registry.County {
			counties = append(counties, r.Code)
		}
	}
	province := registry.AncestorAt(first, registry.Province)
	admin := access.Principal{Kind: access.KindOrganizer, ID: "t", Name: "测试", Role: access.RoleAdmin, Region: province, Level: int(registry.Province)}
	svc := pairing.New(st, smsOn(st))

	c.Reset()
	props, err := svc.ProposeCounties(ctx, admin, counties)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, kc := range c.By() {
		by[kc.Key] = kc.Count
	}
	t.Logf("proposed %d counties with %d commands: %v", len(props), c.Total(), c.By())
	if by["find elders"] != 1 || by["find volunteers"] != 1 {
		t.Errorf("the registers were read %d (elders) and %d (volunteers) times for %d counties, want once each", by["find elders"], by["find volunteers"], len(counties))
	}
	if len(props) != len(counties) {
		t.Fatalf("%d proposals for %d counties", len(props), len(counties))
	}
	proposed := 0
	for k, pr := range props {
		if pr.County != counties[k] {
			t.Errorf("proposal %d is for %s, want %s", k, pr.County, counties[k])
		}
		for _, it := range pr.Items {
			if e, err := st.Elder(ctx, it.Elder); err != nil || registry.AncestorAt(e.Village, registry.County) != pr.County {
				t.Fatalf("proposal for %s holds elder %s of %s (%v)", pr.County, it.Elder, e.Village, err)
			}
			if it.State == pairing.ItemProposed && it.Volunteer != "" {
				proposed++
			}
		}
	}
	if proposed == 0 {
		t.Fatal("nothing proposed")
	}

	c.Reset()
	res, err := svc.ConfirmProposals(ctx, admin, props)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("confirmed %d counties with %d commands: %v", len(res), c.Total(), c.By())
	confirmed := 0
	for _, r := range res {
		confirmed += r.Confirmed
	}
	// The bulk reads once and writes in batches, plus each county's
	// settings and proposal (read and written): it grows with batches of
	// items, not items.
	if budget := 20 + 4*len(counties) + confirmed/50; c.Total() > budget {
		t.Errorf("confirming %d counties took %d commands, budget %d: %v", len(counties), c.Total(), budget, c.By())
	}
	for _, r := range res {
		if r.Failed != 0 {
			t.Errorf("%s: %d items failed", r.Proposal.County, r.Failed)
		}
	}
	if confirmed != proposed {
		t.Errorf("%d confirmed of %d proposed", confirmed, proposed)
	}
	active, err := st.Pairs(ctx, pairing.PairFilter{Area: province, Status: pairing.PairActive})
	if err != nil || len(active) != confirmed {
		t.Errorf("%d active pairs for %d confirmed items (%v)", len(active), confirmed, err)
	}

	county := access.Principal{Kind: access.KindOrganizer, ID: "t", Name: "测试", Role: access.RoleAdmin, Region: counties[0], Level: int(registry.County)}
	_, err = svc.ProposeCounties(ctx, county, counties)
	if e := apperr.As(err); e == nil || e.Field != "counties[1]" {
		t.Errorf("a county outside the caller's region: %v, want an error naming counties[1]", err)
	}
}
