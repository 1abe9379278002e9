package e2e

import (
	"bytes"
	"context"
	"fmt"
	"jinhui/shared/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds the browser: $JINHUI_CHROMIUM, else Debian's
// chromium-headless-shell, else its chromium. The headless shell is the
// same Blink and V8 without the desktop browser around them: the package's
// tests took 83 s of its CPU where the full chromium took 121 s (issue 19),
// so it comes first. Without either the calling test is skipped, saying how
// to install it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("JINHUI_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser tests skipped: Chromium is not installed (apt-get install -y chromium-headless-shell, as .ci/run does; or set JINHUI_CHROMIUM)")
	return ""
}

// The package's one Chromium: started by the first test that needs it and
// stopped by TestMain. Each test gets a browser context of its own in it
// (its own cookies, storage, cache and service workers, like a fresh
// profile), which costs a few milliseconds where a new Chromium process
// cost 0.7–1.7 s per test on this machine.
var chromium struct {
	once   sync.Once
	ctx    context.Context // the first tab's context: it holds the browser
	cancel func()
	err    error
	dir    string
}

// startChromium starts the package's Chromium once.
func startChromium(path string) error {
	chromium.once.Do(func() {
		dir, err := os.MkdirTemp("", "jinhui-e2e-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		chromium.dir = dir
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			// Tabs of parallel tests are all in the background: they
			// must not be throttled as a background tab would be.
			chromedp.Flag("disable-background-timer-throttling", true),
			chromedp.Flag("disable-renderer-backgrounding", true),
			chromedp.Flag("disable-backgrounding-occluded-windows", true),
			chromedp.Flag("user-data-dir", dir),
			chromedp.Flag("window-size", "1366,900"),
			chromedp.Flag("lang", "zh-CN"),
			// One raster thread per page, and the compositor's GPU
			// process (software, with DisableGPU) as a thread of the
			// browser: on 2 cores the extra threads and the process only
			// contend with the tests. The package's tests took about 5 %
			// less CPU with both (120 against 127 CPU-s, six runs each,
			// interleaved; issue 19); pages draw the same.
			chromedp.Flag("num-raster-threads", "1"),
			chromedp.Flag("in-process-gpu", true),
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		chromium.ctx = ctx
		chromium.cancel = func() { cancel(); cancelA(); _ = os.RemoveAll(dir) }
		chromium.err = chromedp.Do(ctx) // starts the browser
	})
	return chromium.err
}

// stopChromium stops the package's Chromium, if a test started it.
func stopChromium() {
	if chromium.cancel != nil {
		chromium.cancel()
	}
}

// browser returns the first tab of a new browser context of the package's
// Chromium (a fresh profile: nothing is shared with other tests' tabs);
// the context is closed with the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	if err := startChromium(path); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	ctx, cancel := chromedp.NewContext(chromium.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		cancel()
		t.Fatalf("open a browser context: %v", err)
	}
	t.Cleanup(cancel)
	keepStill(t, ctx)
	acceptDialogs(ctx)
	watchConsole(t, ctx)
	return ctx
}

// downloads makes the tab's browser context save its downloads into a
// directory of the test, and returns it.
func downloads(t *testing.T, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	c := chromedp.FromContext(ctx)
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, BrowserContextID: c.BrowserContextID}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// downloaded waits for a finished download in dir whose name starts with
// prefix: an Excel workbook (a zip, "PK").
func downloaded(t *testing.T, dir, prefix string) {
	t.Helper()
	var names []string
	if !testenv.Eventually(15*time.Second, func() bool {
		names = names[:0]
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			names = append(names, e.Name())
			if strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".xlsx") {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err == nil && bytes.HasPrefix(b, []byte("PK")) {
					return true
				}
			}
		}
		return false
	}) {
		t.Fatalf("no workbook %s… downloaded; the folder holds %v", prefix, names)
	}
}

// tab opens another tab of the same browser (same profile and storage).
func tab(t *testing.T, parent context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	keepStill(t, ctx)
	acceptDialogs(ctx)
	watchConsole(t, ctx)
	return ctx
}

// keepStill has the tab ask for less motion (prefers-reduced-motion), as a
// user may in their system's settings: the console then opens dialogs,
// drawers and prompts at once instead of sliding them in, and draws charts
// without growing them. A test would only wait for the motion, and the
// browser would draw a frame for each step of it: the four heaviest
// console tests side by side took a sixth less CPU (issue 19).
func keepStill(t *testing.T, ctx context.Context) {
	t.Helper()
	preferMotion(t, ctx, "reduce")
}

// preferMotion sets the tab's prefers-reduced-motion: "reduce" or
// "no-preference".
func preferMotion(t *testing.T, ctx context.Context, value string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: value}}}); err != nil {
		t.Fatalf("prefers-reduced-motion %s: %v", value, err)
	}
}

// watchConsole fails the test on an uncaught exception or a refused load
// (Content-Security-Policy) in the tab.
func watchConsole(t *testing.T, ctx context.Context) {
	var mu sync.Mutex
	var bad []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() || (m.Type == "error" && (strings.Contains(m.Text, "Refused") || strings.Contains(m.Text, "Content Security Policy"))) {
				mu.Lock()
				bad = append(bad, m.String())
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range bad {
			t.Errorf("browser console: %s", b)
		}
	})
}

// acceptDialogs answers yes to confirm() and prompt() (with a reason).
func acceptDialogs(ctx context.Context) {
	go func() {
		for ev, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			p := page.HandleJavaScriptDialogParams{Accept: true}
			if ev.Type == page.DialogTypePrompt {
				p.PromptText = "浏览器测试"
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, p)
		}
	}()
}

