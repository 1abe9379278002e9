// Package config reads the platform's configuration once, from environment
// variables and command-line flags (flags win), validates it and prints it
// with secrets masked. It is passed down from main, never kept in a global.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"jinhui/shared/redisconn"
)

// Roles a process can run in.
const (
	RoleAll       = "all"
	RoleAPI       = "api"
	RoleWorker    = "worker"
	RoleScheduler = "scheduler"
	// RoleMigrate builds the declared MongoDB indexes and exits: the deploy
	// runs it once before the other roles (which only check for them).
	RoleMigrate = "migrate"
)

// Config is the whole configuration of one process.
type Config struct {
	Role            string        `env:"JINHUI_ROLE" envDefault:"all" flag:"role" help:"进程角色: all | api | worker | scheduler | migrate"`
	HTTPAddr        string        `env:"JINHUI_HTTP_ADDR" envDefault:":8080" flag:"http-addr" help:"HTTP 监听地址"`
	HealthAddr      string        `env:"JINHUI_HEALTH_ADDR" flag:"health-addr" help:"健康检查监听地址(/healthz、/readyz), 供 worker、scheduler 的探针使用; 空则不监听"`
	SweepEvery      time.Duration `env:"JINHUI_SWEEP_EVERY" envDefault:"1m" flag:"sweep-every" help:"短信对账与探访提醒巡检的周期"`
	DataDir         string        `env:"JINHUI_DATA_DIR" envDefault:"./data" flag:"data-dir" help:"内嵌数据库的数据目录"`
	Demo            bool          `env:"JINHUI_DEMO" flag:"demo" help:"空库时载入演示数据"`
	DemoScale       string        `env:"JINHUI_DEMO_SCALE" envDefault:"small" flag:"demo-scale" help:"演示数据规模: small | full"`
	MongoURI        string        `env:"MONGODB_URI" flag:"mongodb-uri" secret:"uri" help:"MongoDB 地址; 空则使用内嵌 FerretDB"`
	MongoDB         string        `env:"JINHUI_MONGODB_DB" envDefault:"jinhui" flag:"mongodb-db" help:"数据库名"`
	RedisURL        string        `env:"REDIS_URL" flag:"redis-url" secret:"uri" help:"Redis 地址; 空则使用内嵌 miniredis"`
	TwilioSID       string        `env:"TWILIO_ACCOUNT_SID" flag:"twilio-account-sid" secret:"partial" help:"Twilio 账号"`
	TwilioToken     string        `env:"TWILIO_AUTH_TOKEN" flag:"twilio-auth-token" secret:"full" help:"Twilio 令牌"`
	TwilioFrom      string        `env:"TWILIO_FROM" flag:"twilio-from" help:"短信发送号码"`
	SMSRate         int           `env:"JINHUI_SMS_RATE" envDefault:"10" flag:"sms-rate" help:"每个发送号码每秒最多发送的短信数(所有 worker 合计)"`
	MetricsAddr     string        `env:"JINHUI_METRICS_ADDR" flag:"metrics-addr" help:"另开一个只提供 /metrics (Prometheus 指标) 的监听地址, 如 127.0.0.1:9090; 空则只有最高一级管理员可在 API 端口读取"`
	PublicURL       string        `env:"JINHUI_PUBLIC_URL" envDefault:"http://localhost:8080" flag:"public-url" help:"对外地址(短信链接、Twilio 回调)"`
	LogLevel        string        `env:"JINHUI_LOG_LEVEL" envDefault:"info" flag:"log-level" help:"日志级别: debug | info | warn | error"`
	LogFormat       string        `env:"JINHUI_LOG_FORMAT" envDefault:"json" flag:"log-format" help:"日志格式: json | text"`
	SessionTTL      time.Duration `env:"JINHUI_SESSION_TTL" envDefault:"12h" flag:"session-ttl" help:"登录有效期"`
	ShutdownTimeout time.Duration `env:"JINHUI_SHUTDOWN_TIMEOUT" envDefault:"20s" flag:"shutdown-timeout" help:"优雅停机等待时间"`
	TrustedProxies  []string      `env:"JINHUI_TRUSTED_PROXIES" flag:"trusted-proxies" help:"可信反向代理 IP, 逗号分隔"`
}

