package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/codecard"
	"jinhui/services/demo"
	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/shared/clock"
	"jinhui/shared/testenv"
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
	token, visitID, right, wrong := codeCardVisit(t, s)

	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(s.volunteer.Phone, "+86"), false)
	card := `section.visit[data-visit="` + visitID + `"]`
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady(), waitVisible(card),
		clickOn(card+" button.checkin"))
	// The card is drawn again when the check-in is uploaded and when the
	// schedule is read again after that: wait until it shows the visit as
	// the server has it, as a volunteer would see it settle.
	waitStatus(t, s, token, visitID, "checked_in")
	waitSettled(t, s, ctx, token, visitID)
	must(t, ctx, waitVisible(card+` .codecard input[name=cardCode]`))
	shot(t, ctx, "phone-codecard-field")
	must(t, ctx, chromedp.SendKeys(chromedp.CSS(card+` .codecard input[name=cardCode]`), wrong),
		clickOn(card+` .codecard button.card-check`))
	waitText(t, ctx, card+` .codecard .error`, "探访码不对")
	if left := text(t, ctx, card+` .codecard .muted`); !strings.Contains(left, "还可以输错 2 次") {
		t.Fatalf("after one wrong code the field says %q", left)
	}
	must(t, ctx, chromedp.SendKeys(chromedp.CSS(card+` .codecard input[name=cardCode]`), right),
		clickOn(card+` .codecard button.card-check`),
		waitVisible(card+` .codecard .card-ok`))
	shot(t, ctx, "phone-codecard-right")
	// The required items are ticked, so the check-out needs no reason.
	eval[int](t, ctx, `(() => { const b = [...document.querySelectorAll('`+card+` input[name=item]')]; b.forEach(i => { if (!i.checked) i.click(); }); return b.length })()`)
	must(t, ctx, clickOn(card+" button.checkout"), waitVisible(card+`[data-status="done"]`))
	waitStatus(t, s, token, visitID, "done")
	var v struct {
		Card *struct {
			Confirmed bool
			Wrong     int
			Flagged   bool
		}
	}
	s.api("GET", "/api/visits/"+visitID, token, nil, &v)
	if v.Card == nil || !v.Card.Confirmed || v.Card.Wrong != 1 || v.Card.Flagged {
		t.Fatalf("visit's card check after check-out: %+v, want confirmed with one wrong code", v.Card)
	}
}

// codeCardVisit pairs the volunteer with an elder, plans the month and
// makes the elder a code card; it returns the organizer's token, the
// volunteer's planned visit and the month's right and a wrong code.
func codeCardVisit(t *testing.T, s *site) (token, visitID, right, wrong string) {
	t.Helper()
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
	var elder, visitMonth string
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
	right = codecard.Code(c.Secret, elder, visitMonth)
	wrong = "000000"
	if right == wrong {
		wrong = "111111"
	}
	return login.Token, visitID, right, wrong
}

// TestPhoneTypingKeptOnRedraw: a volunteer in a village without signal
// checks in and starts typing the card's code and a concern; the signal
// returns, the check-in is uploaded and the schedule read again, which
// draws the card anew. What was typed is still there, the code field
// still has the focus (the phone's keyboard stays open), and typing on
// finishes the code.
func TestPhoneTypingKeptOnRedraw(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	token, visitID, right, _ := codeCardVisit(t, s)

	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(s.volunteer.Phone, "+86"), false)
	// The visit is today, so the phone keeps the card's check data for a
	// check-out without signal.
	today := time.Now().In(clock.Shanghai).Format("2006-01-02")
	var v struct {
		Date    string
		Version int
	}
	s.api("GET", "/api/visits/"+visitID, token, nil, &v)
	if v.Date > today {
		vol := eval[string](t, ctx, `localStorage.getItem('jinhui.phone')`)
		if st := s.api("POST", "/api/visits/"+visitID+"/date", vol, map[string]any{"date": today, "reason": "浏览器测试", "version": v.Version}, nil); st != 200 {
			t.Fatalf("move the visit to today: %d", st)
		}
	}
	card := `section.visit[data-visit="` + visitID + `"]`
	code := card + ` .codecard input[name=cardCode]`
	concern := card + ` textarea[name=concern]`
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady(), waitVisible(card))
	testenv.WaitFor(t, 10*time.Second, "card data on the phone", func() bool {
		return eval[bool](t, ctx, `!!(JSON.parse(localStorage.getItem('jinhui.card.`+visitID+`') || 'null') || {}).hasCard`)
	})

	setNetwork(t, ctx, true, 0, -1)
	must(t, ctx, clickOn(card+" button.checkin"),
		waitVisible(code),
		chromedp.SendKeys(chromedp.CSS(concern), "屋顶漏雨"),
		chromedp.SendKeys(chromedp.CSS(code), right[:3]))
	if st := text(t, ctx, card+" .state"); !strings.Contains(st, "待上传") {
		t.Fatalf("offline check-in shows %q", st)
	}
	eval[bool](t, ctx, `(window.drawnBefore = document.querySelector(`+strconv.Quote(card)+`), true)`)

	setNetwork(t, ctx, false, 0, -1)
	eval[bool](t, ctx, `(dispatchEvent(new Event('online')), true)`) // as a phone does when its link carries data again
	waitStatus(t, s, token, visitID, "checked_in")
	waitSettled(t, s, ctx, token, visitID)
	type field struct {
		Redrawn       bool
		Code, Concern string
		CodeHasFocus  bool
		CaretAtTheEnd bool
	}
	got := eval[field](t, ctx, `(() => {
		const code = document.querySelector(`+strconv.Quote(code)+`);
		return { Redrawn: !window.drawnBefore.isConnected, Code: code.value, Concern: document.querySelector(`+strconv.Quote(concern)+`).value,
			CodeHasFocus: document.activeElement === code, CaretAtTheEnd: code.selectionStart === code.value.length };
	})()`)
	if !got.Redrawn {
		t.Fatal("the card was not drawn again after the upload; the test proves nothing")
	}
	if got.Code != right[:3] || got.Concern != "屋顶漏雨" || !got.CodeHasFocus || !got.CaretAtTheEnd {
		t.Fatalf("after the redraw: %+v, want code %q and concern kept, the code field focused with the caret at the end", got, right[:3])
	}
	// Typing on goes into the field the volunteer was typing in.
	must(t, ctx, chromedp.KeyEvent(right[3:]), clickOn(card+` .codecard button.card-check`),
		waitVisible(card+` .codecard .card-ok`))
	shot(t, ctx, "phone-typing-kept")
}
