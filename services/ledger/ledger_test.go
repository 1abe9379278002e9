package ledger_test

import (
	"bytes"

	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jinhui/services/ledger"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/stats"
	"jinhui/services/visit"
	"jinhui/services/visit/visittest"
	"jinhui/shared/clock"
)

const countyA = "370101000000"

func day(d string, hour int) time.Time {
	t, _ := clock.ParseDate(d)
	return t.Add(time.Duration(hour) * time.Hour)
}

// storedTotals reads every current total (snapshot plus deltas).
func storedTotals(t *testing.T, h *platformtest.Harness) map[string]map[string]ledger.Sums {
	t.Helper()
	areas, people, err := h.P.Store.AllTotals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]ledger.Sums{}
	for id, ms := range areas {
		if ms := nonZero(ms); len(ms) > 0 {
			out["totals_areas/"+id] = ms
		}
	}
	for id, ms := range people {
		if ms := nonZero(ms); len(ms) > 0 {
			out["totals_people/"+id] = ms
		}
	}
	return out
}

func nonZero(ms map[string]ledger.Sums) map[string]ledger.Sums {
	out := map[string]ledger.Sums{}
	for m, s := range ms {
		s.Recruited = 0 // from the census, not the ledger
		if s != (ledger.Sums{}) {
			out[m] = s
		}
	}
	return out
}

// recount counts the ledger afresh, in the test, entry by entry.
func recount(t *testing.T, h *platformtest.Harness) map[string]map[string]ledger.Sums {
	t.Helper()
	areas, people, _, _, err := h.P.Ledger.Recount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]ledger.Sums{}
	for _, a := range areas {
		if ms := nonZero(a.Months); len(ms) > 0 {
			out["totals_areas/"+a.ID] = ms
		}
	}
	for _, p := range people {
		if ms := nonZero(p.Months); len(ms) > 0 {
			out["totals_people/"+p.ID] = ms
		}
	}
	return out
}

