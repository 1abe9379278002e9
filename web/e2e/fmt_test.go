package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestTimesInBeijing: a phone set to another time zone still shows times
// and dates in Asia/Shanghai.
func TestTimesInBeijing(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	must(t, ctx, chromedp.Navigate(s.base+"/m/"), waitReady())
	cases := []struct{ js, want string }{
		{`m.dateTime('2026-11-22T17:30:00Z')`, "2026-11-23 01:30"},
		{`m.dateTime('2026-11-23T00:05:00+08:00')`, "2026-11-23 00:05"},
		{`m.date('2026-11-22T16:00:00Z')`, "2026-11-23"},
		{`m.dateTime('0001-01-01T00:00:00Z')`, ""},
		{`new Date('2026-11-22T17:30:00Z').getDate() + ''`, "22"}, // the browser itself is in New York
	}
	for _, c := range cases {
		got := eval[string](t, ctx, `import('/lib/fmt.js').then(m => `+c.js+`)`)
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.js, got, c.want)
		}
	}
}
