package platform

import (
	"context"
	"errors"
	"net/http"
	"time"

	"jinhui/services/notify"
)

// countedSMS counts each message's settled status (metrics) on its way
// to the store.
type countedSMS struct {
	notify.Store
	m interface{ SMS(status string) }
}

func (c countedSMS) SetMessageStatus(ctx context.Context, id, status, sid, errText string, at time.Time) error {
	err := c.Store.SetMessageStatus(ctx, id, status, sid, errText, at)
	if err == nil {
		c.m.SMS(status)
	}
	return err
}

func (c countedSMS) AdvanceStatus(ctx context.Context, id, status, errText string, from []string, at time.Time) (bool, error) {
	ok, err := c.Store.AdvanceStatus(ctx, id, status, errText, from, at)
	if ok && err == nil {
		c.m.SMS(status)
	}
	return ok, err
}

// serveMetrics serves /metrics on JINHUI_METRICS_ADDR, when set, for a
// scraper that has no session; the returned func stops it.
func (p *Platform) serveMetrics() func() {
	if p.Cfg.MetricsAddr == "" {
		return func() {}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", p.Metrics.Handler())
	srv := &http.Server{Addr: p.Cfg.MetricsAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.Log.Error("metrics listener", "addr", p.Cfg.MetricsAddr, "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}
