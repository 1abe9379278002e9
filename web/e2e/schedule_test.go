package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
	"jinhui/services/registry"
	"jinhui/services/visit/visittest"
	"jinhui/shared/clock"
	"jinhui/shared/testenv"
)

type apiVisit struct {
	ID, Elder, Volunteer, Status, Date, Concern string
	Minutes                                     int
}

// TestVolunteerVisitActions: at 360×640 a volunteer moves a visit within
// the month, swaps with the partner, gives one back; the partner takes it,
// checks in and out offline with a concern, and the finished visit stays
// on the schedule, 已完成 with its length.
func TestVolunteerVisitActions(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	now := time.Now().In(clock.Shanghai)
	month := now.Format("2006-01")
	last := time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, clock.Shanghai)
	if now.Day() >= last.Day()-1 {
		t.Skip("too close to the month's end for a visit to move within it")
	}

	// Two partners on one elder, and this month's visits.
	va := s.volunteer
	var vb registry.Volunteer
	for _, v := range s.set.Volunteers[1:] {
		if v.Village[:6] == va.Village[:6] && v.Status == registry.VolActive {
			vb = v
			break
		}
	}
	var elder registry.Elder
	for _, e := range s.set.Elders {
		if e.ID == s.paired[0] {
			elder = e
		}
	}
	if vb.ID == "" || elder.ID == "" {
		t.Fatal("no partner volunteer or paired elder in the test data")
	}
	visittest.Pair(t, s.p.Store, elder, 0, va)
	visittest.Pair(t, s.p.Store, elder, 1, vb)
	var login struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "admin", "password": demo.Password}, &login)
	county := elder.Village[:6] + "000000"
	var settings map[string]any
	s.api("GET", "/api/visits/settings/"+county, login.Token, nil, &settings)
	settings["perMonth"] = 2 // one visit for each partner
	if st := s.api("PUT", "/api/visits/settings/"+county, login.Token, settings, nil); st != 200 {
		t.Fatalf("two visits a month: %d", st)
	}
	if st := s.api("POST", "/api/visits/plan", login.Token, map[string]string{"area": county, "month": month}, nil); st != 200 {
		t.Fatalf("plan the month: %d", st)
	}
	visits := func() map[string]apiVisit {
		var list struct{ Items []apiVisit }
		s.api("GET", "/api/visits?limit=100&month="+month+"&elder="+elder.ID, login.Token, nil, &list)
		out := map[string]apiVisit{}
		for _, v := range list.Items {
			out[v.ID] = v
		}
		return out
	}
	var mine, theirs apiVisit
	for _, v := range visits() {
		if v.Volunteer == va.ID && v.Status == "planned" {
			mine = v
		} else if v.Volunteer == vb.ID && v.Status == "planned" {
			theirs = v
		}
	}
	if mine.ID == "" || theirs.ID == "" {
		t.Fatalf("planned visits: %+v", visits())
	}

	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(va.Phone, "+86"), false)
	card := func(id string) string { return `section.visit[data-visit="` + id + `"]` }
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady(), waitVisible(card(mine.ID)))
	auditPage(t, ctx, "phone-schedule")

	// Move my visit to the month's last day.
	to := last.Format(time.DateOnly)
	if mine.Date == to {
		to = now.Format(time.DateOnly)
	}
	must(t, ctx, clickOn(card(mine.ID)+" button.act-date"),
		waitVisible(card(mine.ID)+" form[data-sheet=date]"))
	auditPage(t, ctx, "phone-schedule-move")
	must(t, ctx, chromedp.SetValue(chromedp.CSS(card(mine.ID)+" input[name=date]"), to),
		chromedp.SendKeys(chromedp.CSS(card(mine.ID)+" input[name=reason]"), "当天要上课"),
		clickOn(card(mine.ID)+" form[data-sheet=date] button[type=submit]"),
		waitVisible("#change-ok"))
	if v := visits()[mine.ID]; v.Date != to {
		t.Fatalf("moved visit is on %s, want %s", v.Date, to)
	}

	// Swap it with the partner's visit.
	must(t, ctx, clickOn(card(mine.ID)+" button.act-swap"),
		waitVisible(card(mine.ID)+" input[name=with]"),
		clickOn(card(mine.ID)+` input[name=with][value="`+theirs.ID+`"]`),
		clickOn(card(mine.ID)+" form[data-sheet=swap] button[type=submit]"),
		waitVisible(card(theirs.ID)))
	if got := visits(); got[mine.ID].Volunteer != vb.ID || got[theirs.ID].Volunteer != va.ID {
		t.Fatalf("after the swap: %+v", got)
	}

	// Give the swapped-in visit back.
	must(t, ctx, clickOn(card(theirs.ID)+" button.act-giveback"),
		chromedp.SendKeys(chromedp.CSS(card(theirs.ID)+" form[data-sheet=giveback] input[name=reason]"), "生病了"),
		clickOn(card(theirs.ID)+" form[data-sheet=giveback] button[type=submit]"),
		waitVisible("#change-ok"))
	if v := visits()[theirs.ID]; v.Status != "offered" {
		t.Fatalf("given back visit is %q", v.Status)
	}
	must(t, ctx, clickOn("header button.logout"), waitVisible("#login"))

	// The partner takes it, then visits offline.
	loginPhone(t, s, ctx, strings.TrimPrefix(vb.Phone, "+86"), false)
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady())
	if n := eval[int](t, ctx, `document.querySelectorAll('`+card(theirs.ID)+` button.act-take').length`); n != 1 {
		t.Fatalf("the partner's schedule offers no take button: %.2000s", eval[string](t, ctx, `document.querySelector('main').innerText`))
	}
	must(t, ctx, clickOn(card(theirs.ID)+" button.act-take"),
		clickOn(card(theirs.ID)+" form[data-sheet=take] button[type=submit]"),
		waitVisible(card(theirs.ID)+" button.checkin"))
	if v := visits()[theirs.ID]; v.Volunteer != vb.ID || v.Status != "planned" {
		t.Fatalf("taken visit: %+v", v)
	}
	// Arrived 50 minutes ago (the check-in keeps the time of the tap).
	eval[bool](t, ctx, `(() => {
		const Real = Date, off = -50 * 60000;
		window.RealDate = Real;
		window.Date = class extends Real { constructor(...a) { if (a.length) super(...a); else super(Real.now() + off); } static now() { return Real.now() + off; } };
		return true;
	})()`)
	setNetwork(t, ctx, true, 0, -1)
	must(t, ctx, waitVisible(`.offline`),
		clickOn(card(theirs.ID)+" button.checkin"),
		waitVisible(card(theirs.ID)+` button.checkout`))
	eval[bool](t, ctx, `(window.Date = window.RealDate, true)`)
	eval[int](t, ctx, `(() => { const b = [...document.querySelectorAll('`+card(theirs.ID)+` input[name=item]')]; b.forEach(i => { if (!i.checked) i.click(); }); return b.length })()`)
	// Typed as an input event in one step: the page redraws while the outbox
	// retries offline, and what was typed must survive that.
	eval[bool](t, ctx, `(() => { const c = document.querySelector('`+card(theirs.ID)+` textarea[name=concern]'); c.value = '老人屋顶漏雨, 需要修缮'; c.dispatchEvent(new Event('input')); return true })()`)
	// The outbox retries offline and the page redraws: the draft stays.
	testenv.WaitFor(t, 15*time.Second, "an offline retry round", func() bool {
		return strings.Contains(eval[string](t, ctx, `(document.querySelector('#outbox') || {}).innerText || ''`), "有 1 条") &&
			eval[int](t, ctx, `document.querySelectorAll('`+card(theirs.ID)+` input[name=item]:checked').length`) == 5
	})
	if c := eval[string](t, ctx, `document.querySelector('`+card(theirs.ID)+` textarea[name=concern]').value`); c != "老人屋顶漏雨, 需要修缮" {
		t.Fatalf("the concern typed offline reads %q after a redraw", c)
	}
	auditPage(t, ctx, "phone-schedule-checkout-offline")
	must(t, ctx, clickOn(card(theirs.ID)+" button.checkout"))
	if !testenv.Eventually(10*time.Second, func() bool {
		return eval[int](t, ctx, `document.querySelectorAll('`+card(theirs.ID)+`[data-status="done"]').length`) == 1
	}) {
		shot(t, ctx, "FAILED-checkout")
		t.Fatalf("check-out offline: the card is not done: %.1500s", eval[string](t, ctx, `document.querySelector('main').innerText`))
	}
	waitText(t, ctx, "#outbox-status", "有 2 条")
	setNetwork(t, ctx, false, 0, -1)
	waitText(t, ctx, "#outbox-status", "都已上传")
	waitStatus(t, s, login.Token, theirs.ID, "done")
	// The finished visit stays: 已完成 with its length, no checklist again.
	waitText(t, ctx, card(theirs.ID)+" .state", "已完成")
	waitText(t, ctx, card(theirs.ID)+" .duration", "服务")
	if n := eval[int](t, ctx, `document.querySelectorAll('`+card(theirs.ID)+` button.checkout, `+card(theirs.ID)+` input[name=item]').length`); n != 0 {
		t.Fatalf("the finished visit shows %d check-out controls", n)
	}
	v := visits()[theirs.ID]
	if v.Concern != "老人屋顶漏雨, 需要修缮" || v.Minutes < 49 {
		t.Fatalf("checked-out visit: %+v", v)
	}
	if d := text(t, ctx, card(theirs.ID)+" .duration"); !strings.Contains(d, fmt.Sprint(v.Minutes%60)) {
		t.Fatalf("card shows %q for a visit of %d minutes", d, v.Minutes)
	}
	auditPage(t, ctx, "phone-schedule-done")
}
