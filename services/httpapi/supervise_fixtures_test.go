package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/supervise"
)

// superviseFixtures are county A's supervise objects for the access walk:
// a draw with one check task, a problem and a kept monthly report.
type superviseFixtures struct {
	draw, task, problem, report string
	account                     string
}

func newSuperviseFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) superviseFixtures {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	areas := registry.AreasOf(countyA)
	d := supervise.Draw{ID: countyA + ":2099-01:1", Region: countyA, RegionName: "A", Areas: areas, Month: "2099-01", N: 1, Mode: supervise.ModeFujin,
		Seed: 1, Notes: []string{}, Tasks: []string{countyA + ":2099-01:1:001"}, Size: 1, By: fx.account, At: now}
	task := supervise.Task{ID: d.Tasks[0], Draw: d.ID, Month: d.Month, Mode: d.Mode, Elder: fx.elder.ID, ElderName: fx.elder.Name, Village: fx.elder.Village,
		Areas: fx.elder.Areas, Method: supervise.MethodPhone, Assignee: fx.account, Script: "x", Status: supervise.TaskOpen, History: []supervise.Outcome{},
		Version: 1, CreatedAt: now, UpdatedAt: now}
	p := supervise.Problem{ID: "fixture-problem-a", Area: fx.elder.Village, Areas: fx.elder.Areas, Kind: supervise.KindOther, Description: "x",
		Source: supervise.SourceManual, Owner: "y", Deadline: "2099-01-31", Status: supervise.ProblemOpen, Steps: []supervise.Step{}, Version: 1, CreatedAt: now}
	r := supervise.Report{ID: countyA + ":2099-01:1", Area: countyA, Areas: areas, Month: "2099-01", N: 1, AsOf: "2099-01-31", Rows: []supervise.Row{}, At: now}
	st := h.P.Store
	if err := st.InsertCheckDraw(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertCheckTasks(ctx, []supervise.Task{task}); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertSupProblem(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertSupReport(ctx, r); err != nil {
		t.Fatal(err)
	}
	return superviseFixtures{draw: d.ID, task: task.ID, problem: p.ID, report: r.ID, account: fx.account}
}

func (f superviseFixtures) id(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/supervise/draws/{id}"):
		return f.draw
	case strings.HasPrefix(path, "/api/supervise/tasks/{id}"):
		return f.task
	case strings.HasPrefix(path, "/api/supervise/problems/{id}"):
		return f.problem
	case strings.HasPrefix(path, "/api/supervise/reports/{id}"):
		return f.report
	}
	return ""
}

func (f superviseFixtures) body(method, path string) any {
	switch method + " " + path {
	case "POST /api/supervise/draws":
		return map[string]any{"region": countyA, "month": "2099-01", "reason": "再抽"}
	case "POST /api/supervise/tasks/{id}/assign":
		return map[string]any{"assignee": f.account, "method": "visit", "version": 1}
	case "POST /api/supervise/tasks/{id}/result":
		return map[string]any{"result": "not_confirmed", "notes": "x", "version": 1}
	case "POST /api/supervise/problems":
		return map[string]any{"area": countyA, "kind": "other", "description": "x", "owner": "y", "deadline": "2099-01-01"}
	case "POST /api/supervise/problems/{id}/rectify":
		return map[string]any{"note": "x", "version": 1}
	case "POST /api/supervise/problems/{id}/recheck":
		return map[string]any{"passed": true, "note": "x", "version": 1}
	case "POST /api/supervise/reports":
		return map[string]any{"area": countyA, "month": "2099-01"}
	}
	return nil
}

// TestSuperviseFixturesWorkInCountyA: the walk's bodies succeed for county
// A's own organizer, so the sibling county's refusals come from the access
// check and not from validation.
func TestSuperviseFixturesWorkInCountyA(t *testing.T) {
	h := platformtest.New(t)
	fx := fixtures(t, h)
	tok := h.Login("szq")
	for _, c := range [][2]string{
		{"POST", "/api/supervise/draws"}, {"POST", "/api/supervise/tasks/{id}/assign"}, {"GET", "/api/supervise/draws/{id}"},
		{"POST", "/api/supervise/problems"}, {"POST", "/api/supervise/problems/{id}/rectify"}, {"GET", "/api/supervise/problems/{id}"},
		{"POST", "/api/supervise/reports"}, {"GET", "/api/supervise/reports/{id}"}, {"GET", "/api/supervise/reports/{id}/export.xlsx"},
	} {
		var body any
		if c[0] == "POST" {
			body = fx.supervise.body(c[0], c[1])
		}
		if r := h.Do(c[0], fx.url(t, c[1]), tok, body); r.Status >= 300 {
			t.Errorf("%s %s: %d %s", c[0], c[1], r.Status, r.Body)
		}
	}
	// The re-check is someone else's; the result goes on the version the assignment left.
	if r := h.Do("POST", fx.url(t, "/api/supervise/problems/{id}/recheck"), h.Login("szqdudao"), fx.supervise.body("POST", "/api/supervise/problems/{id}/recheck")); r.Status == 200 {
		t.Errorf("re-check at a stale version succeeded")
	}
}