// phone makes the tab look like a cheap Android phone.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, ctx, chromedp.EmulateViewport(412, 860, chromedp.EmulateScale(1.5), chromedp.EmulateMobile, chromedp.EmulateTouch))
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
		UserAgent:      "Mozilla/5.0 (Linux; Android 10; Redmi 9A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
		AcceptLanguage: "zh-CN",
	}); err != nil {
		t.Fatal(err)
	}
}

// network sets the tab's connection: offline, or latency (ms) with a
// throughput in bytes/s; latency 0 and throughput -1 lift the limits.
func setNetwork(t *testing.T, ctx context.Context, offline bool, latency, throughput float64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &offline,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: offline, Latency: latency, DownloadThroughput: throughput, UploadThroughput: throughput}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, Latency: latency, DownloadThroughput: throughput, UploadThroughput: throughput}); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatal(err)
	}
}

// eval runs JavaScript (awaiting a promise) and returns its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
	return v
}

// text returns the visible text of the first element matching css, once
// there is one. It finds the element afresh on every read: pages redraw
// and replace nodes, and a node found before a redraw is gone by the time
// it is read ("No node with given id found").
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	var got []string
	if !testenv.Eventually(30*time.Second, func() bool {
		got = readText(t, ctx, css)
		return len(got) == 1
	}) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("text of %s: no visible element", css)
	}
	return got[0]
}

// readText reads the visible text of the first element matching css now:
// one string, or none when there is no such visible element.
func readText(t *testing.T, ctx context.Context, css string) []string {
	t.Helper()
	return eval[[]string](t, ctx, `(() => {
		const e = document.querySelector(`+strconv.Quote(css)+`);
		return e && e.getClientRects().length ? [e.innerText] : [];
	})()`)
}

// waitText waits until the element matching css says want, reading it
// afresh each time (it may be redrawn between reads).
func waitText(t *testing.T, ctx context.Context, css, want string) {
	t.Helper()
	var st []string
	if !testenv.Eventually(25*time.Second, func() bool {
		st = readText(t, ctx, css)
		return len(st) == 1 && strings.Contains(st[0], want)
	}) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("%s says %q, want %q", css, st, want)
	}
}

// waitReady waits until the page has rendered with its data.
func waitReady() chromedp.Action[chromedp.Void] {
	return waitVisible(`body[data-ready="1"]`)
}

// unready clears the ready mark before an action that re-renders.
func unready() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`delete document.body.dataset.ready`)
}

// artifacts is where screenshots and figures go ($JINHUI_ARTIFACTS, else
// artifacts/ at the repository root).
func artifacts(t *testing.T) string {
	dir := os.Getenv("JINHUI_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts")
	}
	if err := os.MkdirAll(filepath.Join(dir, "screenshots"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shot saves a full-page screenshot as artifacts/screenshots/NAME.jpg and,
// when JINHUI_DOCS_SCREENSHOTS=1, the ones the README shows as PNGs in
// web/docs. A failure's screenshot (NAME "FAILED-…") is always saved; the
// others only when JINHUI_SCREENSHOTS=1 (make screenshots): make test
// asserts what the pages show, and the hundred pictures of pages that
// passed are for a person to look through (they took about 9 of the
// package's 180 CPU-s in one paired run, issue 19). JPEG because the
// browser encodes it in a fraction of a PNG's time.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !keeps(name) {
		return
	}
	readme := forDocs(name)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	quality, ext := 85, ".jpg"
	if readme {
		quality, ext = 100, ".png" // chromedp: quality 100 is a PNG
	}
	buf, err := chromedp.Run(tctx, chromedp.FullScreenshot(quality))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifacts(t), "screenshots", name+ext)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	if readme {
		if err := os.WriteFile(filepath.Join("..", "docs", name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// keeps says whether shot saves the screenshot NAME: a failure's always,
// a README one when JINHUI_DOCS_SCREENSHOTS=1, any when JINHUI_SCREENSHOTS=1.
func keeps(name string) bool {
	return strings.HasPrefix(name, "FAILED-") || os.Getenv("JINHUI_SCREENSHOTS") == "1" || forDocs(name)
}

// forDocs says whether the screenshot NAME is one the README shows and is
// being refreshed (JINHUI_DOCS_SCREENSHOTS=1, make docs-screenshots).
func forDocs(name string) bool {
	return docs[name] && os.Getenv("JINHUI_DOCS_SCREENSHOTS") == "1"
}

// docs are the screenshots the README shows.
var docs = map[string]bool{"console-dashboard-paired": true, "phone-elders": true, "phone-schedule": true, "phone-visit-checklist": true, "console-import-report": true}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func safe(s string) string { return unsafe.ReplaceAllString(s, "_") }

func fmtKB(b float64) string { return fmt.Sprintf("%.1f KB", b/1024) }

// every is how often a chromedp query (WaitVisible, Click) looks again for
// the element it waits for. Its default, every 5 ms, sends the browser
// three DevTools commands per look from each waiting tab; a human-paced
// page needs no more than 20 looks a second.
var every = chromedp.RetryInterval(50 * time.Millisecond)

// waitVisible waits until the first element matching css is visible.
func waitVisible(css string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(css), every)
}

// clickOn clicks the first element matching css once it is there, with
// the pointer (as a user would; clickJS clicks from the page).
func clickOn(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(css), every)
}
