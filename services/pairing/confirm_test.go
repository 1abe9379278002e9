package pairing_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/notify"
	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/shared/dbcount"
	"jinhui/shared/mongostore"
	"jinhui/shared/page"
	"jinhui/shared/testenv"
)

// noQueue drops send tasks: the messages stay recorded as queued.
type noQueue struct{}

func (noQueue) EnqueueSend(context.Context, string, bool) error { return nil }

func smsOn(st *mongostore.Store) *notify.Service {
	return &notify.Service{Store: st, Queue: noQueue{}, Gateway: notify.Outbox{}, Templates: st, Now: time.Now}
}

// demoCounty returns a store of the test's own holding the small demo
// (loaded once per test binary, copied for each test: see
// testenv.MongoSeeded), its first county and an admin there.
func demoCounty(t testing.TB, configure func(*options.ClientOptions)) (*mongostore.Store, string, access.Principal) {
	t.Helper()
	st := testenv.MongoSeeded(t, "pairing small demo", func(ctx context.Context, st *mongostore.Store) error {
		set, err := demo.Generate(demo.Small, 2017, time.Now())
		if err != nil {
			return err
		}
		demoFirstCounty = registry.AncestorAt(set.Elders[0].Village, registry.County)
		return demo.Load(ctx, st, set)
	}, configure)
	county := demoFirstCounty
	return st, county, access.Principal{Kind: access.KindOrganizer, ID: "t", Name: "测试", Role: access.RoleAdmin, Region: county, Level: int(registry.County)}
}

// demoFirstCounty is the small demo's first county, set by the seed's fill.
var demoFirstCounty string

