package jobs_test

import (
	"testing"
	"time"

	"jinhui/services/jobs"
	"jinhui/services/ledger"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/services/visit/visittest"
	"jinhui/shared/clock"
	"jinhui/shared/testenv"
	"jinhui/workers"
)

// countyA is 市中区, the county of organizer szq; 邻县 (linxian) is its sibling.
const countyA = "370101000000"

// startWorker runs the platform's task handlers on the harness's Redis,
// as the one-process role does.
func startWorker(t *testing.T, h *platformtest.Harness) {
	t.Helper()
	p := h.P
	srv := workers.NewServer(p.RedisOpt, p.Log, 5*time.Second)
	hs := &workers.Handlers{SMS: p.SMS, Wishes: p.Wishes, Pairing: p.Pairing, Visits: p.Visits, Log: p.Log, Ledger: p.Ledger, Supervise: p.Supervise, Family: p.Family, Jobs: p.Jobs}
	if err := srv.Start(hs.Mux()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
}

// waitJob polls GET /api/jobs/:id as the console does until the job ends.
func waitJob(t *testing.T, h *platformtest.Harness, token, id string) jobs.Job {
	t.Helper()
	var j jobs.Job
	testenv.WaitFor(t, 30*time.Second, "job "+id+" ends", func() bool {
		r := h.Do("GET", "/api/jobs/"+id, token, nil)
		if r.Status != 200 {
			t.Fatalf("GET job: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &j)
		return !j.Active()
	})
	return j
}

// TestJobsRebuildAndPlan: the console's rebuild and month plan run as
// background jobs (issue 14): started with 202, a second start while one
// is queued gets the same job, the job ends 已完成 with done == total and
// the same result as the synchronous run, and another county's organizer
// cannot read it.
func TestJobsRebuildAndPlan(t *testing.T) {
	h := platformtest.New(t)
	admin, org, other := h.Login("admin"), h.Login("szq"), h.Login("linxian")
	// Three of county A's elders paired, each with one of its volunteers.
	var vs []registry.Volunteer
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, countyA) && v.Status == registry.VolActive {
			vs = append(vs, v)
		}
	}
	n := 0
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, countyA) && e.Status == registry.StatusActive && n < 3 {
			visittest.Pair(t, h.P.Store, e, 0, vs[n])
			n++
		}
	}

	// Rebuild (V6, R1): two starts before any worker runs are one job.
	r := h.Do("POST", "/api/ledger/rebuild?background=1", admin, nil)
	var rj jobs.Job
	r.JSON(t, &rj)
	if r.Status != 202 || rj.ID == "" || rj.State != jobs.StateQueued || rj.Kind != jobs.KindLedgerRebuild {
		t.Fatalf("start rebuild: %d %s", r.Status, r.Body)
	}
	var again jobs.Job
	h.Do("POST", "/api/ledger/rebuild?background=1", admin, nil).JSON(t, &again)
	if again.ID != rj.ID {
		t.Fatalf("second start ran a second rebuild: %s then %s", rj.ID, again.ID)
	}
	if r := h.Do("POST", "/api/ledger/rebuild?background=1", org, nil); r.Status != 403 {
		t.Fatalf("county organizer starts a rebuild: %d", r.Status)
	}

	// Plan (S1) for county A next month.
	month := time.Now().In(clock.Shanghai).AddDate(0, 1, 0).Format("2006-01")
	if r := h.Do("POST", "/api/visits/plan?background=1", other, map[string]string{"area": "370101000000", "month": month}); r.Status != 400 {
		t.Fatalf("sibling county plans county A: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/visits/plan?background=1", org, map[string]string{"area": "370101000000", "month": month})
	var pj jobs.Job
	r.JSON(t, &pj)
	if r.Status != 202 || pj.Kind != jobs.KindVisitPlan || pj.Month != month || pj.Area != "370101000000" {
		t.Fatalf("start plan: %d %s", r.Status, r.Body)
	}

	startWorker(t, h)
	rdone := waitJob(t, h, admin, rj.ID)
	pdone := waitJob(t, h, org, pj.ID)

	for _, j := range []jobs.Job{rdone, pdone} {
		if j.State != jobs.StateDone || j.Error != "" || j.Total == 0 || j.Done != j.Total || j.StartedAt == nil || j.FinishedAt == nil {
			t.Fatalf("job %s did not end 已完成 with done == total: %+v", j.Kind, j)
		}
	}
	// The same result as the synchronous run.
	var sync ledger.RebuildResult
	if r := h.Do("POST", "/api/ledger/rebuild", admin, nil); r.Status != 200 {
		t.Fatalf("sync rebuild: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &sync)
	}
	for k, want := range map[string]int{"entries": sync.Entries, "subsidies": sync.Subsidies, "areas": sync.Areas, "people": sync.People} {
		if got, _ := rdone.Result[k].(float64); int(got) != want {
			t.Errorf("rebuild job %s = %v, synchronous run %d", k, rdone.Result[k], want)
		}
	}
	var plan visit.PlanResult
	h.Do("POST", "/api/visits/plan", org, map[string]string{"area": "370101000000", "month": month}).JSON(t, &plan)
	planned, _ := pdone.Result["planned"].(float64)
	elders, _ := pdone.Result["elders"].(float64)
	if int(elders) != plan.Elders || plan.Elders == 0 || int(planned) != plan.Planned+plan.Existing || plan.Planned != 0 {
		t.Errorf("plan job %v, synchronous re-run %+v", pdone.Result, plan)
	}
	if pdone.Done != 3 || plan.Elders != 3 {
		t.Errorf("plan job done %d of %d, planned %d elders", pdone.Done, pdone.Total, plan.Elders)
	}

	// Another county's organizer cannot read either job; a city above can.
	for _, id := range []string{rj.ID, pj.ID} {
		if r := h.Do("GET", "/api/jobs/"+id, other, nil); r.Status != 404 {
			t.Errorf("another county reads job %s: %d %s", id, r.Status, r.Body)
		}
	}
	if r := h.Do("GET", "/api/jobs/"+pj.ID, h.Login("jinan"), nil); r.Status != 200 {
		t.Errorf("city organizer reads a county's plan job: %d", r.Status)
	}

	// A plan for a month gone by fails with the reason in Chinese, and a
	// second start afterwards is a new run (the first released its claim).
	past := time.Now().In(clock.Shanghai).AddDate(0, -2, 0).Format("2006-01")
	var fj jobs.Job
	h.Do("POST", "/api/visits/plan?background=1", org, map[string]string{"area": countyA, "month": past}).JSON(t, &fj)
	if j := waitJob(t, h, org, fj.ID); j.State != jobs.StateFailed || j.Error != "不能为已经过去的月份制定计划" || j.FinishedAt == nil {
		t.Fatalf("plan for a past month: %+v", j)
	}
	var fj2 jobs.Job
	h.Do("POST", "/api/visits/plan?background=1", org, map[string]string{"area": countyA, "month": past}).JSON(t, &fj2)
	if fj2.ID == fj.ID || fj2.ID == "" {
		t.Fatalf("start after a failed run returned the failed job: %+v", fj2)
	}
	waitJob(t, h, org, fj2.ID)
	if r := h.Do("POST", "/api/visits/plan?background=2", org, map[string]string{"area": countyA, "month": month}); r.Status != 400 || r.ErrorField(t) != "background" {
		t.Fatalf("bad background flag: %d %s", r.Status, r.Body)
	}

	// Once ended, a new start is a new run.
	r = h.Do("POST", "/api/ledger/rebuild?background=1", admin, nil)
	var next jobs.Job
	r.JSON(t, &next)
	if r.Status != 202 || next.ID == rj.ID {
		t.Fatalf("rebuild after the first ended: %d %s", r.Status, r.Body)
	}
	if j := waitJob(t, h, admin, next.ID); j.State != jobs.StateDone {
		t.Fatalf("second rebuild: %+v", j)
	}
}
