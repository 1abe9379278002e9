package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"jinhui/services/httpapi"
	"jinhui/shared/config"
	"jinhui/shared/mongostore"
)

// Migrate is the migrate role: it builds every declared MongoDB index on
// the configured server and returns. The deploy runs it once, before the
// other roles (which only check that the indexes exist); building an index
// that exists is a no-op, so it runs again on every upgrade.
func Migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	store, err := mongostore.Open(ctx, cfg.MongoURI, cfg.MongoDB, false)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	start := time.Now()
	if err := store.EnsureIndexes(ctx); err != nil {
		return fmt.Errorf("platform.Migrate: %w", err)
	}
	missing, err := store.CheckIndexes(ctx)
	if err != nil {
		return fmt.Errorf("platform.Migrate: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("platform.Migrate: 索引建立后仍缺少 %s", strings.Join(missing, "; "))
	}
	log.Info("migrate: indexes in place", "seconds", time.Since(start).Seconds())
	return nil
}

// indexCheck is the readiness check of a scaled role: it fails naming the
// declared indexes the database lacks (the migrate step has not run). Once
// all are there it is not asked again: indexes are not dropped by the
// platform.
func indexCheck(store *mongostore.Store) httpapi.Checker {
	var ok atomic.Bool
	return func(ctx context.Context) error {
		if ok.Load() {
			return nil
		}
		missing, err := store.CheckIndexes(ctx)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return httpapi.NotReady(fmt.Sprintf("缺少 %d 个索引, 请先运行 migrate: %s", len(missing), strings.Join(missing, "; ")))
		}
		ok.Store(true)
		return nil
	}
}

// healthHandler serves /healthz (the process runs) and /readyz (every
// dependency answers and the indexes exist) for any role, on
// JINHUI_HEALTH_ADDR: the probes of the worker and scheduler, which have
// no HTTP port otherwise.
func (p *Platform) healthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "role": p.Cfg.Role})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		checks, ok := httpapi.RunChecks(ctx, p.ready)
		status, code := "ok", http.StatusOK
		if !ok {
			status, code = "unavailable", http.StatusServiceUnavailable
		}
		writeJSON(w, code, map[string]any{"status": status, "role": p.Cfg.Role, "checks": checks})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// serveHealth listens on JINHUI_HEALTH_ADDR when set; the returned stop
// shuts the listener down by the deadline given.
func (p *Platform) serveHealth() (stop func(context.Context), err error) {
	if p.Cfg.HealthAddr == "" {
		return func(context.Context) {}, nil
	}
	ln, err := net.Listen("tcp", p.Cfg.HealthAddr)
	if err != nil {
		return nil, fmt.Errorf("JINHUI_HEALTH_ADDR %s: %w", p.Cfg.HealthAddr, err)
	}
	p.Log.Info("health listening", "addr", ln.Addr().String(), "role", p.Cfg.Role)
	srv := &http.Server{Handler: p.healthHandler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.Log.Error("health listener stopped", "err", err.Error())
		}
	}()
	return func(ctx context.Context) { _ = srv.Shutdown(ctx) }, nil
}
