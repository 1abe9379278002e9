package auth

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
)

// HashPassword hashes a password with argon2id's recommended parameters
// (64 MiB each: callers hash through the service's gate where they can).
func HashPassword(pw string) (string, error) {
	return argon2id.CreateHash(pw, argon2id.DefaultParams)
}

var errLogin = apperr.New(apperr.Unauthorized, "用户名或密码错误")

// Login checks an organizer's password and opens a session. In order it
// applies: the client address's attempts per minute and failures per hour,
// the username's growing wait after consecutive failures, and the
// username's attempts per minute; only then is a password hashed, at most
// Limits.Hashing at once. An unknown username waits as long as a hash
// takes, without hashing. Repeated failures raise an audited alert for the
// admins over the account.
func (s *Service) Login(ctx context.Context, username, password string) (string, access.Principal, error) {
	user := strings.ToLower(username)
	ip := Client(ctx)
	if ip != "" {
		if err := s.Codes.lim.take(ctx, "login-ip:"+ip, s.Limits.LoginsPerAddress, time.Minute, "本网络登录尝试过于频繁"); err != nil {
			return "", access.Principal{}, err
		}
		if err := s.Codes.lim.peek(ctx, "login-fail-ip:"+ip, s.Limits.LoginFailuresPerAddress, time.Hour, "本网络登录失败次数过多"); err != nil {
			return "", access.Principal{}, err
		}
	}
	if err := s.loginWait(ctx, user); err != nil {
		return "", access.Principal{}, err
	}
	if err := s.Codes.lim.take(ctx, "login:"+user, s.Limits.LoginsPerUsername, time.Minute, "该账号登录尝试过于频繁"); err != nil {
		return "", access.Principal{}, err
	}
	a, err := s.Accounts.AccountByUsername(ctx, user)
	if apperr.Is(err, apperr.NotFound) {
		s.hashing.idle(ctx)
		return "", access.Principal{}, s.loginFailed(ctx, user, ip, nil)
	} else if err != nil {
		return "", access.Principal{}, fmt.Errorf("auth.Login: %w", err)
	}
	ok, err := s.hashing.compare(ctx, password, a.PasswordHash)
	if apperr.Is(err, apperr.TooMany) {
		return "", access.Principal{}, err
	}
	if err != nil || !ok {
		return "", access.Principal{}, s.loginFailed(ctx, user, ip, &a)
	}
	if a.Disabled {
		return "", access.Principal{}, errLogin
	}
	s.Redis.Del(ctx, loginKey(user, "fails"), loginKey(user, "wait"))
	p := access.Principal{Kind: access.KindOrganizer, ID: a.ID, Name: a.Name, Role: a.Role, Region: a.Region, Level: int(area.LevelOf(a.Region))}
	tok, err := s.open(ctx, p)
	return tok, p, err
}

// loginKey names a username's login counters; they share the hash tag
// {user}, so one DEL or MULTI covers them on a Redis Cluster.
func loginKey(user, what string) string { return "login:{" + user + "}:" + what }

// loginWait refuses a username still inside its wait after failures.
func (s *Service) loginWait(ctx context.Context, user string) error {
	ttl, err := s.Redis.PTTL(ctx, loginKey(user, "wait")).Result()
	if err != nil {
		return fmt.Errorf("auth.loginWait: %w", err)
	}
	if ttl > 0 {
		return wait("该账号连续登录失败", ttl)
	}
	return nil
}