// TestLedger runs a visit through the API and checks rule V6: its hours
// count once though the check-out and the ledger write are retried;
// honour hours are kept apart; a correction is a reversal plus a new
// entry; the totals equal a recount of the ledger, also after a crash
// between an entry's insert and its totals, once rebuilt; the figures
// read the totals; and the certificate is verifiable by its code.
func TestLedger(t *testing.T) {
	ctx := context.Background()
	h := platformtest.New(t)
	clk, q := visittest.NewClock(day("2026-11-25", 10)), &visittest.Queue{}
	h.P.Visits.Now, h.P.Visits.Queue, h.P.SMS.Now = clk.Now, q, clk.Now
	var elder registry.Elder
	var vol registry.Volunteer
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, countyA) && e.Status == registry.StatusActive {
			elder = e
			break
		}
	}
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, countyA) && v.Status == registry.VolActive {
			vol = v
			break
		}
	}
	visittest.Pair(t, h.P.Store, elder, 0, vol)
	org := h.Login("szq")
	if r := h.Do("POST", "/api/visits/plan", org, map[string]string{"area": countyA, "month": "2026-12"}); r.Status != 200 {
		t.Fatalf("plan: %d %s", r.Status, r.Body)
	}
	var list struct{ Items []visit.Visit }
	h.Do("GET", "/api/visits?month=2026-12", org, nil).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("visits: %+v", list.Items)
	}
	v := list.Items[0]
	tok := h.PhoneLogin(vol.Phone, "volunteer")
	clk.Set(day(v.Date, 10))
	if r := h.Do("POST", "/api/visits/"+v.ID+"/checkin", tok, map[string]any{"key": "ci-ledger-0001"}); r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	clk.Set(day(v.Date, 10).Add(270 * time.Minute))
	co := map[string]any{"key": "co-ledger-0001", "items": []string{"chat", "housework", "hygiene", "winter"}}
	for i := 0; i < 3; i++ { // the phone resends the check-out
		if r := h.Do("POST", "/api/visits/"+v.ID+"/checkout", tok, co); r.Status != 200 {
			t.Fatalf("check-out %d: %d %s", i, r.Status, r.Body)
		}
	}
	// A retried ledger write (the visit's key again) and a repeated apply add nothing.
	e, err := h.P.Store.LedgerEntry(ctx, "visit:"+v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.P.Ledger.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := h.P.Ledger.VisitDone(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	var hrs ledger.Hours
	h.Do("GET", "/api/me/hours", tok, nil).JSON(t, &hrs)
	if hrs.Total.Credit != 270 || hrs.Total.Visits != 1 || hrs.Total.Over4h != 1 || hrs.Total.Honour != 0 {
		t.Fatalf("hours after retries: %+v", hrs)
	}

	// Honour hours: added by an organizer with reason and approver, kept apart.
	hon := map[string]any{"key": "honour-0001", "volunteer": vol.ID, "date": "2026-11-02", "minutes": 60, "reason": "签退遗漏", "approver": "王主任"}
	if r := h.Do("POST", "/api/ledger/honour", h.Login("linxian"), hon); r.Status != 404 {
		t.Fatalf("sibling county adds honour hours: %d", r.Status)
	}
	for i := 0; i < 2; i++ {
		if r := h.Do("POST", "/api/ledger/honour", org, hon); r.Status != 200 {
			t.Fatalf("honour: %d %s", r.Status, r.Body)
		}
	}
	h.Do("GET", "/api/volunteers/"+vol.ID+"/hours", org, nil).JSON(t, &hrs)
	if hrs.Total.Credit != 270 || hrs.Total.Honour != 60 || len(hrs.Months) != 2 || hrs.Months[0].Month != "2026-11" || hrs.Months[0].Credit != 0 {
		t.Fatalf("honour hours not apart: %+v", hrs)
	}

	// A correction: 270 minutes were 200 (a reversal and a new entry).
	var cor ledger.Correction
	r := h.Do("POST", "/api/ledger/entries/visit:"+v.ID+"/correct", org, map[string]any{"minutes": 200, "reason": "签退时间有误"})
	r.JSON(t, &cor)
	if r.Status != 200 || cor.Reversal.Minutes != -270 || cor.Reversal.Reverses != "visit:"+v.ID || cor.New == nil || cor.New.Minutes != 200 || cor.Reversal.ByName == "" {
		t.Fatalf("correction: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/ledger/entries/visit:"+v.ID+"/correct", org, map[string]any{"minutes": 100, "reason": "再改"}); r.Status != 409 {
		t.Fatalf("second correction of the same entry: %d", r.Status)
	}
	if old, _ := h.P.Store.LedgerEntry(ctx, "visit:"+v.ID); old.Minutes != 270 {
		t.Fatalf("the corrected entry was changed in place: %+v", old)
	}
	h.Do("GET", "/api/me/hours", tok, nil).JSON(t, &hrs)
	if hrs.Total.Credit != 200 || hrs.Total.Visits != 1 || hrs.Total.Over4h != 0 || hrs.Total.Honour != 60 {
		t.Fatalf("hours after correction: %+v", hrs)
	}

	// The totals equal a recount of the ledger.
	if got, want := storedTotals(t, h), recount(t, h); !reflect.DeepEqual(got, want) {
		t.Fatalf("totals differ from a recount:\n got %v\nwant %v", got, want)
	}
	// A crash between an entry's insert and its totals: short until rebuilt.
	lost := ledger.Entry{ID: "honour:crashed-0001", Kind: ledger.KindHonour, Volunteer: vol.ID, Areas: vol.Areas, Village: vol.Village,
		Date: "2026-11-03", Month: "2026-11", Minutes: 30, Source: "organizer", Reason: "补记", By: "x", ByName: "x", Approver: "y", At: time.Now()}
	if err := h.P.Store.RecordEntry(ctx, lost); err != nil {
		t.Fatal(err)
	}
	if got, want := storedTotals(t, h), recount(t, h); reflect.DeepEqual(got, want) {
		t.Fatalf("the lost entry is counted without a rebuild?")
	}
	if r := h.Do("POST", "/api/ledger/rebuild", org, nil); r.Status != 403 {
		t.Fatalf("county organizer rebuilds: %d", r.Status)
	}
	var res ledger.RebuildResult
	r = h.Do("POST", "/api/ledger/rebuild", h.Login("admin"), nil)
	r.JSON(t, &res)
	if r.Status != 200 || res.Entries != 5 {
		t.Fatalf("rebuild: %d %s", r.Status, r.Body)
	}
	got, want := storedTotals(t, h), recount(t, h)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("totals after rebuild differ from a recount:\n got %v\nwant %v", got, want)
	}
	if s := got["totals_people/v:"+vol.ID]; s["2026-11"].Honour != 90 || s["2026-12"].Credit != 200 {
		t.Fatalf("volunteer totals after rebuild: %+v", s)
	}
	// The apply of the crashed entry after the rebuild adds nothing more.
	if err := h.P.Ledger.Append(ctx, lost); err != nil {
		t.Fatal(err)
	}
	if again := storedTotals(t, h); !reflect.DeepEqual(again, want) {
		t.Fatalf("re-applying after the rebuild changed the totals")
	}

	// The figures read the totals, with the drill-down and the months.
	var rep stats.Report
	r = h.Do("GET", "/api/figures?area="+countyA+"&from=2026-11&to=2026-12", org, nil)
	r.JSON(t, &rep)
	if r.Status != 200 || rep.Area.Visits != 1 || rep.Area.CreditHours != 3.3 || rep.Area.HonourHours != 1.5 || rep.Area.Over4h != 0 ||
		rep.Area.Pairs < 1 || rep.Area.Covered < 1 || rep.Area.Villages < 1 || len(rep.Months) != 2 || len(rep.Children) == 0 {
		t.Fatalf("figures: %d %s", r.Status, r.Body)
	}
	found := false
	for _, c := range rep.Children {
		if registry.Within(elder.Village, c.Code) {
			found = c.Visits == 1 && c.CreditHours == 3.3
		}
	}
	if !found {
		t.Fatalf("drill-down misses the township: %+v", rep.Children)
	}
	var prov stats.Report
	h.Do("GET", "/api/figures?from=2026-11&to=2026-12", h.Login("admin"), nil).JSON(t, &prov)
	if prov.Area.Visits != 1 || len(prov.Children) != 16 {
		t.Fatalf("province figures: %+v", prov.Area)
	}
	if r := h.Do("GET", "/api/figures?area="+countyA, h.Login("linxian"), nil); r.Status != 404 {
		t.Fatalf("sibling county reads county A's figures: %d", r.Status)
	}
	if r := h.Do("GET", "/api/figures/export.xlsx?area="+countyA+"&from=2026-11&to=2026-12", org, nil); r.Status != 200 || len(r.Body) < 1000 {
		t.Fatalf("export: %d", r.Status)
	} else {
		// The office layout: the figures, and the micro-wishes (rule R3) beside them.
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheets := x.GetSheetList()
		head, _ := x.GetRows("微心愿")
		if len(sheets) != 2 || sheets[0] != "统计" || len(head) < 3 || head[1][3] != "发布" || head[len(head)-1][0] != "合计" {
			t.Fatalf("export sheets %v, wish rows %v", sheets, head)
		}
	}
	var dash stats.Dashboard
	h.Do("GET", "/api/figures/dashboard?area="+countyA+"&from=2026-11&to=2026-12", org, nil).JSON(t, &dash)
	if len(dash.Ranking) == 0 || dash.Ranking[0].Visits != 1 || dash.Covered < 1 {
		t.Fatalf("dashboard: %+v", dash)
	}

	// The certificate, verifiable by its code on the public page.
	var cert struct {
		ledger.Certificate
		QR  string
		URL string
	}
	r = h.Do("POST", "/api/me/certificates", tok, map[string]string{"from": "2026-11", "to": "2026-12"})
	r.JSON(t, &cert)
	if r.Status != 200 || cert.Code == "" || !strings.HasPrefix(cert.QR, "data:image/png;base64,") || cert.CreditHours != 3.3 || cert.HonourHours != 1.5 {
		t.Fatalf("certificate: %d %s", r.Status, r.Body)
	}
	// The verification link is the configured public URL; left at a
	// loopback default it would point nowhere for a phone, so the address
	// the request came to stands in.
	public := h.P.API.PublicURL
	h.P.API.PublicURL = "http://localhost:8080"
	var again struct{ URL string }
	h.Do("POST", "/api/me/certificates", tok, map[string]string{"from": "2026-11", "to": "2026-12"}).JSON(t, &again)
	if !strings.HasPrefix(again.URL, "http://example.com/verify.html?code=") {
		t.Fatalf("certificate link with a loopback public URL: %q", again.URL)
	}
	h.P.API.PublicURL = "https://jinhui.example.cn"
	h.Do("POST", "/api/me/certificates", tok, map[string]string{"from": "2026-11", "to": "2026-12"}).JSON(t, &again)
	if !strings.HasPrefix(again.URL, "https://jinhui.example.cn/verify.html?code=") {
		t.Fatalf("certificate link with a configured public URL: %q", again.URL)
	}
	h.P.API.PublicURL = public
	r = h.Do("GET", "/api/certificates/"+strings.ToLower(cert.Code), "", nil)
	var shown ledger.Certificate
	r.JSON(t, &shown)
	if r.Status != 200 || shown.Name != vol.Name || shown.CreditHours != 3.3 || shown.HonourHours != 1.5 || shown.Issuer == "" {
		t.Fatalf("verify: %d %s", r.Status, r.Body)
	}
	for _, secret := range []string{vol.ID, vol.Phone, vol.IDNumber, "370101"} {
		if strings.Contains(string(r.Body), secret) {
			t.Fatalf("the public page shows more than the certificate: %s", r.Body)
		}
	}
	if r := h.Do("GET", "/api/certificates/ABCDEFGHJKLM", "", nil); r.Status != 404 {
		t.Fatalf("unknown code: %d", r.Status)
	}
	if r := h.Do("GET", "/api/certificates/"+cert.Code+"/qr.png", "", nil); r.Status != 200 || !strings.HasPrefix(string(r.Body), "\x89PNG") {
		t.Fatalf("qr: %d", r.Status)
	}
	if r := h.Do("GET", "/api/volunteers/"+vol.ID+"/hours", h.Login("linxian"), nil); r.Status != 404 {
		t.Fatalf("sibling county reads the hours: %d", r.Status)
	}
}
