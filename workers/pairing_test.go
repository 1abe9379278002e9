package workers_test

import (
	"context"
	"testing"
	"time"

	"jinhui/services/pairing"
	"jinhui/services/platform/platformtest"
	"jinhui/shared/testenv"
	"jinhui/workers"
	"jinhui/workers/tasks"
)

// TestPairingCheck runs the daily relay check through the task mux: a relay
// open longer than the county's limit raises one alert, visible to the
// county's organizers only, and a second run changes nothing.
func TestPairingCheck(t *testing.T) {
	h := platformtest.New(t)
	szq := h.Login("szq")
	var p pairing.Proposal
	if r := h.Do("POST", "/api/pairing/proposals", szq, map[string]any{"region": "370101000000"}); r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &p)
	}
	if r := h.Do("POST", "/api/pairing/proposals/"+p.ID+"/confirm", szq, map[string]any{"version": p.Version}); r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	var pairs struct{ Items []pairing.Pair }
	h.Do("GET", "/api/pairs?status=active", szq, nil).JSON(t, &pairs)
	if len(pairs.Items) == 0 {
		t.Fatal("no pairs")
	}
	if r := h.Do("POST", "/api/pairs/"+pairs.Items[0].ID+"/end", szq, map[string]any{"reason": "志愿者搬家"}); r.Status != 200 {
		t.Fatalf("end: %d %s", r.Status, r.Body)
	}
	h.P.Pairing.Now = func() time.Time { return time.Now().AddDate(0, 0, pairing.DefaultRelayLimitDays+3) }
	hd := &workers.Handlers{SMS: h.P.SMS, Pairing: h.P.Pairing, Log: testenv.Logger()}
	count := func(tok string) int {
		var as struct {
			Items []pairing.Alert
			Total int
		}
		if r := h.Do("GET", "/api/pairing/alerts", tok, nil); r.Status != 200 {
			t.Fatalf("alerts: %d %s", r.Status, r.Body)
		} else {
			r.JSON(t, &as)
		}
		return as.Total
	}
	for run := range 2 {
		if err := hd.Mux().ProcessTask(context.Background(), tasks.NewPairingCheckTask()); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if n := count(szq); n != 1 {
			t.Fatalf("run %d: %d alerts, want 1", run, n)
		}
	}
	if n := count(h.Login("linxian")); n != 0 {
		t.Fatalf("sibling county sees %d alerts", n)
	}
	var cv pairing.Coverage
	h.Do("GET", "/api/pairing/coverage?region=370101000000", szq, nil).JSON(t, &cv)
	if cv.Total.OverLimit != 1 || cv.Total.Uncovered != 0 {
		t.Fatalf("coverage after check: %+v", cv.Total)
	}
}