// loginFailed counts a failure against the address and the username,
// starts the username's wait, raises the alert every LoginAlertAfter
// failures, and returns the error the caller sees.
func (s *Service) loginFailed(ctx context.Context, user, ip string, a *Account) error {
	if ip != "" {
		_ = s.Codes.lim.take(ctx, "login-fail-ip:"+ip, s.Limits.LoginFailuresPerAddress, time.Hour, "")
	}
	n, err := s.Redis.Incr(ctx, loginKey(user, "fails")).Result()
	if err != nil {
		return fmt.Errorf("auth.loginFailed: %w", err)
	}
	pipe := s.Redis.TxPipeline()
	pipe.Expire(ctx, loginKey(user, "fails"), 24*time.Hour)
	if over := int(n) - s.Limits.LoginFreeFailures; over > 0 {
		pipe.Set(ctx, loginKey(user, "wait"), 1, LoginWait(over, s.Limits.LoginMaxWait))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth.loginFailed: %w", err)
	}
	if a != nil && s.Audit != nil && s.Limits.LoginAlertAfter > 0 && int(n)%s.Limits.LoginAlertAfter == 0 {
		e := audit.Entry{ID: uuid.Must(uuid.NewV7()).String(), At: time.Now(), ActorKind: "anonymous", ActorID: ip, ActorName: "未登录访问者",
			Region: a.Region, Action: audit.ActionLoginAlert, ObjectType: "account", ObjectID: a.ID, Areas: a.Areas,
			Reason: fmt.Sprintf("账号 %s 连续 %d 次密码错误", a.Username, n), RequestID: audit.RequestID(ctx)}
		if err := s.Audit.Record(ctx, e); err != nil {
			return fmt.Errorf("auth.loginFailed: %w", err)
		}
	}
	return errLogin
}

// LoginWait is the wait after the over-th failure beyond the free ones:
// 1 s, 2 s, 4 s … doubling up to max.
func LoginWait(over int, max time.Duration) time.Duration {
	if over > 30 {
		return max
	}
	return min(time.Second<<(over-1), max)
}

// hashGate bounds the argon2id hashes running at once and keeps a running
// estimate of how long one takes.
type hashGate struct {
	slots    chan struct{}
	timeout  time.Duration
	inFlight atomic.Int64
	peak     atomic.Int64
	typical  atomic.Int64 // nanoseconds, moving average
	once     sync.Once
}

func newHashGate(n int, wait time.Duration) *hashGate {
	if wait <= 0 {
		wait = DefaultLimits.HashWait
	}
	return &hashGate{slots: make(chan struct{}, max(n, 1)), timeout: wait}
}

// PeakHashing returns the most password hashes that ran at once since the
// service started (for monitoring and tests).
func (s *Service) PeakHashing() int { return int(s.hashing.peak.Load()) }

// compare checks a password against a hash inside the gate.
func (g *hashGate) compare(ctx context.Context, pw, hash string) (ok bool, err error) {
	gerr := g.run(ctx, func() { ok, err = argon2id.ComparePasswordAndHash(pw, hash) })
	if gerr != nil {
		return false, gerr
	}
	return ok, err
}

// run runs one hash inside the gate and updates the estimate of its
// time; a caller that waits beyond the timeout gets TooMany (busy).
func (g *hashGate) run(ctx context.Context, hash func()) error {
	t := time.NewTimer(g.timeout)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-t.C:
		return apperr.Wait("登录人数过多, 请稍后再试", time.Second)
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-g.slots }()
	n := g.inFlight.Add(1)
	defer g.inFlight.Add(-1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	start := time.Now()
	hash()
	d := int64(time.Since(start))
	if old := g.typical.Load(); old == 0 {
		g.typical.Store(d)
	} else {
		g.typical.Store((7*old + d) / 8)
	}
	return nil
}

// idle waits as long as a hash typically takes, without its memory, so
// that an unknown username answers in the same time as a known one. With
// no estimate yet, the first call measures one hash inside the gate
// (lazily: never at start-up).
func (g *hashGate) idle(ctx context.Context) {
	measured := false
	g.once.Do(func() {
		if g.typical.Load() == 0 {
			measured = g.run(ctx, func() { _, _ = argon2id.CreateHash("jinhui-dummy", argon2id.DefaultParams) }) == nil
		}
	})
	if measured {
		return
	}
	t := time.NewTimer(time.Duration(g.typical.Load()))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
