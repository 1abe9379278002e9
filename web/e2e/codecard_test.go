package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/codecard"
	"jinhui/services/demo"
	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/shared/clock"
)

// TestPhoneCodeCardAtCheckOut: the elder has a visit code card; at
// check-out the volunteer's phone shows the code field, refuses a wrong
// code (checked on the phone against the offline hash), accepts the
// month's code, and the check-out carries both: the server confirms the
// visit by the card and counts the one wrong code.
func TestPhoneCodeCardAtCheckOut(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	var login struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "szq", "password": demo.Password}, &login)
	month := time.Now().In(clock.Shanghai).Format("2006-01")
	// One active pair: the volunteer and the first elder they serve.
	var e registry.Elder
	for _, x := range s.set.Elders {
		if x.ID == s.paired[0] {
			e = x
		}
	}
	now := time.Now()
	if err := s.p.Store.InsertPair(context.Background(), pairing.Pair{ID: e.ID + ":0:1", Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas,
		County: e.Village[:6] + "000000", Role: "lead", Volunteer: s.volunteer.ID, VolunteerName: s.volunteer.Name, Status: pairing.PairActive,
		StartDate: now.Format("2006-01-02"), Source: "proposal", At: now}); err != nil {
		t.Fatal(err)
	}
	if st := s.api("POST", "/api/visits/plan", login.Token, map[string]string{"month": month}, nil); st != 200 {
		t.Fatalf("plan: %d", st)
	}
	var list struct {
		Items []struct{ ID, Volunteer, Elder, Month, Status string }
	}
	s.api("GET", "/api/visits?limit=100&month="+month, login.Token, nil, &list)
	var visitID, elder, visitMonth string
	for _, v := range list.Items {
		if v.Volunteer == s.volunteer.ID && v.Status == "planned" {
			visitID, elder, visitMonth = v.ID, v.Elder, v.Month
			break
		}
	}
	if visitID == "" {
		t.Fatalf("no planned visit for the paired volunteer among %d", len(list.Items))
	}
	if st := s.api("POST", "/api/elders/"+elder+"/codecard", login.Token, map[string]string{}, nil); st != 201 {
		t.Fatalf("make the card: %d", st)
	}
	c, err := s.p.Store.CodeCard(context.Background(), elder)
	if err != nil {
		t.Fatal(err)
	}
	right := codecard.Code(c.Secret, elder, visitMonth)
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}

	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(s.volunteer.Phone, "+86"), false)
	card := `section.visit[data-visit="` + visitID + `"]`
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady(), chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.Click(chromedp.CSS(card+" button.checkin")),
		chromedp.WaitVisible(chromedp.CSS(card+` .codecard input[name=cardCode]`)))
	shot(t, ctx, "phone-codecard-field")
	must(t, ctx, chromedp.SendKeys(chromedp.CSS(card+` .codecard input[name=cardCode]`), wrong),
		chromedp.Click(chromedp.CSS(card+` .codecard button.card-check`)))
	waitText(t, ctx, card+` .codecard .error`, "探访码不对")
	if left := text(t, ctx, card+` .codecard .muted`); !strings.Contains(left, "还可以输错 2 次") {
		t.Fatalf("after one wrong code the field says %q", left)
	}
	must(t, ctx, chromedp.SendKeys(chromedp.CSS(card+` .codecard input[name=cardCode]`), right),
		chromedp.Click(chromedp.CSS(card+` .codecard button.card-check`)),
		chromedp.WaitVisible(chromedp.CSS(card+` .codecard .card-ok`)))
	shot(t, ctx, "phone-codecard-right")
	// The required items are ticked, so the check-out needs no reason.
	eval[int](t, ctx, `(() => { const b = [...document.querySelectorAll('`+card+` input[name=item]')]; b.forEach(i => { if (!i.checked) i.click(); }); return b.length })()`)
	must(t, ctx, chromedp.Click(chromedp.CSS(card+" button.checkout")), chromedp.WaitVisible(chromedp.CSS(card+`[data-status="done"]`)))
	waitStatus(t, s, login.Token, visitID, "done")
	var v struct {
		Card *struct {
			Confirmed bool
			Wrong     int
			Flagged   bool
		}
	}
	s.api("GET", "/api/visits/"+visitID, login.Token, nil, &v)
	if v.Card == nil || !v.Card.Confirmed || v.Card.Wrong != 1 || v.Card.Flagged {
		t.Fatalf("visit's card check after check-out: %+v, want confirmed with one wrong code", v.Card)
	}
}
