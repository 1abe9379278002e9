package httpapi_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"jinhui/services/demo"
	"jinhui/services/notify"
	"jinhui/services/pairing"
	"jinhui/services/platform/platformtest"
	"jinhui/shared/dbcount"
)

// getBudget is the most database commands any GET may send (issue 16).
const getBudget = 5

// budgetCounty is where the budget test's people live (市中区).
const budgetCounty = "370101000000"

// budgetRoutes are the main GET routes of each role.
var budgetRoutes = []struct{ role, path string }{
	{"organizer", "/api/me"},
	{"organizer", "/api/regions?parent=" + budgetCounty},
	{"organizer", "/api/elders"},
	{"organizer", "/api/volunteers"},
	{"organizer", "/api/carers"},
	{"organizer", "/api/intake/queue"},
	{"organizer", "/api/pairs"},
	{"organizer", "/api/relays"},
	{"organizer", "/api/handovers"},
	{"organizer", "/api/pairing/rules"},
	{"organizer", "/api/pairing/proposals"},
	{"organizer", "/api/pairing/alerts"},
	{"organizer", "/api/visits"},
	{"organizer", "/api/ledger/entries"},
	{"organizer", "/api/carer-roster"},
	{"organizer", "/api/carer-logs"},
	{"organizer", "/api/carer-statements"},
	{"organizer", "/api/recruit/calls"},
	{"organizer", "/api/recruit/applications"},
	{"organizer", "/api/wishes"},
	{"organizer", "/api/recruit/partners"},
	{"organizer", "/api/volunteers/{vol}/hours"},
	{"organizer", "/api/figures"},
	{"organizer", "/api/figures/dashboard"},
	{"organizer", "/api/pairing/coverage"},
	{"supervisor", "/api/supervise/tasks"},
	{"supervisor", "/api/supervise/problems"},
	{"supervisor", "/api/supervise/draws"},
	{"supervisor", "/api/supervise/reports"},
	{"admin", "/api/accounts"},
	{"admin", "/api/audit"},
	{"admin", "/api/sms/messages?limit=50"},
	{"admin", "/api/sms/messages?limit=5"},
	{"admin", "/api/sms/messages?status=outbox"},
	{"admin", "/api/sms/messages?status=queued"},
	{"volunteer", "/api/me"},
	{"volunteer", "/api/pairs"},
	{"volunteer", "/api/handovers"},
	{"volunteer", "/api/elders"},
	{"volunteer", "/api/me/hours"},
	{"volunteer", "/api/me/visits"},
	{"carer", "/api/carer-roster"},
	{"carer", "/api/carer-logs"},
	{"carer", "/api/carer-statements"},
	{"carer", "/api/me/carer-subsidy"},
	{"volunteer", "/api/me/messages"},
	{"volunteer", "/api/me/sms"},
}

// overBudget are the routes known to miss the budget, with why. They are
// measured and shown, not failed, until the reason is gone; keep it short.
var overBudget = map[string]string{
	"organizer /api/figures":           "live register census (RegisterCensus) reads the area's elders, volunteers, carers, pairs and roster on every request",
	"organizer /api/figures/dashboard": "same census as /api/figures",
	"organizer /api/pairing/coverage":  "reads the area's elders, pairs and relays on every request",
}

// TestGetBudget drives the main GET routes of every role on a county of
// 20 elders and on one of 200, and checks that each request sends at most
// getBudget database commands, the same number at both sizes (issue 16:
// bounded round trips, no query per row).
func TestGetBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two platforms")
	}
	small := budgetRun(t, 1)
	big := budgetRun(t, 10)
	var table []string
	for _, r := range budgetRoutes {
		key := r.role + " " + r.path
		s, b := small[key], big[key]
		table = append(table, fmt.Sprintf("%-11s %-40s %2d %2d", r.role, r.path, s, b))
		if why, ok := overBudget[key]; ok {
			t.Logf("over budget (known): %s GET %s: %d, %d commands: %s", r.role, r.path, s, b, why)
			continue
		}
		if b > getBudget {
			t.Errorf("%s GET %s: %d database commands at 10×, budget %d", r.role, r.path, b, getBudget)
		}
		if s != b {
			t.Errorf("%s GET %s: %d commands with 20 elders, %d with 200: the count grows with rows", r.role, r.path, s, b)
		}
	}
	t.Logf("commands per request (1×, 10×):\n%s", strings.Join(table, "\n"))
}

