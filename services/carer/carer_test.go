package carer_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jinhui/services/carer"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/stats"
	"jinhui/shared/clock"
)

const countyA = "370101000000"

// TestCarerMonth takes a carer's month from the roster (C1) and the logs
// (C2) to the computed, adjusted and approved statement and the payment
// list (C3), and the person's move to centralised care (C4).
func TestCarerMonth(t *testing.T) {
	h := platformtest.New(t)
	var c, other registry.Carer
	for _, x := range h.Set.Carers {
		if registry.Within(x.Village, countyA) {
			if c.ID == "" {
				c = x
			} else if other.ID == "" {
				other = x
			}
		}
	}
	var farElder registry.Elder
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, countyA) && e.Village != c.Village {
			farElder = e
			break
		}
	}
	org := h.Login("szq")
	if r := h.Do("POST", "/api/carer-roster", org, map[string]any{"carer": c.ID, "elder": farElder.ID, "startDate": "2026-09-01", "agreement": "自愿"}); r.Status != 400 || r.ErrorField(t) != "elder" {
		t.Fatalf("a person of another village (C1): %d %s", r.Status, r.Body)
	}
	var a carer.Assignment
	r := h.Do("POST", "/api/carer-roster", org, map[string]any{"carer": c.ID, "personName": "李奶奶", "condition": "偏瘫", "startDate": "2026-09-01", "agreement": "2026年9月签订邻里照护协议"})
	r.JSON(t, &a)
	if r.Status != 200 || a.Status != carer.Active || a.Village != c.Village {
		t.Fatalf("roster: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/carer-roster", h.Login("linxian"), map[string]any{"carer": c.ID, "personName": "x", "startDate": "2026-09-01", "agreement": "x"}); r.Status != 404 {
		t.Fatalf("sibling county adds to county A's roster: %d", r.Status)
	}

	// Logs from the phone: 12 days of October, one resent; backdating limited.
	tok := h.PhoneLogin(c.Phone, "carer")
	at := func(d string) {
		h.P.Carers.Now = func() time.Time { t0, _ := clock.ParseDate(d); return t0.Add(20 * time.Hour) }
	}
	for d := 1; d <= 12; d++ {
		date := fmt.Sprintf("2026-10-%02d", d)
		at(date)
		if d == 12 {
			at("2026-10-14") // logged two days late: allowed and visible
		}
		log := map[string]any{"key": fmt.Sprintf("phone-log-%04d", d), "assignment": a.ID, "date": date, "kinds": []string{"助餐", "助洁"}, "minutes": 60, "note": "做饭打扫"}
		var l carer.Log
		r := h.Do("POST", "/api/carer-logs", tok, log)
		r.JSON(t, &l)
		if r.Status != 200 || (d == 12) != (l.Backdated == 2) {
			t.Fatalf("log %d: %d %s", d, r.Status, r.Body)
		}
		if d == 5 { // the phone was offline and sends it again
			if r := h.Do("POST", "/api/carer-logs", tok, log); r.Status != 200 {
				t.Fatalf("resend: %d", r.Status)
			}
		}
	}
	at("2026-10-14")
	if r := h.Do("POST", "/api/carer-logs", tok, map[string]any{"key": "phone-log-late", "assignment": a.ID, "date": "2026-10-10", "kinds": []string{"助行"}, "minutes": 30}); r.Status != 400 || r.ErrorField(t) != "date" {
		t.Fatalf("4 days back: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/carer-logs", tok, map[string]any{"key": "phone-log-futr", "assignment": a.ID, "date": "2026-10-15", "kinds": []string{"助行"}, "minutes": 30}); r.Status != 400 {
		t.Fatalf("future date: %d", r.Status)
	}
	if r := h.Do("POST", "/api/carer-logs", tok, map[string]any{"key": "phone-log-kind", "assignment": a.ID, "date": "2026-10-14", "kinds": []string{"唱歌"}, "minutes": 30}); r.Status != 400 {
		t.Fatalf("unknown kind: %d", r.Status)
	}
	var logs struct{ Items []carer.Log }
	h.Do("GET", "/api/carer-logs?month=2026-10", tok, nil).JSON(t, &logs)
	if len(logs.Items) != 12 {
		t.Fatalf("carer's logs: %d", len(logs.Items))
	}
	if other.ID != "" {
		h.Do("GET", "/api/carer-logs", h.PhoneLogin(other.Phone, "carer"), nil).JSON(t, &logs)
		if len(logs.Items) != 0 {
			t.Fatalf("another carer sees the logs")
		}
	}

	// The county's rule, the month's statements, an adjustment with a reason.
	if r := h.Do("PUT", "/api/carer-rules/"+countyA, org, map[string]any{"mode": "daily", "rate": 30, "cap": 300}); r.Status != 200 {
		t.Fatalf("rule: %d %s", r.Status, r.Body)
	}
	// Before any statement, the carer's phone shows the subsidy as the rule
	// will pay it (12 days × 30, capped at 300), not "0 元".
	var pv carer.Preview
	if r := h.Do("GET", "/api/me/carer-subsidy?month=2026-10", tok, nil); r.Status != 200 {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &pv)
	}
	if pv.Days != 12 || len(pv.Dates) != 12 || pv.Amount != 300 || pv.Status != "none" || pv.Rule.Mode != "daily" {
		t.Fatalf("preview before the statement: %+v", pv)
	}
	if r := h.Do("GET", "/api/me/carer-subsidy?month=10月", tok, nil); r.Status != 400 || r.ErrorField(t) != "month" {
		t.Fatalf("preview of a bad month: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/me/carer-subsidy", org, nil); r.Status != 403 {
		t.Fatalf("organizer reads a carer preview: %d", r.Status)
	}
	var sts struct{ Items []carer.Statement }
	r = h.Do("POST", "/api/carer-statements/compute", org, map[string]any{"county": countyA, "month": "2026-10"})
	r.JSON(t, &sts)
	var st carer.Statement
	for _, s := range sts.Items {
		if s.Carer == c.ID {
			st = s
		}
	}
	if r.Status != 200 || st.Days != 12 || st.Logs != 12 || st.Computed != 300 || st.Status != carer.Draft {
		t.Fatalf("statement: %d %+v", r.Status, st)
	}
	if r := h.Do("POST", "/api/carer-statements/"+st.ID+"/approve", org, map[string]any{"amount": 280, "version": st.Version}); r.Status != 400 || r.ErrorField(t) != "reason" {
		t.Fatalf("adjusted without reason: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/carer-statements/"+st.ID+"/approve", org, map[string]any{"amount": 280, "reason": "10月12日补记不足时长", "version": st.Version})
	r.JSON(t, &st)
	if r.Status != 200 || st.Status != carer.Approved || st.Amount != 280 || st.ApprovedByName == "" {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/carer-statements/"+st.ID+"/approve", org, map[string]any{"version": st.Version}); r.Status != 409 {
		t.Fatalf("approved twice: %d", r.Status)
	}
	h.Do("POST", "/api/carer-statements/compute", org, map[string]any{"county": countyA, "month": "2026-10"}).JSON(t, &sts)
	for _, s := range sts.Items {
		if s.ID == st.ID && (s.Amount != 280 || s.Status != carer.Approved) {
			t.Fatalf("recompute changed a frozen statement: %+v", s)
		}
	}
	if r := h.Do("POST", "/api/carer-logs", tok, map[string]any{"key": "phone-log-aftr", "assignment": a.ID, "date": "2026-10-13", "kinds": []string{"助医"}, "minutes": 30}); r.Status != 400 {
		t.Fatalf("log into an approved month: %d", r.Status)
	}
	h.Do("GET", "/api/me/carer-subsidy?month=2026-10", tok, nil).JSON(t, &pv)
	if pv.Status != carer.Approved || pv.Amount != 280 || pv.Reason == "" {
		t.Fatalf("preview after approval: %+v", pv)
	}
	h.Do("GET", "/api/carer-statements", tok, nil).JSON(t, &sts)
	if len(sts.Items) != 1 || sts.Items[0].Amount != 280 {
		t.Fatalf("carer's statements: %+v", sts.Items)
	}

	// The payment list for the finance office.
	r = h.Do("GET", "/api/carer-statements/payments.xlsx?area="+countyA+"&month=2026-10", org, nil)
	if r.Status != 200 {
		t.Fatalf("payments: %d %s", r.Status, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("补贴发放表")
	if len(rows) != 4 || rows[2][1] != c.Name || rows[2][7] != "280" || rows[3][0] != "合计" || rows[3][7] != "280" {
		t.Fatalf("payment list: %v", rows)
	}
	if r := h.Do("GET", "/api/carer-statements/payments.xlsx?area="+countyA+"&month=2026-10", h.Login("linxian"), nil); r.Status != 404 {
		t.Fatalf("sibling county exports county A's payments: %d", r.Status)
	}

	// The figures count the carer's month, the same before and after a rebuild.
	check := func(when string) {
		var rep stats.Report
		h.Do("GET", "/api/figures?area="+countyA+"&from=2026-10&to=2026-10", org, nil).JSON(t, &rep)
		if rep.Area.Subsidy != 280 || rep.Area.CarerLogs != 12 || rep.Area.CarerHours != 12 {
			t.Fatalf("figures %s: %+v", when, rep.Area)
		}
	}
	check("before the rebuild")
	if r := h.Do("POST", "/api/ledger/rebuild", h.Login("admin"), nil); r.Status != 200 {
		t.Fatalf("rebuild: %d", r.Status)
	}
	check("after the rebuild")
	var rep stats.Report
	h.Do("GET", "/api/figures?area="+countyA+"&from=2026-10&to=2026-10", org, nil).JSON(t, &rep)
	if rep.Area.Carers < 1 || rep.Area.CaredFor != 1 {
		t.Fatalf("census: %+v", rep.Area)
	}

	// C4: moved to centralised care, the person leaves the roster.
	r = h.Do("POST", "/api/carer-roster/"+a.ID+"/leave", org, map[string]any{"date": "2026-10-20", "reason": "转乡镇敬老院集中供养", "centralised": true, "version": a.Version})
	r.JSON(t, &a)
	if r.Status != 200 || a.Status != carer.Left || !a.Centralised || a.LeftReason == "" {
		t.Fatalf("leave: %d %s", r.Status, r.Body)
	}
	at("2026-11-02")
	if r := h.Do("POST", "/api/carer-logs", tok, map[string]any{"key": "phone-log-left", "assignment": a.ID, "date": "2026-11-02", "kinds": []string{"助餐"}, "minutes": 30}); r.Status != 400 {
		t.Fatalf("log for a person who left: %d", r.Status)
	}
}

// TestElderToCentralisedCare (C4): an elder of the register on a carer's
// roster is moved to centralised care; the roster entry ends that day with
// the reason, the carer can no longer log home help for them (so nothing
// more is paid), and nobody can put them back on a home-care roster.
func TestElderToCentralisedCare(t *testing.T) {
	h := platformtest.New(t)
	var c registry.Carer
	for _, x := range h.Set.Carers {
		if registry.Within(x.Village, countyA) {
			c = x
			break
		}
	}
	var e registry.Elder
	for _, x := range h.Set.Elders {
		if x.Village == c.Village && x.Status == registry.StatusActive {
			e = x
			break
		}
	}
	if e.ID == "" {
		t.Fatal("no active elder in the carer's village")
	}
	org := h.Login("szq")
	today := clock.Today(time.Now())
	var a carer.Assignment
	r := h.Do("POST", "/api/carer-roster", org, map[string]any{"carer": c.ID, "elder": e.ID, "startDate": today, "agreement": "邻里照护协议"})
	if r.JSON(t, &a); r.Status != 200 {
		t.Fatalf("roster: %d %s", r.Status, r.Body)
	}
	tok := h.PhoneLogin(c.Phone, "carer")
	if r := h.Do("POST", "/api/carer-logs", tok, map[string]any{"key": "c4-log-before", "assignment": a.ID, "date": today, "kinds": []string{"助行"}, "minutes": 30}); r.Status != 200 {
		t.Fatalf("log while at home: %d %s", r.Status, r.Body)
	}
	var cur registry.Elder
	h.Do("GET", "/api/elders/"+e.ID, org, nil).JSON(t, &cur)
	if r := h.Do("POST", "/api/elders/"+e.ID+"/status", org, map[string]any{"status": "centralised", "date": today, "reason": "失能, 入住乡镇敬老院", "version": cur.Version}); r.Status != 200 {
		t.Fatalf("to centralised care: %d %s", r.Status, r.Body)
	}
	var roster struct{ Items []carer.Assignment }
	h.Do("GET", "/api/carer-roster", tok, nil).JSON(t, &roster)
	for _, x := range roster.Items {
		if x.ID == a.ID {
			t.Fatalf("the carer's roster still lists the centralised elder: %+v", x)
		}
	}
	var left carer.Assignment
	h.Do("GET", "/api/carer-roster?area="+c.Village, org, nil).JSON(t, &roster)
	for _, x := range roster.Items {
		if x.ID == a.ID {
			left = x
		}
	}
	if left.Status != carer.Left || !left.Centralised || left.LeftDate != today || !strings.Contains(left.LeftReason, "集中供养") {
		t.Fatalf("roster entry after the move: %+v", left)
	}
	if r := h.Do("POST", "/api/carer-logs", tok, map[string]any{"key": "c4-log-after", "assignment": a.ID, "date": today, "kinds": []string{"助行"}, "minutes": 30}); r.Status != 400 || r.ErrorField(t) != "assignment" {
		t.Fatalf("home help logged for a centralised elder: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/carer-roster", org, map[string]any{"carer": c.ID, "elder": e.ID, "startDate": today, "agreement": "再签"}); r.Status != 400 || r.ErrorField(t) != "elder" {
		t.Fatalf("a centralised elder put back on a home-care roster: %d %s", r.Status, r.Body)
	}
}
