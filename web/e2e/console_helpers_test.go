package e2e

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
	"jinhui/shared/testenv"
)

// The console's building blocks as a test drives them: log in, go to a
// route, pick from an Element Plus select, fill and confirm a dialog or a
// prompt, click a button in a table row, and read the success banner.
// Element Plus slides dialogs, prompts and dropdowns in and out, so the
// helpers act from the page (a pointer click on something still moving
// lands beside it) and retry until what they act on is there.

// loginConsole logs an organizer into the console and waits for the dashboard.
func loginConsole(t *testing.T, s *site, ctx context.Context, user string) {
	t.Helper()
	open(t, s, ctx, "/login")
	must(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#login input[name=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`#login input[name=password]`), demo.Password),
		unready(),
		clickOn(`#login button[type=submit]`),
		waitVisible(`#dashboard`),
		waitReady())
}

// apiToken logs a demo account into the API, for the test's own calls
// (which the console-coverage record does not count).
func apiToken(t *testing.T, s *site, user string) string {
	t.Helper()
	var login struct{ Token string }
	if st := s.api("POST", "/api/auth/login", "", map[string]string{"username": user, "password": demo.Password}, &login); st != 200 {
		t.Fatalf("login %s: %d", user, st)
	}
	return login.Token
}

// open goes to a console route and waits for it to render. A change of
// the fragment is not a page load, so it is made from the page; the same
// route again reloads it.
func open(t *testing.T, s *site, ctx context.Context, route string) {
	t.Helper()
	if !strings.HasPrefix(eval[string](t, ctx, `location.href`), s.base+"/console/") {
		must(t, ctx, chromedp.Navigate(s.base+"/console/"), waitReady())
	}
	must(t, ctx, unready(), chromedp.Evaluate[chromedp.Void](`(h => {
		if (location.hash === h) location.reload(); else location.hash = h;
	})(`+strconv.Quote("#"+route)+`)`), waitReady())
}

// pick chooses the option containing label in the Element Plus select
// matching css, clicking it open from the page (at most every 400 ms, so
// a dropdown still opening is not closed again) until the option shows.
func pick(t *testing.T, ctx context.Context, css, label string) {
	t.Helper()
	js := `(() => {
		const o = [...document.querySelectorAll('.el-select-dropdown__item')].find((e) => e.getClientRects().length && e.textContent.includes(` + strconv.Quote(label) + `));
		if (o) { o.click(); return true; }
		const s = document.querySelector(` + strconv.Quote(css) + `);
		const w = s && (s.querySelector('.el-select__wrapper') || s);
		if (w && !(Date.now() - window.e2ePickAt < 400)) { window.e2ePickAt = Date.now(); w.click(); }
		return false;
	})()`
	if !testenv.Eventually(10*time.Second, func() bool { return eval[bool](t, ctx, js) }) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("no option %q in %s", label, css)
	}
}

// setInput types a value into a Vue-bound input (date inputs included) and
// tells the framework, as typing would.
func setInput(t *testing.T, ctx context.Context, css, value string) {
	t.Helper()
	must(t, ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const e = document.querySelector(`+strconv.Quote(css)+`);
		e.value = `+strconv.Quote(value)+`;
		e.dispatchEvent(new Event('input', { bubbles: true }));
		e.dispatchEvent(new Event('change', { bubbles: true }));
	})()`))
}

// clickJS clicks the first element matching css from the page (no pointer
// hover, so no tooltip can come between).
func clickJS(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + strconv.Quote(css) + `).click()`)
}

// rowClick waits for the row of the table matching tableCSS that contains
// rowText, and clicks its element matching button.
func rowClick(t *testing.T, ctx context.Context, tableCSS, rowText, button string) {
	t.Helper()
	js := `(() => {
		const r = [...document.querySelectorAll(` + strconv.Quote(tableCSS+` tbody tr`) + `)].find((r) => r.innerText.includes(` + strconv.Quote(rowText) + `));
		const b = r && r.querySelector(` + strconv.Quote(button) + `);
		if (!b) return false;
		b.click();
		return true;
	})()`
	if !testenv.Eventually(15*time.Second, func() bool { return eval[bool](t, ctx, js) }) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("no %s in the row of %s saying %q: %.500s", button, tableCSS, rowText,
			eval[string](t, ctx, `(document.querySelector(`+strconv.Quote(tableCSS+` tbody`)+`) || document.body).innerText`))
	}
}

// formOpen waits for the form dialog to be open.
func formOpen(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, ctx, waitVisible(`.el-dialog .form-ok`))
}

// confirmForm presses the OK button of the open form dialog.
func confirmForm() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector('.el-dialog .form-ok').click()`)
}

// formOK confirms the open form dialog and waits for the success banner.
func formOK(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	must(t, ctx, confirmForm())
	flashSays(t, ctx, want)
}

// answerBox fills the reason of an Element Plus prompt and confirms it.
// It answers the newest prompt that is open: the one an earlier step
// answered may still be fading out, with its input still in the page.
func answerBox(t *testing.T, ctx context.Context, reason string) {
	t.Helper()
	js := `(() => {
		const open = [...document.querySelectorAll('.el-message-box')].filter((b) => b.getClientRects().length && !b.closest('[class*="-leave-"]'));
		const b = open[open.length - 1];
		const i = b && b.querySelector('input, textarea');
		const ok = b && b.querySelector('.el-message-box__btns .el-button--primary');
		if (!i || !ok) return false;
		i.value = ` + strconv.Quote(reason) + `;
		i.dispatchEvent(new Event('input', { bubbles: true }));
		ok.click();
		return true;
	})()`
	if !testenv.Eventually(10*time.Second, func() bool { return eval[bool](t, ctx, js) }) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("no prompt open to answer %q", reason)
	}
}

// flashSays waits for the success banner saying want, failing at once
// with the error the page shows instead.
func flashSays(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	var got []string
	start := time.Now()
	if !testenv.Eventually(20*time.Second, func() bool {
		got = eval[[]string](t, ctx, `[...document.querySelectorAll('#flash, .el-message--error, .el-dialog .el-alert--error')].filter((e) => e.getClientRects().length).map((e) => (e.id === 'flash' ? '' : '错误: ') + e.innerText)`)
		for _, g := range got {
			// An error fails at once unless a toast of an earlier step is
			// still fading (they stay 5 s).
			if strings.HasPrefix(g, "错误: ") && time.Since(start) > 2*time.Second || !strings.HasPrefix(g, "错误: ") && strings.Contains(g, want) {
				return true
			}
		}
		return false
	}) || !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, want) && !strings.HasPrefix(g, "错误: ") }) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("want %q, the page shows %q", want, got)
	}
}
