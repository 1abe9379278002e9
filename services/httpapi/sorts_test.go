package httpapi_test

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jinhui/services/auth"
	"jinhui/services/pairing"
	"jinhui/services/platform/platformtest"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/shared/area"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// registerSortsAcrossPages: the registers sort on the server (issue 14),
// so a column's order holds across pages, not only within one; a column
// the list cannot sort on, or a direction that is not one, is refused
// naming the parameter.
func registerSortsAcrossPages(t *testing.T, h *platformtest.Harness, org string) {
	t.Helper()
	var all []registry.Elder
	for off := 0; off < 14; off += 7 {
		var pg registry.Page[registry.Elder]
		h.Do("GET", fmt.Sprintf("/api/elders?sort=birthDate&order=desc&limit=7&offset=%d", off), org, nil).JSON(t, &pg)
		all = append(all, pg.Items...)
	}
	if len(all) != 14 {
		t.Fatalf("two pages of 7 elders: %d", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].BirthDate > all[i-1].BirthDate {
			t.Fatalf("elders by birth date, youngest first, break at row %d: %s after %s", i, all[i].BirthDate, all[i-1].BirthDate)
		}
	}
	var vols registry.Page[registry.Volunteer]
	h.Do("GET", "/api/volunteers?sort=name&limit=10", org, nil).JSON(t, &vols)
	for i := 1; i < len(vols.Items); i++ {
		if vols.Items[i].Name < vols.Items[i-1].Name {
			t.Fatalf("volunteers by name break at row %d", i)
		}
	}
	for q, field := range map[string]string{"sort=idNumber": "sort", "sort=name&order=up": "order"} {
		if r := h.Do("GET", "/api/elders?"+q, org, nil); r.Status != 400 || r.ErrorField(t) != field {
			t.Errorf("GET /api/elders?%s: %d %s, want 400 naming %s", q, r.Status, r.Body, field)
		}
	}
	// The other lists organizers sort most: each column's order holds
	// across two pages, in both directions; an unknown column names sort.
	for _, c := range []struct{ list, col string }{
		{"/api/pairs?", "elderName"}, {"/api/pairs?", "village"}, {"/api/pairs?status=active&", "volunteerName"},
		{"/api/relays?status=all&", "openedAt"}, {"/api/relays?status=all&", "elderName"},
		{"/api/wishes?", "value"}, {"/api/wishes?", "createdAt"},
	} {
		if c.list == "/api/wishes?" && c.col == "value" {
			// six wishes of the county's elders, their values out of order
			n := 0
			for _, e := range h.Set.Elders {
				if n < 6 && strings.HasPrefix(e.Village, budgetCounty[:6]) && e.Status == registry.StatusActive {
					body := map[string]any{"elder": e.ID, "category": "coat", "need": "一件厚棉衣", "value": []int{300, 50, 120, 80, 500, 10}[n]}
					if r := h.Do("POST", "/api/wishes", org, body); r.Status >= 300 {
						t.Fatalf("record wish: %d %s", r.Status, r.Body)
					}
					n++
				}
			}
		}
		if c.list == "/api/relays?status=all&" && c.col == "openedAt" {
			// ending pairs opens relays: five more, one after another
			var pg struct {
				Items []pairing.Pair `json:"items"`
			}
			h.Do("GET", "/api/pairs?limit=5&status=active", org, nil).JSON(t, &pg)
			for _, p := range pg.Items {
				if r := h.Do("POST", "/api/pairs/"+p.ID+"/end", org, map[string]string{"reason": "志愿者外出务工"}); r.Status != 200 {
					t.Fatalf("end pair: %d %s", r.Status, r.Body)
				}
			}
		}
		for _, desc := range []bool{false, true} {
			listSortsAcrossPages(t, h, org, c.list, c.col, desc)
		}
		if r := h.Do("GET", c.list+"sort=idNumber", org, nil); r.Status != 400 || r.ErrorField(t) != "sort" {
			t.Errorf("GET %ssort=idNumber: %d %s, want 400 naming sort", c.list, r.Status, r.Body)
		}
	}
}