// Embedded reports whether the process owns an embedded MongoDB.
func (c Config) Embedded() bool { return c.MongoURI == "" }

// EmbeddedRedis reports whether the process owns an embedded Redis.
func (c Config) EmbeddedRedis() bool { return c.RedisURL == "" }

// Twilio reports whether real SMS sending is configured.
func (c Config) Twilio() bool { return c.TwilioSID != "" }

// known lists the variables the platform reads; any other JINHUI_ variable
// is a typo that would otherwise be silently ignored.
func known() map[string]string {
	m := map[string]string{}
	t := reflect.TypeOf(Config{})
	for i := 0; i < t.NumField(); i++ {
		m[t.Field(i).Tag.Get("env")] = t.Field(i).Name
	}
	return m
}

// Parse reads the configuration from environ (KEY=VALUE strings) and args
// (without the program name). A first positional argument names the role.
// An unknown JINHUI_ variable or a malformed value is an error naming it.
func Parse(environ, args []string, usage io.Writer) (Config, error) {
	var c Config
	envMap := env.ToMap(environ)
	vars := known()
	var unknown []string
	for k := range envMap {
		if strings.HasPrefix(k, "JINHUI_") {
			if _, ok := vars[k]; !ok {
				unknown = append(unknown, k)
			}
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return c, fmt.Errorf("未知的环境变量 %s", strings.Join(unknown, ", "))
	}
	if err := env.ParseWithOptions(&c, env.Options{Environment: envMap}); err != nil {
		return c, explain(err)
	}
	if err := parseFlags(&c, args, usage); err != nil {
		return c, err
	}
	return c, c.validate()
}

// explain rewrites the env library's errors so that they name the variable.
func explain(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	byField := map[string]string{}
	for k, f := range known() {
		byField[f] = k
	}
	var parts []string
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			parts = append(parts, fmt.Sprintf("环境变量 %s 的值无法解析为 %s", byField[pe.Name], pe.Type))
			continue
		}
		parts = append(parts, e.Error())
	}
	return errors.New(strings.Join(parts, "; "))
}

func parseFlags(c *Config, args []string, usage io.Writer) error {
	fs := flag.NewFlagSet("jinhui", flag.ContinueOnError)
	fs.SetOutput(usage)
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, help := f.Tag.Get("flag"), f.Tag.Get("help")+" ("+f.Tag.Get("env")+")"
		switch p := v.Field(i).Addr().Interface().(type) {
		case *string:
			fs.StringVar(p, name, *p, help)
		case *bool:
			fs.BoolVar(p, name, *p, help)
		case *int:
			fs.IntVar(p, name, *p, help)
		case *time.Duration:
			fs.DurationVar(p, name, *p, help)
		case *[]string:
			fs.Func(name, help, func(s string) error { *p = strings.Split(s, ","); return nil })
		}
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("命令行参数错误: %w", err)
	}
	switch fs.NArg() {
	case 0:
	case 1:
		c.Role = fs.Arg(0)
	default:
		return fmt.Errorf("多余的命令行参数: %s", strings.Join(fs.Args()[1:], " "))
	}
	return nil
}

