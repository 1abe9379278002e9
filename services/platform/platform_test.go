package platform_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/notify"
	"jinhui/services/platform"
	"jinhui/shared/config"
	"jinhui/shared/testenv"
)

// TestRunServesWorksAndStopsGracefully runs the platform in its
// one-process role on a real port: the worker delivers a queued SMS to the
// outbox, and a shutdown lets an in-flight request finish.
func TestRunServesWorksAndStopsGracefully(t *testing.T) {
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=" + t.TempDir(), "REDIS_URL=" + testenv.RedisURL(t), "JINHUI_SHUTDOWN_TIMEOUT=5s"}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := platform.New(ctx, cfg, testenv.Logger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// The slow request tells when it has begun and finishes only when let go.
	started, letGo := make(chan struct{}), make(chan struct{})
	p.API.App.Get("/test/slow", func(c *fiber.Ctx) error {
		close(started)
		<-letGo
		return c.SendString("done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, ln) }()

	waitFor(t, func() bool {
		r, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	})
	if err := p.SMS.Send(ctx, "test:hello", "+8613800000001", "test", "您好"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		m, err := p.Store.Message(ctx, "test:hello")
		return err == nil && m.Status == notify.StatusOutbox
	})

	slow := make(chan string, 1)
	go func() {
		r, err := http.Get(base + "/test/slow")
		if err != nil {
			slow <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		slow <- string(b)
	}()
	<-started
	cancel()
	// Shutdown has begun once new connections are refused; only then is the
	// in-flight request let go, and it must still be answered.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	waitFor(t, func() bool {
		r, err := fresh.Get(base + "/healthz")
		if err == nil {
			r.Body.Close()
		}
		return err != nil
	})
	close(letGo)
	if got := <-slow; got != "done" {
		t.Fatalf("in-flight request during shutdown: %q", got)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	testenv.WaitFor(t, 15*time.Second, "condition", ok)
}
