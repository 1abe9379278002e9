package supervise_test

import (
	"testing"

	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/services/supervise"
)

// TestHoldReachesTotals (rules Q1, V6): a suspension reaches "my hours",
// the figures and a certificate at once, reverses the minutes that count
// now (after a correction, not the original), and its restore counts the
// visit back in, also after a rebuild.
func TestHoldReachesTotals(t *testing.T) {
	w := setup(t)
	v := w.visit(t, 0, 60)
	var vol registry.Volunteer
	for _, x := range w.vols {
		if x.ID == v.Volunteer {
			vol = x
		}
	}
	org, admin := w.h.Login("szq"), w.h.Login("admin")
	tok := w.login(vol.Phone)
	hours := func(step string, credit, visits int) {
		t.Helper()
		var h ledger.Hours
		w.h.Do("GET", "/api/me/hours", tok, nil).JSON(t, &h)
		if h.Total.Credit != credit || h.Total.Visits != visits {
			t.Fatalf("%s: my hours %d min, %d visits; want %d, %d", step, h.Total.Credit, h.Total.Visits, credit, visits)
		}
		var c ledger.Certificate
		r := w.h.Do("POST", "/api/me/certificates", tok, map[string]any{"from": w.month, "to": w.month})
		r.JSON(t, &c)
		if r.Status/100 != 2 || c.CreditMinutes != credit || c.Visits != visits {
			t.Fatalf("%s: certificate %d %s; want %d min, %d visits", step, r.Status, r.Body, credit, visits)
		}
	}
	hours("checked out", 60, 1)
	// Corrected to 45 minutes by the organizer.
	if r := w.h.Do("POST", "/api/ledger/entries/visit:"+v.ID+"/correct", org, map[string]any{"minutes": 45, "reason": "签退时间有误"}); r.Status != 200 {
		t.Fatalf("correct: %d %s", r.Status, r.Body)
	}
	hours("corrected", 45, 1)
	// The elder's contact answers "2": suspended, at once, the 45 minutes.
	w.reply(t, "SMholdno", w.elders[0].Contacts[0].Phone, "2")
	if e, err := w.h.P.Store.LedgerEntry(t.Context(), "suspend:"+v.ID+":1"); err != nil || e.Minutes != -45 || e.Reverses != "fix:visit:"+v.ID {
		t.Fatalf("suspension entry: %+v %v", e, err)
	}
	hours("suspended", 0, 0)
	// A check confirms the visit: restored, and counted once after a rebuild.
	sup := w.h.Login("szqdudao")
	var d supervise.Draw
	if r := w.h.Do("POST", "/api/supervise/draws", sup, map[string]any{"region": countyA, "month": w.month, "mode": "risk", "seed": 3, "size": 1}); r.Status != 201 {
		t.Fatalf("draw: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &d)
	}
	var tasks struct{ Items []supervise.Task }
	w.h.Do("GET", "/api/supervise/tasks?draw="+d.ID, sup, nil).JSON(t, &tasks)
	if len(tasks.Items) != 1 || tasks.Items[0].Visit != v.ID {
		t.Fatalf("tasks: %+v", tasks.Items)
	}
	task := tasks.Items[0]
	if r := w.h.Do("POST", "/api/supervise/tasks/"+task.ID+"/result", sup, map[string]any{"result": "confirmed", "notes": "电话核实属实", "version": task.Version}); r.Status != 200 {
		t.Fatalf("result: %d %s", r.Status, r.Body)
	}
	hours("restored", 45, 1)
	if r := w.h.Do("POST", "/api/ledger/rebuild", admin, nil); r.Status != 200 {
		t.Fatalf("rebuild: %d %s", r.Status, r.Body)
	}
	hours("restored, after a rebuild", 45, 1)
}
