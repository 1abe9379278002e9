// Command jinhui runs the Jinhui platform. With no MONGODB_URI or
// REDIS_URL it runs everything in one process on embedded FerretDB and
// miniredis; with them, it runs one role: api, worker or scheduler, or
// migrate, which builds the MongoDB indexes and exits.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"jinhui/services/demo"
	"jinhui/services/platform"
	"jinhui/shared/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "jinhui:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Parse(os.Environ(), os.Args[1:], os.Stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	fmt.Fprintf(os.Stderr, "金晖助老 jinhui — 配置:\n%s", cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.Role == config.RoleMigrate {
		return platform.Migrate(ctx, cfg, log)
	}

	p, err := platform.New(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer p.Close()
	if cfg.Demo && (cfg.Role == config.RoleAll || cfg.Role == config.RoleAPI) {
		sc := demo.Small
		if cfg.DemoScale == "full" {
			sc = demo.Full
		}
		start := time.Now()
		loaded, err := p.LoadDemo(ctx, sc)
		if err != nil {
			return fmt.Errorf("载入演示数据失败: %w", err)
		}
		if loaded {
			log.Info("demo loaded", "scale", cfg.DemoScale, "seconds", time.Since(start).Seconds())
		}
		printLogins(cfg)
	}
	var ln net.Listener
	if cfg.Role == config.RoleAll || cfg.Role == config.RoleAPI {
		if ln, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			return fmt.Errorf("JINHUI_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
		}
		log.Info("listening", "addr", ln.Addr().String(), "role", cfg.Role)
	}
	pairing := make(chan struct{})
	go func() {
		// Pairing the demo takes a while on the embedded store: the API
		// serves meanwhile, and the demo's pairs and visits appear when done.
		// A stop cancels it; the next start finishes it (PairDemo).
		defer close(pairing)
		start := time.Now()
		if paired, err := p.PairDemo(ctx); err != nil && ctx.Err() != nil {
			log.Info("demo pairing stopped; the next start finishes it")
		} else if err != nil {
			log.Error("demo pairing failed", "err", err.Error())
		} else if paired {
			log.Info("demo paired and visits planned", "seconds", time.Since(start).Seconds())
			if phone := p.DemoVolunteerPhone(ctx); phone != "" {
				fmt.Fprintf(os.Stderr, "\n演示数据已结对并排好本月和下月探访。已结对的演示志愿者: 手机号 %s (验证码见短信发件箱)\n\n", phone)
			}
		}
	}()
	err = p.Run(ctx, ln)
	<-pairing // the store is closed only once nothing uses it
	log.Info("stopped")
	return err
}

func newLogger(cfg config.Config) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lv}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

func printLogins(cfg config.Config) {
	fmt.Fprintf(os.Stderr, "\n演示账号 (密码均为 %s):\n", demo.Password)
	for _, a := range demo.DemoAccounts {
		fmt.Fprintf(os.Stderr, "  %-10s %-8s %s\n", a.Username, a.Role, a.Name)
	}
	fmt.Fprintf(os.Stderr, "志愿者手机号 13800000001 起, 护理员 13900000001 起; 验证码见管理员的短信发件箱 (GET /api/sms/messages)。\n")
	fmt.Fprintf(os.Stderr, "打开 %s\n\n", cfg.PublicURL)
}
