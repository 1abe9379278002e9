package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
)

// The console's bar (issue 14): first load under 1.5 s on a desktop link.
const (
	maxConsoleLoad  = 1500 * time.Millisecond
	maxConsoleBytes = 200 * 1024 // what the login page transfers with an empty cache
	// A modest office link: 40 ms round trip, 10 Mbit/s.
	desktopLatency    = 40
	desktopThroughput = 10 * 1000 * 1000 / 8
)

// TestConsoleFirstLoad opens the console with an empty cache on a desktop
// link and measures the bytes transferred and the time until the login
// page is ready, then how long the dashboard takes with the test data
// after login. The figures go to artifacts/console-load.txt.
func TestConsoleFirstLoad(t *testing.T) {
	ctx := browser(t)
	s := startSite(t)
	setNetwork(t, ctx, false, desktopLatency, desktopThroughput)
	must(t, ctx, chromedp.Navigate(s.base+"/console/"), waitReady())
	f := eval[pageFigures](t, ctx, measureJS)
	total := eval[float64](t, ctx, `performance.getEntriesByType('navigation')[0].transferSize + performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, 0)`)

	must(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#login input[name=username]`), "szq"),
		chromedp.SendKeys(chromedp.CSS(`#login input[name=password]`), demo.Password))
	start := time.Now()
	must(t, ctx, unready(), clickOn(`#login button[type=submit]`), waitVisible(`#dashboard`), waitReady())
	dash := time.Since(start)

	report := fmt.Sprintf("console first load (desktop link %d ms, %d Mbit/s): ready %.0f ms, load event %.0f ms, %s transferred (JS+CSS %s in %d files)\n"+
		"dashboard after login (test data): %d ms\n",
		desktopLatency, desktopThroughput*8/1000/1000, f.Ready, f.Load, fmtKB(total), fmtKB(f.Weight), f.Files, dash.Milliseconds())
	t.Log(report)
	if err := os.WriteFile(filepath.Join(artifacts(t), "console-load.txt"), []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	if total > maxConsoleBytes {
		t.Errorf("console first load transfers %s, bar is %s", fmtKB(total), fmtKB(maxConsoleBytes))
	}
	// The time depends on the machine's load (a shared CI runner doubles
	// it), so it is held to the bar only when asked.
	if f.Ready < 0 || (os.Getenv("JINHUI_PERF_STRICT") == "1" && time.Duration(f.Ready)*time.Millisecond > maxConsoleLoad) {
		t.Errorf("console first load ready after %.0f ms, bar is %s", f.Ready, maxConsoleLoad)
	}
}
