package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// loginPhone logs a volunteer or carer in with the texted code and waits
// for their home page.
func loginPhone(t *testing.T, s *site, ctx context.Context, phoneNo string, carer bool) {
	t.Helper()
	must(t, ctx,
		chromedp.Navigate(s.base+"/m/"),
		chromedp.Evaluate[chromedp.Void](`localStorage.removeItem('jinhui.phone')`),
		chromedp.Navigate(s.base+"/m/"),
		waitReady(),
		chromedp.SendKeys(chromedp.CSS(`input[name=phone]`), phoneNo),
		clickOn(`#send-code`),
		waitVisible(`.ok`))
	code := s.lastCode("+86" + phoneNo)
	steps := []chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.CSS(`input[name=code]`), code)}
	if carer {
		steps = append(steps, clickOn(`input[name=carer]`))
	}
	steps = append(steps, clickOn(`#login button[type=submit]`), waitVisible("nav.tabs"), waitReady())
	must(t, ctx, steps...)
}

// TestVolunteerJourney: a volunteer logs in with an SMS code, sees their
// elders with needs, opens one and asks for the full phone number, and
// finds the schedule and hours pages.
func TestVolunteerJourney(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	phone(t, ctx)

	must(t, ctx, chromedp.Navigate(s.base+"/m/"), waitReady())
	if fs := eval[float64](t, ctx, `parseFloat(getComputedStyle(document.body).fontSize)`); fs < 18 {
		t.Fatalf("phone base font %.0fpx, want 18px or more", fs)
	}
	if unlabeled := eval[int](t, ctx, `[...document.querySelectorAll('input,select,textarea')].filter(i => i.type !== 'hidden' && !(i.labels && i.labels.length) && !i.getAttribute('aria-label')).length`); unlabeled > 0 {
		t.Fatalf("%d form controls without a label", unlabeled)
	}
	if small := eval[int](t, ctx, `[...document.querySelectorAll('button,a.btn,nav a')].filter(b => b.offsetParent && b.getBoundingClientRect().height < 44).length`); small > 0 {
		t.Fatalf("%d touch targets under 44px", small)
	}
	auditPage(t, ctx, "phone-login")

	loginPhone(t, s, ctx, strings.TrimPrefix(s.volunteer.Phone, "+86"), false)
	cards := eval[int](t, ctx, `document.querySelectorAll('a.elder').length`)
	if cards != len(s.paired) {
		t.Fatalf("my elders shows %d, want %d", cards, len(s.paired))
	}
	if needs := eval[int](t, ctx, `document.querySelectorAll('a.elder .chips li').length`); needs == 0 {
		t.Fatal("my elders shows no needs")
	}
	auditPage(t, ctx, "phone-elders")

	must(t, ctx, unready(), clickOn("a.elder"), waitVisible("#contacts"), waitReady())
	if c := text(t, ctx, "#contacts"); !strings.Contains(c, "*") {
		t.Fatalf("contacts should start masked: %s", c)
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll('a[href^="tel:"]')].filter(a => a.href.includes('*')).length`); n > 0 {
		t.Fatalf("%d tel: links dial a masked number", n)
	}
	auditPage(t, ctx, "phone-elder")
	must(t, ctx, clickOn("#reveal"), chromedp.WaitNotPresent(chromedp.CSS("#reveal"), every))
	if n := eval[int](t, ctx, `document.querySelectorAll('#contacts a[href^="tel:"]').length`); n == 0 {
		t.Fatal("after the reveal no contact can be called")
	}
	if c := text(t, ctx, "#contacts"); strings.Contains(c, "****") {
		t.Fatalf("reveal kept the phone masked: %s", c)
	}

	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady())
	auditPage(t, ctx, "phone-schedule-empty")
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/hours.html"), waitReady())
	auditPage(t, ctx, "phone-hours")

	// 我的: profile, handbook, the texts sent (the login code, hidden), SMS opt-out and back.
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/me.html"), waitReady())
	auditPage(t, ctx, "phone-me")
	if m := text(t, ctx, "#messages"); !strings.Contains(m, "登录验证码") || strings.Contains(m, s.lastCode(s.volunteer.Phone)) {
		t.Fatalf("my texts: %s", m)
	}
	must(t, ctx, clickOn("#ack-handbook"), waitVisible("#handbook-acked"))
	must(t, ctx, clickOn("#sms-toggle"), waitVisible("#sms-note"))
	waitText(t, ctx, "#sms-state", "已退订")
	auditPage(t, ctx, "phone-me-opted-out")
	must(t, ctx, clickOn("#sms-toggle"))
	waitText(t, ctx, "#sms-state", "正在接收")
	must(t, ctx, clickOn("header button.logout"), waitVisible("#login"))
}

// TestCarerLogin: a carer logs in by code and lands on their page.
func TestCarerLogin(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(s.set.Carers[0].Phone, "+86"), true)
	if h := text(t, ctx, "header h1"); h != "帮扶记录" {
		t.Fatalf("carer landed on %q", h)
	}
	shot(t, ctx, "phone-carer")
}