// listSortsAcrossPages reads two pages of three rows of list sorted by col
// and fails unless the six rows are in col's order (numbers and times as
// such, the rest as text).
func listSortsAcrossPages(t *testing.T, h *platformtest.Harness, org, list, col string, desc bool) {
	t.Helper()
	order := "asc"
	if desc {
		order = "desc"
	}
	var vals []any
	for off := 0; off < 6; off += 3 {
		var pg struct {
			Items []map[string]any `json:"items"`
		}
		path := fmt.Sprintf("%ssort=%s&order=%s&limit=3&offset=%d", list, col, order, off)
		if r := h.Do("GET", path, org, nil); r.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		} else {
			r.JSON(t, &pg)
		}
		for _, it := range pg.Items {
			vals = append(vals, it[col])
		}
	}
	if len(vals) < 4 {
		t.Fatalf("%s sorted by %s: %d rows over two pages, too few to tell", list, col, len(vals))
	}
	// cmp compares numbers as numbers, anything else as its text
	compare := func(a, b any) int {
		x, okx := a.(float64)
		y, oky := b.(float64)
		if okx && oky {
			return cmp.Compare(x, y)
		}
		tx, errx := time.Parse(time.RFC3339Nano, fmt.Sprint(a))
		ty, erry := time.Parse(time.RFC3339Nano, fmt.Sprint(b))
		if errx == nil && erry == nil {
			return tx.Compare(ty)
		}
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	}
	distinct := false
	for i := 1; i < len(vals); i++ {
		distinct = distinct || compare(vals[i], vals[0]) != 0
		if (!desc && compare(vals[i], vals[i-1]) < 0) || (desc && compare(vals[i], vals[i-1]) > 0) {
			t.Fatalf("%s sorted by %s %s breaks at row %d: %v after %v (%v)", list, col, order, i, vals[i], vals[i-1], vals)
		}
	}
	if !distinct {
		t.Errorf("%s sorted by %s: every row has %q, the order cannot be told", list, col, vals[0])
	}
}