func (c Config) validate() error {
	switch c.Role {
	case RoleAll, RoleAPI, RoleWorker, RoleScheduler:
	case RoleMigrate:
		if c.MongoURI == "" {
			return errors.New("JINHUI_ROLE=migrate 需要设置 MONGODB_URI (内嵌数据库启动时自行建索引)")
		}
	default:
		return fmt.Errorf("JINHUI_ROLE 必须是 all、api、worker、scheduler 或 migrate, 收到 %q", c.Role)
	}
	if c.Role != RoleAll && c.Role != RoleMigrate && (c.MongoURI == "" || c.RedisURL == "") {
		return fmt.Errorf("JINHUI_ROLE=%s 需要同时设置 MONGODB_URI 和 REDIS_URL (内嵌数据库只能由单进程使用)", c.Role)
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return fmt.Errorf("JINHUI_HTTP_ADDR 不是有效的监听地址 %q: %v", c.HTTPAddr, err)
	}
	if c.HealthAddr != "" {
		if _, _, err := net.SplitHostPort(c.HealthAddr); err != nil {
			return fmt.Errorf("JINHUI_HEALTH_ADDR 不是有效的监听地址 %q: %v", c.HealthAddr, err)
		}
	}
	// The embedded FerretDB opens its SQLite files by a file: URI, in which
	// "#" starts a fragment, "?" the options and "%" an escape: such a
	// folder would fail at start with FerretDB's own English message.
	if c.MongoURI == "" && strings.ContainsAny(c.DataDir, "#?%") {
		return fmt.Errorf("JINHUI_DATA_DIR 不能含有 #、? 或 %%（内嵌数据库按文件地址打开它）, 收到 %q", c.DataDir)
	}
	if c.SweepEvery < time.Second || c.SweepEvery > time.Hour {
		return errors.New("JINHUI_SWEEP_EVERY 应在 1s 到 1h 之间")
	}
	switch c.DemoScale {
	case "small", "full":
	default:
		return fmt.Errorf("JINHUI_DEMO_SCALE 必须是 small 或 full, 收到 %q", c.DemoScale)
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		return errors.New("MONGODB_URI 必须以 mongodb:// 或 mongodb+srv:// 开头")
	}
	if c.RedisURL != "" {
		if _, err := redisconn.Parse(c.RedisURL); err != nil {
			return fmt.Errorf("REDIS_URL 无法解析: %v", err)
		}
	}
	if n := btoi(c.TwilioSID != "") + btoi(c.TwilioToken != "") + btoi(c.TwilioFrom != ""); n != 0 && n != 3 {
		return errors.New("TWILIO_ACCOUNT_SID、TWILIO_AUTH_TOKEN、TWILIO_FROM 必须同时设置或同时留空")
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("JINHUI_PUBLIC_URL 不是有效的 http(s) 地址 %q", c.PublicURL)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("JINHUI_LOG_LEVEL 必须是 debug、info、warn 或 error, 收到 %q", c.LogLevel)
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return fmt.Errorf("JINHUI_LOG_FORMAT 必须是 json 或 text, 收到 %q", c.LogFormat)
	}
	if c.SMSRate < 1 || c.SMSRate > 1000 {
		return errors.New("JINHUI_SMS_RATE 应在 1 到 1000 之间")
	}
	if c.SessionTTL < time.Minute {
		return errors.New("JINHUI_SESSION_TTL 至少为 1m")
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(strings.TrimSpace(p)) == nil {
			return fmt.Errorf("JINHUI_TRUSTED_PROXIES 含无效 IP %q", p)
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// String prints the configuration one variable a line, secrets masked.
func (c Config) String() string {
	var b strings.Builder
	v := reflect.ValueOf(c)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		val := fmt.Sprint(v.Field(i).Interface())
		if s, ok := v.Field(i).Interface().(string); ok && s != "" {
			val = mask(f.Tag.Get("secret"), s)
		}
		fmt.Fprintf(&b, "  %-24s %s\n", f.Tag.Get("env"), val)
	}
	return b.String()
}

func mask(kind, s string) string {
	switch kind {
	case "full":
		return "******"
	case "partial":
		if len(s) > 6 {
			return s[:4] + "******"
		}
		return "******"
	case "uri":
		u, err := url.Parse(s)
		if err != nil {
			return "******"
		}
		if u.User != nil {
			u.User = url.UserPassword(u.User.Username(), "xxxxxx")
		}
		return u.Redacted()
	}
	return s
}
