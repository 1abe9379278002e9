package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// englishWord is a run of Latin letters in visible text: an untranslated
// label or a raw code (opera, university, pairing, idNumber, checked_in…).
var englishWord = regexp.MustCompile(`[A-Za-z][A-Za-z_]+`)

// properNames may appear in Latin letters: file formats and product names.
var properNames = map[string]bool{"Excel": true, "CSV": true, "csv": true, "xlsx": true, "Twilio": true, "JPEG": true, "PNG": true}

// placeholders are texts a finished screen never shows.
var placeholders = []string{"上线后显示", "STUB", "TODO", "undefined", "NaN", "[object Object]", "null"}

// TestConsoleEveryScreen walks every menu entry as a county organizer, a
// supervisor and the province admin. Each screen must load without an
// uncaught error (browser() fails the test on one) or an error message,
// show no English word or raw code outside proper names and no
// placeholder text (with JINHUI_SCREENSHOTS=1, a screenshot of each is
// saved).
//
// Each role's dashboard is read, and each other screen once, by the first
// of the roles whose menu has it: the supervisor's 34 entries are all on
// the organizer's menu and the admin's 49 take 42 from it, so reading every
// menu whole drew the same screens 125 times where 51 draw each once; a
// screen drawn this way was about a third of the browser package's
// rendering (issue 19). A walk longer than 20 screens is split in two,
// each half in a tab of its own, so that it does not end the package last.
func TestConsoleEveryScreen(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	type walk struct {
		name, user string
		profile    context.Context // the role's browser context, logged in
		routes     []string
	}
	var walks []walk
	seen := map[string]bool{}
	for _, user := range []string{"szq", "szqdudao", "admin"} {
		ctx := browser(t) // each role in its own browser context, on the one site
		loginConsole(t, s, ctx, user)
		menu := eval[[]string](t, ctx, `[...document.querySelectorAll('.side-menu a.menu-link')].map((a) => a.getAttribute('href').slice(1))`)
		if len(menu) < 5 {
			t.Fatalf("%s's menu has %d entries: %v", user, len(menu), menu)
		}
		routes := []string{"/"}
		for _, route := range menu {
			if !seen[route] {
				seen[route] = true
				routes = append(routes, route)
			}
		}
		if half := len(routes) / 2; len(routes) > 20 {
			walks = append(walks, walk{user + "-1", user, ctx, routes[:half]}, walk{user + "-2", user, ctx, routes[half:]})
		} else {
			walks = append(walks, walk{user, user, ctx, routes})
		}
	}
	for _, w := range walks {
		user := w.user
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			ctx := tab(t, w.profile)
			for _, route := range w.routes {
				open(t, s, ctx, route)
				name := "screen-" + user + safe(strings.ReplaceAll(route, "/", "-"))
				shot(t, ctx, name)
				// Login names ([data-latin]) are the one Latin text a screen may show.
				text(t, ctx, "#main")
				// (Read from the page as drawn, the login names cut out: a
				// copy of the page without them would be laid out again.)
				body := eval[string](t, ctx, `(() => {
					const m = document.querySelector('#main');
					let s = m.innerText;
					const names = [...m.querySelectorAll('[data-latin]')].map((e) => e.innerText.trim()).filter(Boolean);
					for (const x of names.sort((a, b) => b.length - a.length)) s = s.split(x).join(' ');
					return s;
				})()`)
				for _, word := range englishWord.FindAllString(body, -1) {
					if !properNames[word] {
						t.Errorf("%s %s shows %q: %.200s", user, route, word, around(body, word))
					}
				}
				for _, p := range placeholders {
					if strings.Contains(body, p) {
						t.Errorf("%s %s shows placeholder %q", user, route, p)
					}
				}
				if errs := readText(t, ctx, ".el-message--error"); len(errs) > 0 {
					t.Errorf("%s %s shows an error: %s", user, route, errs[0])
				}
				must(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.el-message').forEach((m) => m.remove())`))
			}
		})
	}
}

func around(s, w string) string {
	i := strings.Index(s, w)
	lo, hi := max(0, i-60), min(len(s), i+len(w)+60)
	for lo > 0 && !utf8Start(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8Start(s[hi]) {
		hi++
	}
	return s[lo:hi]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