// queueSortsAcrossPages: the visit, carer, application, check task,
// problem and account lists sort on the server too (issue 14), each on
// the columns the console lets organizers sort: six rows of each, their
// columns out of order, keep the order across two pages in both
// directions, and a column the list cannot sort on is a 400 naming sort.
func queueSortsAcrossPages(t *testing.T, h *platformtest.Harness, org, admin string) {
	t.Helper()
	ctx := context.Background()
	st := h.P.Store
	var elders []registry.Elder
	for _, e := range h.Set.Elders {
		if len(elders) < 6 && strings.HasPrefix(e.Village, budgetCounty[:6]) {
			elders = append(elders, e)
		}
	}
	if len(elders) < 6 {
		t.Fatalf("%d elders in the county, want 6", len(elders))
	}
	vols := h.Set.Volunteers
	base := time.Now().Add(-time.Hour)
	shuffle := []int{3, 0, 5, 1, 4, 2}
	var visits []visit.Visit
	var tasks []supervise.Task
	for i, e := range elders {
		n := shuffle[i]
		at := base.Add(time.Duration(n) * time.Minute)
		v := vols[(i*7)%len(vols)]
		visits = append(visits, visit.Visit{ID: fmt.Sprintf("sort-visit-%d", i), Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas,
			County: budgetCounty, Month: "2099-0" + fmt.Sprint(1+n), N: 1, Date: fmt.Sprintf("2099-0%d-1%d", 1+n, i), Volunteer: v.ID, VolunteerName: v.Name,
			People: []string{v.ID}, Status: []string{visit.StatusPlanned, visit.StatusDone}[i%2], Minutes: 30 + 10*n, Checklist: []visit.Item{},
			Changes: []visit.Change{}, Version: 1, CreatedAt: at, UpdatedAt: at})
		tasks = append(tasks, supervise.Task{ID: fmt.Sprintf("%s:2099-01:1:%03d", budgetCounty, i+1), Draw: budgetCounty + ":2099-01:1", Month: "2099-01",
			Mode: supervise.ModeFujin, Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas, Method: supervise.MethodPhone, Script: "x",
			Status: supervise.TaskOpen, History: []supervise.Outcome{}, Version: 1, CreatedAt: at, UpdatedAt: at})
		p := supervise.Problem{ID: fmt.Sprintf("sort-problem-%d", i), Area: e.Village, Areas: e.Areas, Kind: supervise.KindOther, Description: "x",
			Source: supervise.SourceManual, Owner: "y", Deadline: fmt.Sprintf("2099-0%d-15", 1+n), Status: supervise.ProblemOpen, Steps: []supervise.Step{},
			Version: 1, CreatedAt: at}
		if err := st.InsertSupProblem(ctx, p); err != nil {
			t.Fatal(err)
		}
		kinds := []string{registry.TypeNeighbour, registry.TypeUrban, registry.TypeDoctor}
		a := recruit.Application{ID: fmt.Sprintf("sort-app-%d", i), CallID: "sort-call", CallTitle: "x", Name: e.Name, Village: e.Village, Areas: e.Areas,
			Kind: kinds[n%3], Skills: []string{}, HoursPerMonth: 4 + 2*n, Status: []string{recruit.StatusPending, recruit.StatusAccepted, recruit.StatusRejected}[i%3],
			Decisions: []recruit.Decision{}, Version: 1, CreatedAt: at, UpdatedAt: at}
		if err := st.InsertApplication(ctx, a); err != nil {
			t.Fatal(err)
		}
		acc := auth.Account{ID: fmt.Sprintf("sort-account-%d", i), Username: fmt.Sprintf("sort%c", 'a'+n), Name: "排序", Region: budgetCounty,
			Areas: area.AreasOf(budgetCounty), Role: "organizer", PasswordHash: "x",
			CreatedAt: time.Now().Add(time.Duration(n-3) * time.Hour)} // around the demo's accounts, all made at one time
		if err := st.InsertAccount(ctx, acc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.InsertVisits(ctx, visits); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertCheckTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ token, list, col string }{
		{org, "/api/visits?", "date"}, {org, "/api/visits?", "month"}, {org, "/api/visits?", "elderName"},
		{org, "/api/visits?", "volunteerName"}, {org, "/api/visits?", "status"}, {org, "/api/visits?", "minutes"},
		{org, "/api/carers?", "name"},
		{org, "/api/recruit/applications?", "name"}, {org, "/api/recruit/applications?", "kind"},
		{org, "/api/recruit/applications?", "hoursPerMonth"}, {org, "/api/recruit/applications?call=sort-call&", "status"},
		{org, "/api/supervise/tasks?", "elderName"}, {org, "/api/supervise/tasks?", "village"}, {org, "/api/supervise/tasks?", "updatedAt"},
		{org, "/api/supervise/problems?", "deadline"},
		{admin, "/api/accounts?", "username"}, {admin, "/api/accounts?", "createdAt"},
	} {
		for _, desc := range []bool{false, true} {
			listSortsAcrossPages(t, h, c.token, c.list, c.col, desc)
		}
	}
	for _, c := range []struct{ token, list string }{
		{org, "/api/visits?"}, {org, "/api/carers?"}, {org, "/api/intake/queue?"}, {org, "/api/recruit/applications?"},
		{org, "/api/supervise/tasks?"}, {org, "/api/supervise/problems?"}, {org, "/api/supervise/problems/overdue?"}, {admin, "/api/accounts?"},
	} {
		if r := h.Do("GET", c.list+"sort=idNumber", c.token, nil); r.Status != 400 || r.ErrorField(t) != "sort" {
			t.Errorf("GET %ssort=idNumber: %d %s, want 400 naming sort", c.list, r.Status, r.Body)
		}
	}
}

// eventSortsAcrossPages: the remaining paged lists sort on the server too
// (issue 14), on the columns the console marks sortable (time or date
// first, then a size, month or name): six rows of each, three below and
// three above whatever the demo holds, inserted out of order, keep the
// order across two pages in both directions; a column the list cannot
// sort on is a 400 naming sort, a direction other than asc or desc a 400
// naming order.
func eventSortsAcrossPages(t *testing.T, h *platformtest.Harness, org, admin string) {
	t.Helper()
	ctx := context.Background()
	areas := area.AreasOf(budgetCounty)
	shuffle := []int{3, 0, 5, 1, 4, 2}
	// low rows sort before the demo's, high rows after
	at := func(n int) time.Time {
		if n < 3 {
			return time.Date(1990, 1, 1+n, 8, 0, 0, 0, time.UTC)
		}
		return time.Date(2090, 1, 1+n, 8, 0, 0, 0, time.UTC)
	}
	day := func(n int) string { return at(n).Format("2006-01-02") }
	month := func(n int) string { return at(n).AddDate(0, n, 0).Format("2006-01") }
	num := func(n int) int {
		if n < 3 {
			return -3 + n
		}
		return 100000 + n
	}
	name := func(n int) string { return []string{"A", "B", "C", "鿿", "鿿鿿", "鿿鿿鿿"}[n] + "排序" }
	docs := map[string]func(id string, n int) bson.M{
		"supervise_draws": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "region": budgetCounty, "month": month(n), "size": num(n), "n": 1, "mode": supervise.ModeFujin, "at": at(n)}
		},
		"supervise_reports": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "area": budgetCounty, "month": month(n), "n": 1, "at": at(n)}
		},
		"supervise_alerts": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "kind": "x", "message": "排序", "at": at(n)}
		},
		"pair_proposals": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "region": budgetCounty, "unfilled": num(n), "at": at(n)}
		},
		"handovers": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "people": bson.A{}, "at": at(n)}
		},
		"pair_rules": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "county": budgetCounty, "elder": "x", "volunteer": "y", "at": at(n)}
		},
		"messages": func(id string, n int) bson.M {
			return bson.M{"_id": id, "to": "+8613900000001", "kind": "test", "body": "排序", "createdAt": at(n)}
		},
		"sms_inbound": func(id string, n int) bson.M {
			return bson.M{"_id": id, "from": "+8613900000001", "body": "排序", "at": at(n)}
		},
		"ledger": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "volunteer": "sort-vol", "date": day(n), "month": day(n)[:7], "minutes": num(n), "at": at(n)}
		},
		"carer_logs": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "carer": "sort-carer", "date": day(n), "month": day(n)[:7], "at": at(n)}
		},
		"carer_roster": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "carer": "sort-carer", "startDate": day(n), "status": "active"}
		},
		"recruit_batches": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "region": budgetCounty, "date": day(n), "capacity": num(n)}
		},
		"recruit_partners": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "region": budgetCounty, "name": name(n)}
		},
		"recruit_calls": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "region": budgetCounty, "title": "排序", "opens": day(n), "closes": day(n), "createdAt": at(n)}
		},
		"audit":          func(id string, n int) bson.M { return bson.M{"_id": id, "areas": areas, "action": "view", "at": at(n)} },
		"family_replies": func(id string, n int) bson.M { return bson.M{"_id": id, "areas": areas, "kind": "ok", "at": at(n)} },
		"visit_alerts":   func(id string, n int) bson.M { return bson.M{"_id": id, "areas": areas, "kind": "x", "at": at(n)} },
		"exchange_posts": func(id string, n int) bson.M {
			return bson.M{"_id": id, "areas": areas, "author": "x", "status": "published", "date": day(n), "createdAt": at(n)}
		},
	}
	for coll, doc := range docs {
		var batch []any
		for i, n := range shuffle {
			batch = append(batch, doc(fmt.Sprintf("sort-%s-%d", coll, i), n))
		}
		if _, err := h.P.Store.DB.Collection(coll).InsertMany(ctx, batch); err != nil {
			t.Fatalf("%s: %v", coll, err)
		}
	}
	lists := []struct {
		token, list string
		cols        []string
	}{
		{org, "/api/supervise/draws?", []string{"month", "size"}},
		{org, "/api/supervise/reports?", []string{"month", "at"}},
		{org, "/api/supervise/alerts?", []string{"at"}},
		{org, "/api/pairing/proposals?", []string{"at", "unfilled"}},
		{org, "/api/handovers?", []string{"at"}},
		{org, "/api/pairing/rules?", []string{"at"}},
		{admin, "/api/sms/messages?", []string{"createdAt"}},
		{admin, "/api/sms/inbound?", []string{"at"}},
		{org, "/api/ledger/entries?", []string{"date", "minutes"}},
		{org, "/api/carer-logs?", []string{"date"}},
		{org, "/api/carer-roster?", []string{"startDate"}},
		{org, "/api/recruit/batches?", []string{"date", "capacity"}},
		{org, "/api/recruit/partners?", []string{"name"}},
		{org, "/api/recruit/calls?", []string{"opens"}},
		{admin, "/api/audit?", []string{"at"}},
		{org, "/api/family/replies?", []string{"at"}},
		{org, "/api/visits/alerts?", []string{"at"}},
		{org, "/api/exchange/posts?", []string{"date"}},
	}
	if len(lists) != len(docs) {
		t.Fatalf("%d lists for %d collections", len(lists), len(docs))
	}
	for _, c := range lists {
		for _, col := range c.cols {
			for _, desc := range []bool{false, true} {
				listSortsAcrossPages(t, h, c.token, c.list, col, desc)
			}
		}
		if r := h.Do("GET", c.list+"sort=idNumber", c.token, nil); r.Status != 400 || r.ErrorField(t) != "sort" {
			t.Errorf("GET %ssort=idNumber: %d %s, want 400 naming sort", c.list, r.Status, r.Body)
		}
		if r := h.Do("GET", c.list+"sort="+c.cols[0]+"&order=up", c.token, nil); r.Status != 400 || r.ErrorField(t) != "order" {
			t.Errorf("GET %ssort=%s&order=up: %d %s, want 400 naming order", c.list, c.cols[0], r.Status, r.Body)
		}
	}
}
