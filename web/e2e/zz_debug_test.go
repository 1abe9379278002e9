package e2e

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestZZDebug(t *testing.T) {
	url := os.Getenv("DEBUG_URL")
	if url == "" {
		t.Skip()
	}
	ctx := browser(t)
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			t.Logf("console %s: %s", m.Type, m.String())
		}
	}()
	must(t, ctx, chromedp.Navigate(url))
	time.Sleep(4 * time.Second)
	if js := os.Getenv("DEBUG_JS"); js != "" {
		t.Logf("js: %v", eval[any](t, ctx, js))
		time.Sleep(4 * time.Second)
	}
	t.Logf("dom: %.3000s", eval[string](t, ctx, `document.body.innerHTML`))
	shot(t, ctx, "debug")
}
