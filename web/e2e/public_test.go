package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
)

// TestPublicPagesAudit: every public page at 360×640 passes the page audit
// (no placeholder, no one-character-per-line label, 44 px targets, 4.5:1
// contrast); the wish and exchange lists show no "加载更多" with nothing
// more to load; /apply.html without a call lists the open calls; the
// favicon is served.
func TestPublicPagesAudit(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	phone(t, ctx)

	// A published wish and an activity post, so the lists show their cards and tags.
	var admin, vol struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "admin", "password": demo.Password}, &admin)
	s.api("POST", "/api/auth/code", "", map[string]string{"phone": s.volunteer.Phone}, nil)
	s.api("POST", "/api/auth/verify", "", map[string]string{"phone": s.volunteer.Phone, "code": s.lastCode(s.volunteer.Phone), "kind": "volunteer"}, &vol)
	var w struct {
		ID      string
		Version int
	}
	if st := s.api("POST", "/api/wishes", vol.Token, map[string]any{"elder": s.paired[0], "category": "coat", "need": "一件厚棉衣", "value": 200}, &w); st != 201 {
		t.Fatalf("record a wish: %d", st)
	}
	if st := s.api("POST", "/api/wishes/"+w.ID+"/approve", admin.Token, map[string]any{"version": w.Version}, nil); st != 200 {
		t.Fatalf("approve the wish: %d", st)
	}
	if st := s.api("POST", "/api/exchange/posts", admin.Token, map[string]any{"title": "重阳节走访慰问", "text": "团县委组织志愿者走访慰问结对老人。",
		"area": s.volunteer.Village[:6] + "000000", "date": "2026-10-29"}, nil); st != 201 && st != 200 {
		t.Fatalf("publish an activity: %d", st)
	}

	// The open calls, for the list on /apply.html.
	var calls struct {
		Items []struct{ ID string }
	}
	s.api("GET", "/api/public/calls", "", nil, &calls)

	pages := []struct{ name, path, wait string }{
		{"public-start", "/", "h1"},
		{"public-wishes", "/wishes.html", `body[data-ready="1"]`},
		{"public-exchange", "/exchange.html", `body[data-ready="1"]`},
		{"public-verify", "/verify.html", `body[data-ready="1"]`},
		{"public-verify-unknown", "/verify.html?code=ABCDEFGHJKLM", `body[data-ready="1"]`},
		{"public-apply-calls", "/apply.html", `body[data-ready="1"]`},
	}
	for _, p := range pages {
		must(t, ctx, chromedp.Navigate(s.base+p.path), waitVisible(p.wait))
		auditPage(t, ctx, p.name)
		if p.name == "public-verify-unknown" {
			if m := text(t, ctx, "#out .bad"); !strings.Contains(m, "未找到该证明编号") {
				t.Errorf("an unknown certificate code shows %q", m)
			}
		}
		if p.path == "/wishes.html" || p.path == "/exchange.html" {
			if n := eval[int](t, ctx, `document.querySelectorAll('#list > *').length`); n == 0 {
				t.Errorf("%s shows no card for the published item", p.path)
			}
		}
		if n := eval[int](t, ctx, `[...document.querySelectorAll('button')].filter(b => b.offsetParent && b.textContent.includes('加载更多')).length`); n > 0 {
			t.Errorf("%s: a 加载更多 button shows with nothing more to load", p.path)
		}
	}
	must(t, ctx, chromedp.Navigate(s.base+"/apply.html"), waitVisible(`body[data-ready="1"]`))
	links := eval[int](t, ctx, `document.querySelectorAll('#calls a.call-link').length`)
	empty := eval[int](t, ctx, `document.querySelectorAll('#no-calls').length`)
	if links != len(calls.Items) || (links == 0) != (empty == 1) {
		t.Fatalf("/apply.html lists %d calls (empty note %d), the API has %d open", links, empty, len(calls.Items))
	}
	if f := eval[string](t, ctx, `document.getElementById('fatal').textContent`); f != "" {
		t.Fatalf("/apply.html without a call says %q", f)
	}

	// The audit itself: it sees grey text, a narrow button whose label
	// wraps one character per line, and a small target.
	eval[bool](t, ctx, `(() => { document.body.insertAdjacentHTML('beforeend', '<p style="color:#aaa;background:#fff">浅灰色文字</p><button style="width:30px;min-width:0;padding:0;min-height:0;height:auto;white-space:normal;font-size:16px">助餐</button>'); return true; })()`)
	got := strings.Join(eval[[]string](t, ctx, auditJS), "\n")
	for _, want := range []string{"contrast", "one character per line", "small touch target"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the page audit misses %q in a page made to fail it: %s", want, got)
		}
	}

	res, err := http.Get(s.base + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/x-icon" {
		t.Fatalf("/favicon.ico: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
