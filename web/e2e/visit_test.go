package e2e

import (
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
)

// TestPairAndVisitJourney: the county organizer proposes pairs, reads their
// explanations and confirms them, plans the month's visits; a paired
// volunteer logs in, sees the visit, checks in, ticks the checklist and
// checks out; the visit is done once.
func TestPairAndVisitJourney(t *testing.T) {
	ctx := browser(t)
	s := startFreshSite(t)

	loginConsole(t, s, ctx, "szq")
	open(t, s, ctx, "/pairing")
	must(t, ctx, unready(), chromedp.Click(chromedp.CSS("#propose")), chromedp.WaitVisible(chromedp.CSS("#proposal")), waitReady())
	if items := text(t, ctx, "#proposal-items tbody"); !strings.Contains(items, "km") && !strings.Contains(items, "公里") {
		t.Logf("explanations: %.300s", items)
	}
	shot(t, ctx, "console-pairing-proposal")
	must(t, ctx, chromedp.Click(chromedp.CSS("#confirm-all")), chromedp.WaitVisible(chromedp.CSS("#proposal-msg .ok")))
	if m := text(t, ctx, "#proposal-msg"); !strings.Contains(m, "已确认") {
		t.Fatalf("confirm: %s", m)
	}
	open(t, s, ctx, "/coverage")
	shot(t, ctx, "console-coverage")

	open(t, s, ctx, "/visits")
	must(t, ctx, chromedp.Click(chromedp.CSS("#plan")), chromedp.WaitVisible(chromedp.CSS("#plan-msg .ok")),
		unready(), waitReady(), // the page reloads with the plan
		chromedp.WaitVisible(chromedp.CSS(`table tbody tr:nth-child(2)`)))
	shot(t, ctx, "console-visits")
	open(t, s, ctx, "/")
	if c := text(t, ctx, "#stat-coverage .n"); c == "" || c == "—" {
		t.Fatalf("dashboard coverage %q", c)
	}
	shot(t, ctx, "console-dashboard-paired")

	// Whose is the first visit? Ask the API as the organizer.
	var login struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "szq", "password": demo.Password}, &login)
	var list struct {
		Items []struct{ ID, Volunteer, Status string }
	}
	s.api("GET", "/api/visits?limit=1", login.Token, nil, &list)
	if len(list.Items) == 0 {
		t.Fatal("no visits planned")
	}
	visitID, volID := list.Items[0].ID, list.Items[0].Volunteer
	phoneNo := ""
	for _, v := range s.set.Volunteers {
		if v.ID == volID {
			phoneNo = strings.TrimPrefix(v.Phone, "+86")
		}
	}

	m := tab(t, ctx)
	phone(t, m)
	lat, lon, acc := 36.6, 117.0, 20.0
	if _, err := chromedp.CallBrowser(m, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: s.base}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(m, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &acc}); err != nil {
		t.Fatal(err)
	}
	loginPhone(t, s, m, phoneNo, false)
	card := `section.visit[data-visit="` + visitID + `"]`
	must(t, m, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady(), chromedp.WaitVisible(chromedp.CSS(card)))
	shot(t, m, "phone-schedule")
	must(t, m,
		chromedp.Click(chromedp.CSS(card+" button.checkin")),
		chromedp.WaitVisible(chromedp.CSS(card+`[data-status="checked_in"] button.checkout`)))
	waitStatus(t, s, login.Token, visitID, "checked_in")
	must(t, m, chromedp.WaitVisible(chromedp.CSS(card+` button.checkout`)))
	n := eval[int](t, m, `(() => { const b = [...document.querySelectorAll('`+card+` input[name=item]')]; b.forEach(i => { if (!i.checked) i.click(); }); return b.length })()`)
	if n < 5 {
		t.Fatalf("checklist has %d items, want the five ones", n)
	}
	shot(t, m, "phone-visit-checklist")
	must(t, m,
		chromedp.Click(chromedp.CSS(card+" button.checkout")),
		chromedp.WaitVisible(chromedp.CSS(card+`[data-status="done"]`)))
	waitStatus(t, s, login.Token, visitID, "done")
	if st := text(t, m, "#outbox-status"); !strings.Contains(st, "都已上传") {
		t.Fatalf("outbox after check-out: %s", st)
	}
	shot(t, m, "phone-visit-done")
}

// waitStatus waits until the API reports the visit in the status.
func waitStatus(t *testing.T, s *site, token, id, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var v struct{ Status string }
		s.api("GET", "/api/visits/"+id, token, nil, &v)
		if v.Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("visit %s is %q, want %q", id, v.Status, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
