package visit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jinhui/services/notify"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/services/visit/visittest"
	"jinhui/shared/clock"
)

type world struct {
	h      *platformtest.Harness
	clk    *visittest.Clock
	q      *visittest.Queue
	elders []registry.Elder
	vols   map[string]registry.Volunteer // by id
}

// setup pairs two elders of county 370101 with two volunteers each and
// puts the platform on a settable clock and a recording queue.
func setup(t *testing.T, start time.Time) *world {
	h := platformtest.New(t)
	w := &world{h: h, clk: visittest.NewClock(start), q: &visittest.Queue{}, vols: map[string]registry.Volunteer{}}
	h.P.Visits.Now, h.P.Visits.Queue, h.P.SMS.Now = w.clk.Now, w.q, w.clk.Now
	var vs []registry.Volunteer
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, "370101000000") {
			vs = append(vs, v)
		}
	}
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, "370101000000") && e.Status == registry.StatusActive && len(w.elders) < 2 {
			w.elders = append(w.elders, e)
		}
	}
	for i, e := range w.elders {
		for slot := 0; slot < 2; slot++ {
			v := vs[i*2+slot]
			visittest.Pair(t, h.P.Store, e, slot, v)
			w.vols[v.ID] = v
		}
	}
	return w
}

func (w *world) at(t *testing.T, when time.Time) {
	t.Helper()
	w.clk.Set(when)
	if _, err := w.h.P.Visits.Sweep(context.Background(), 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, id := range w.q.Due(when) {
		if err := w.h.P.Visits.Remind(context.Background(), id); err != nil {
			t.Fatalf("remind %s: %v", id, err)
		}
	}
}

func (w *world) messages(t *testing.T, kind string) []notify.Message {
	t.Helper()
	ms, _, err := w.h.P.Store.Messages(context.Background(), "", 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Message
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func day(d string, hour int) time.Time {
	t, _ := clock.ParseDate(d)
	return t.Add(time.Duration(hour) * time.Hour)
}

// TestMonth plans December for a county and runs the clock through it:
// reminders 3 days and 1 day before at 09:00 (none at night), a visit
// checked in and out with its checklist and hours counted once, and a
// missed visit escalated: volunteer reminded, partner offered, organizer alerted.
func TestMonth(t *testing.T) {
	w := setup(t, day("2026-11-25", 10))
	h := w.h
	org := h.Login("szq")
	r := h.Do("POST", "/api/visits/plan", org, map[string]string{"area": "370101000000", "month": "2026-12"})
	var res visit.PlanResult
	r.JSON(t, &res)
	if r.Status != 200 || res.Planned != 2 || res.Elders != 2 {
		t.Fatalf("plan: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/visits/plan", org, map[string]string{"area": "370101000000", "month": "2026-12"})
	r.JSON(t, &res)
	if res.Planned != 0 || res.Existing != 2 {
		t.Fatalf("second plan duplicated: %s", r.Body)
	}
	if r := h.Do("POST", "/api/visits/plan", h.Login("linxian"), map[string]string{"area": "370101000000", "month": "2026-12"}); r.Status != 400 {
		t.Fatalf("sibling county plans county A: %d", r.Status)
	}
	var list struct {
		Items []visit.Visit
		Total int
	}
	h.Do("GET", "/api/visits?month=2026-12", org, nil).JSON(t, &list)
	if list.Total != 2 {
		t.Fatalf("visits listed: %d", list.Total)
	}
	done, missed := list.Items[0], list.Items[1]
	for _, v := range list.Items {
		if v.Date[:7] != "2026-12" || len(v.Checklist) != 5 || len(v.Partners) != 1 || v.VillageName == "" {
			t.Fatalf("planned visit: %+v", v)
		}
	}

	// The volunteer sees the schedule: elder, village, date, partner, checklist.
	vol := w.vols[done.Volunteer]
	tok := h.PhoneLogin(vol.Phone, "volunteer")
	var sched struct{ Items []visit.Visit }
	h.Do("GET", "/api/me/visits", tok, nil).JSON(t, &sched)
	if len(sched.Items) != 1 || sched.Items[0].ID != done.ID || sched.Items[0].ElderName != done.ElderName || sched.Items[0].Partners[0].Name == "" {
		t.Fatalf("schedule: %+v", sched.Items)
	}
	if r := h.Do("GET", "/api/visits/"+missed.ID, tok, nil); r.Status != 404 {
		t.Fatalf("volunteer reads another elder's visit: %d", r.Status)
	}

	// Reminders: none before 09:00 three days ahead, one at 09:00, one the day before.
	d3, d1 := visit.At9(done.Date, -3), visit.At9(done.Date, -1)
	w.at(t, d3.Add(-time.Hour))
	if n := len(w.messages(t, "visit_d3")); n != 0 {
		t.Fatalf("%d reminders before their time", n)
	}
	w.at(t, d3)
	w.at(t, d3.Add(time.Minute)) // a second sweep sends nothing more
	if ms := w.messages(t, "visit_d3"); len(ms) < 1 || !strings.Contains(bodyFor(ms, vol.Phone), done.ElderName) {
		t.Fatalf("3-day reminder: %+v", ms)
	}
	w.at(t, d1)
	if ms := w.messages(t, "visit_d1"); len(ms) < 1 || ms[0].ValidUntil.IsZero() {
		t.Fatalf("1-day reminder: %+v", ms)
	}

	// On the day: check in (far from home: flagged, not refused), check out after 4.5 hours.
	w.clk.Set(day(done.Date, 10))
	lat, lon := 36.0, 118.5
	ci := map[string]any{"key": "ci-0001-abcd", "lat": lat, "lon": lon}
	var v visit.Visit
	r = h.Do("POST", "/api/visits/"+done.ID+"/checkin", tok, ci)
	r.JSON(t, &v)
	if r.Status != 200 || v.Status != visit.StatusCheckedIn || !v.CheckIn.Far || v.CheckIn.DistanceKm < 2 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/visits/"+done.ID+"/checkin", tok, ci); r.Status != 200 {
		t.Fatalf("check-in sent again: %d %s", r.Status, r.Body)
	}
	w.clk.Set(day(done.Date, 10).Add(270 * time.Minute))
	co := map[string]any{"key": "co-0001-abcd", "items": []string{"chat", "housework"}, "condition": "好"}
	if r := h.Do("POST", "/api/visits/"+done.ID+"/checkout", tok, co); r.Status != 400 || r.ErrorField(t) != "undoneReason" {
		t.Fatalf("required item undone without reason: %d %s", r.Status, r.Body)
	}
	co["items"] = []string{"chat", "housework", "hygiene", "winter"}
	co["concern"] = "老人腿疼, 需就医"
	// A follow-up that fails (a wish delivery, say) fails the check-out
	// instead of vanishing; the phone's retry with the same key runs every
	// follow-up again.
	wired, calls := h.P.Visits.OnDone, 0
	h.P.Visits.OnDone = append([]func(context.Context, visit.Visit) error{func(context.Context, visit.Visit) error {
		if calls++; calls == 1 {
			return errors.New("store unreachable")
		}
		return nil
	}}, wired...)
	defer func() { h.P.Visits.OnDone = wired }()
	if r := h.Do("POST", "/api/visits/"+done.ID+"/checkout", tok, co); r.Status != 500 {
		t.Fatalf("check-out whose follow-up failed: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/visits/"+done.ID+"/checkout", tok, co)
	r.JSON(t, &v)
	if r.Status != 200 || v.Status != visit.StatusDone || v.Minutes != 270 || !v.Over4h {
		t.Fatalf("check-out: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/visits/"+done.ID+"/checkout", tok, co); r.Status != 200 {
		t.Fatalf("check-out sent again: %d", r.Status)
	}
	// A finished visit stays on the phone's schedule, done, with its length.
	h.Do("GET", "/api/me/visits", tok, nil).JSON(t, &sched)
	if len(sched.Items) != 1 || sched.Items[0].Status != visit.StatusDone || sched.Items[0].Minutes != 270 {
		t.Fatalf("schedule after check-out: %+v", sched.Items)
	}
	if calls != 3 {
		t.Fatalf("follow-ups ran %d times over three check-outs", calls)
	}
	e, err := h.P.Store.LedgerEntry(context.Background(), "visit:"+done.ID)
	if err != nil || e.Minutes != 270 || !e.Over4h || e.Volunteer != vol.ID || len(e.Items) != 4 {
		t.Fatalf("ledger entry: %+v %v", e, err)
	}
	if n, _ := h.P.Store.DB.Collection("ledger").CountDocuments(context.Background(), map[string]any{}); n != 1 {
		t.Fatalf("%d ledger entries, want 1", n)
	}
	pair, err := h.P.Store.Pair(context.Background(), done.Pair)
	if err != nil || pair.LastVisitAt == nil {
		t.Fatalf("pair's last visit not recorded: %+v %v", pair, err)
	}

	// The other visit is missed: the day after at 09:00 the volunteer is
	// reminded; at night nothing is sent; 3 days after the partner is
	// offered it; 5 days after the organizer is alerted.
	missedVol, partner := w.vols[missed.Volunteer], w.vols[missed.Partners[0].ID]
	w.at(t, day(missed.Date, 23))
	w.at(t, visit.At9(missed.Date, 1).Add(-10*time.Hour)) // 23:00 the night of the visit
	if n := len(w.messages(t, "visit_missed")); n != 0 {
		t.Fatalf("missed-visit text sent at night")
	}
	w.at(t, visit.At9(missed.Date, 1))
	if ms := w.messages(t, "visit_missed"); len(ms) != 1 || ms[0].To != missedVol.Phone {
		t.Fatalf("missed reminder: %+v", ms)
	}
	h.Do("GET", "/api/visits/"+missed.ID, org, nil).JSON(t, &v)
	if v.Status != visit.StatusMissed || v.Escalation != 1 {
		t.Fatalf("after the day: %s %d", v.Status, v.Escalation)
	}
	w.at(t, visit.At9(missed.Date, 3))
	if ms := w.messages(t, "visit_offer"); len(ms) != 1 || ms[0].To != partner.Phone {
		t.Fatalf("offer to partner: %+v", ms)
	}
	h.Do("GET", "/api/visits/"+missed.ID, org, nil).JSON(t, &v)
	if v.Status != visit.StatusOffered || v.Escalation != 2 {
		t.Fatalf("after 3 days: %s %d", v.Status, v.Escalation)
	}
	w.at(t, visit.At9(missed.Date, 5))
	var alerts struct {
		Items []visit.Alert
		Total int
	}
	h.Do("GET", "/api/visits/alerts", org, nil).JSON(t, &alerts)
	if alerts.Total != 2 { // the missed visit and the concern raised at check-out
		t.Fatalf("alerts: %+v", alerts)
	}
	h.Do("GET", "/api/visits/alerts", h.Login("linxian"), nil).JSON(t, &alerts)
	if alerts.Total != 0 {
		t.Fatalf("sibling county sees county A's alerts")
	}
	// The partner takes the offered visit and it is theirs.
	ptok := h.PhoneLogin(partner.Phone, "volunteer")
	h.Do("GET", "/api/visits/"+missed.ID, ptok, nil).JSON(t, &v)
	if v.Escalation != 3 {
		t.Fatalf("after 5 days: escalation %d", v.Escalation)
	}
	r = h.Do("POST", "/api/visits/"+missed.ID+"/take", ptok, map[string]any{"reason": "我去", "version": v.Version})
	r.JSON(t, &v)
	if r.Status != 200 || v.Volunteer != partner.ID || v.Status != visit.StatusPlanned {
		t.Fatalf("take: %d %s", r.Status, r.Body)
	}
	// Every reminder was sent once: one message per key.
	for _, kind := range []string{"visit_d3", "visit_d1", "visit_missed", "visit_offer"} {
		seen := map[string]bool{}
		for _, m := range w.messages(t, kind) {
			if seen[m.ID] {
				t.Fatalf("%s sent twice: %s", kind, m.ID)
			}
			seen[m.ID] = true
		}
	}
}

func bodyFor(ms []notify.Message, to string) string {
	for _, m := range ms {
		if m.To == to {
			return m.Body
		}
	}
	return ""
}