// smallCounty loads the first county of the small demo with only its first
// n elders (and its regions and volunteers): a quick fresh database.
func smallCounty(t testing.TB, st *mongostore.Store, n int) (string, access.Principal) {
	t.Helper()
	set, err := demo.Generate(demo.Small, 2017, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	county := registry.AncestorAt(set.Elders[0].Village, registry.County)
	var part demo.Set
	for _, r := range set.Regions {
		if registry.Within(r.Code, county) || registry.Within(county, r.Code) {
			part.Regions = append(part.Regions, r)
		}
	}
	for _, e := range set.Elders {
		if registry.Within(e.Village, county) && len(part.Elders) < n {
			part.Elders = append(part.Elders, e)
		}
	}
	for _, v := range set.Volunteers {
		if registry.Within(v.Village, county) {
			part.Volunteers = append(part.Volunteers, v)
		}
	}
	if err := demo.Load(context.Background(), st, part); err != nil {
		t.Fatal(err)
	}
	return county, access.Principal{Kind: access.KindOrganizer, ID: "t", Name: "测试", Role: access.RoleAdmin, Region: county, Level: int(registry.County)}
}

// checkConfirmed asserts what a finished confirmation leaves (rule P1):
// one active pair per confirmed item, each with its claim, its volunteer
// on the elder's access list and its text recorded once and pending.
func checkConfirmed(t *testing.T, st *mongostore.Store, pr pairing.Proposal) {
	t.Helper()
	ctx := context.Background()
	pairs, err := st.Pairs(ctx, pairing.PairFilter{County: pr.County})
	if err != nil {
		t.Fatal(err)
	}
	active := map[string]pairing.Pair{}
	perSlot := map[string]int{}
	for _, p := range pairs {
		if p.Status == pairing.PairActive {
			active[p.ID] = p
			perSlot[p.Elder+"/"+string(rune('0'+p.Slot))]++
		}
	}
	for k, n := range perSlot {
		if n > 1 {
			t.Errorf("slot %s has %d active pairs", k, n)
		}
	}
	n := 0
	for _, it := range pr.Items {
		if it.State != pairing.ItemConfirmed {
			continue
		}
		n++
		p, ok := active[it.Pair]
		if !ok || p.Volunteer != it.Volunteer {
			t.Fatalf("item %s/%d confirmed as %q, no such active pair", it.Elder, it.Slot, it.Pair)
		}
		if held, err := st.PairKey(ctx, p.Elder, p.Volunteer); err != nil || held != p.ID {
			t.Errorf("pair %s: claim held by %q (%v)", p.ID, held, err)
		}
		e, err := st.Elder(ctx, p.Elder)
		if err != nil || !slices.Contains(e.Volunteers, p.Volunteer) {
			t.Errorf("pair %s: volunteer missing from the elder's list %v (%v)", p.ID, e.Volunteers, err)
		}
		m, err := st.Message(ctx, "pair:"+p.ID)
		if err != nil || m.Status != notify.StatusQueued {
			t.Errorf("pair %s: text %+v (%v)", p.ID, m, err)
		}
	}
	if n != len(active) {
		t.Errorf("%d items confirmed, %d active pairs", n, len(active))
	}
	pending, err := st.DB.Collection("sms_pending").CountDocuments(ctx, bson.D{})
	if err != nil || int(pending) != n {
		t.Errorf("%d texts pending, want %d (%v)", pending, n, err)
	}
	claims, err := st.DB.Collection("pair_claims").CountDocuments(ctx, bson.D{})
	if err != nil || int(claims) != n {
		t.Errorf("%d pair claims, want %d (%v)", claims, n, err)
	}
}

// TestConfirmBudget confirms 108 items of a county's proposal, then the
// rest, each within a fixed number of database commands (issue 16), and
// the result is a full confirmation (rule P1).
func TestConfirmBudget(t *testing.T) {
	ctx := context.Background()
	c := dbcount.New(false)
	m := c.Monitor()
	m.Succeeded = func(_ context.Context, e *event.CommandSucceededEvent) {
		if e.Duration > 50*time.Millisecond {
			t.Logf("slow: %s %v", e.CommandName, e.Duration)
		}
	}
	st, county, org := demoCounty(t, func(o *options.ClientOptions) { o.SetMonitor(m) })
	svc := pairing.New(st, smsOn(st))
	pr, err := svc.Propose(ctx, org, pairing.ProposeInput{Region: county})
	if err != nil {
		t.Fatal(err)
	}
	var first []int
	for i, it := range pr.Items {
		if it.State == pairing.ItemProposed && len(first) < 108 {
			first = append(first, i)
		}
	}
	if len(first) < 108 {
		t.Fatalf("the proposal has %d items to confirm, want at least 108", len(first))
	}
	const budget = 20
	c.Reset()
	start := time.Now()
	res, err := svc.Confirm(ctx, org, pr.ID, pairing.ConfirmInput{Items: first, Version: pr.Version})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("confirmed %d items in %v with %d commands: %v", res.Confirmed, time.Since(start), c.Total(), c.By())
	if res.Confirmed != 108 || res.Failed != 0 {
		t.Fatalf("confirmed %d, failed %d, want 108 and 0", res.Confirmed, res.Failed)
	}
	if c.Total() > budget {
		t.Errorf("confirming 108 items took %d commands, budget %d: %v", c.Total(), budget, c.By())
	}
	c.Reset()
	rest, err := svc.Confirm(ctx, org, pr.ID, pairing.ConfirmInput{Version: res.Proposal.Version})
	if err != nil {
		t.Fatal(err)
	}
	if c.Total() > budget {
		t.Errorf("confirming the other %d items took %d commands, budget %d: %v", rest.Confirmed, c.Total(), budget, c.By())
	}
	if rest.Failed != 0 {
		t.Errorf("%d items failed", rest.Failed)
	}
	checkConfirmed(t, st, rest.Proposal)
}

// TestConfirmCrashResume stops a confirmation after each of its writes, as
// if the process died there, and confirms again (issue 12): the second run
// completes what the first began, with no item reported failed and no pair,
// claim or text made twice.
func TestConfirmCrashResume(t *testing.T) {
	var county string
	var org access.Principal
	latest := func(ctx context.Context, st *mongostore.Store) pairing.Proposal {
		ps, _, err := st.Proposals(ctx, county, page.Order{}, 0, 1)
		if err != nil || len(ps) != 1 {
			t.Fatalf("proposal: %v", err)
		}
		return ps[0]
	}
	confirm := func(ctx context.Context, st *mongostore.Store) error {
		pr := latest(ctx, st)
		res, err := pairing.New(st, smsOn(st)).Confirm(ctx, org, pr.ID, pairing.ConfirmInput{Version: pr.Version})
		if err == nil && res.Failed > 0 {
			t.Errorf("%d items reported failed: %+v", res.Failed, res.Proposal.Items[0])
		}
		return err
	}
	testenv.EveryWrite(t, testenv.Crash{
		Setup: func(t *testing.T, st *mongostore.Store) {
			county, org = smallCounty(t, st, 20)
			if _, err := pairing.New(st, nil).Propose(context.Background(), org, pairing.ProposeInput{Region: county}); err != nil {
				t.Fatal(err)
			}
		},
		Op: confirm,
		Done: func(t *testing.T, st *mongostore.Store) {
			pr := latest(context.Background(), st)
			for _, it := range pr.Items {
				if it.State == pairing.ItemProposed || it.State == pairing.ItemFailed {
					t.Fatalf("item %s/%d left %s: %s", it.Elder, it.Slot, it.State, it.Error)
				}
			}
			checkConfirmed(t, st, pr)
		},
	})
}