// budgetRun starts a platform with k × 20 elders (and volunteers, carers,
// pairs and text messages in proportion) and counts each route's commands.
func budgetRun(t *testing.T, k int) map[string]int {
	t.Helper()
	c := dbcount.New(false)
	sc := demo.Scale{TownshipsPerCounty: 2, VillagesPerTown: 2, Elders: 20 * k, Volunteers: 20 * k, Carers: 4 * k, PopulatedCounties: 1}
	h := platformtest.NewScaled(t, sc, c.Monitor())
	ctx := context.Background()
	now := time.Now()
	// One active pair per elder, each with a volunteer of the county.
	for i, e := range h.Set.Elders {
		v := h.Set.Volunteers[i%len(h.Set.Volunteers)]
		p := pairing.Pair{ID: fmt.Sprintf("%s:0:1", e.ID), Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas,
			County: budgetCounty, Role: "lead", Volunteer: v.ID, VolunteerName: v.Name, Status: pairing.PairActive,
			StartDate: now.Format("2006-01-02"), Source: "proposal", At: now}
		if err := h.P.Store.InsertPair(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Text messages: half settled (outbox), half still queued.
	for i := range 20 * k {
		id := fmt.Sprintf("budget-%04d", i)
		if err := h.P.Store.InsertMessage(ctx, notify.Message{ID: id, To: "+8613900000000", Kind: "test", Body: "测试", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := h.P.Store.SetMessageStatus(ctx, id, notify.StatusOutbox, "", "", now); err != nil {
				t.Fatal(err)
			}
		}
	}
	vol, car := h.Set.Volunteers[0], h.Set.Carers[0]
	tokens := map[string]string{
		"organizer": h.Login("szq"), "supervisor": h.Login("szqdudao"), "admin": h.Login("admin"),
		"volunteer": h.PhoneLogin(vol.Phone, "volunteer"), "carer": h.PhoneLogin(car.Phone, "carer"),
	}
	out := map[string]int{}
	for _, r := range budgetRoutes {
		c.Reset()
		resp := h.Do("GET", strings.ReplaceAll(r.path, "{vol}", vol.ID), tokens[r.role], nil)
		if resp.Status != 200 {
			t.Fatalf("%s GET %s: %d %s", r.role, r.path, resp.Status, resp.Body)
		}
		out[r.role+" "+r.path] = c.Total()
		if testing.Verbose() && c.Total() > getBudget {
			var by []string
			for _, kc := range c.By() {
				by = append(by, fmt.Sprintf("%s×%d", kc.Key, kc.Count))
			}
			sort.Strings(by)
			t.Logf("%d× %s %s: %s", k, r.role, r.path, strings.Join(by, ", "))
		}
	}
	// Every list pages in the store: five rows of a page of five, the
	// total over all pages; a bad limit or offset is refused naming it.
	var pg struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	h.Do("GET", "/api/pairs?limit=5", tokens["organizer"], nil).JSON(t, &pg)
	if len(pg.Items) != 5 || pg.Total != len(h.Set.Elders) {
		t.Errorf("/api/pairs?limit=5: %d rows, total %d; want 5 of %d", len(pg.Items), pg.Total, len(h.Set.Elders))
	}
	for q, field := range map[string]string{"limit=501": "limit", "limit=0": "limit", "limit=x": "limit", "offset=-1": "offset"} {
		for _, path := range []string{"/api/pairs", "/api/relays", "/api/handovers", "/api/carer-logs", "/api/carer-roster", "/api/carer-statements", "/api/elders"} {
			r := h.Do("GET", path+"?"+q, tokens["organizer"], nil)
			if r.Status != 400 || r.ErrorField(t) != field {
				t.Errorf("GET %s?%s: %d %s, want 400 naming %s", path, q, r.Status, r.Body, field)
			}
		}
	}
	return out
}
