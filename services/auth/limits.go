package auth

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"jinhui/shared/apperr"
)

// Limits are the guards against guessing and flooding of codes and logins
// (OWASP API2, API4). Every count lives in Redis, so they hold across any
// number of API processes; the windows are GCRA (redis_rate), which is a
// sliding window: a burst is spent at once and refills evenly.
type Limits struct {
	// CodeSendsPerAddress is how many codes one client address may have
	// sent in an hour, for any phone and purpose.
	CodeSendsPerAddress int
	// CodeSendsPerPhone is how many codes one phone may be sent in an
	// hour over all purposes (each purpose also has CodesPerHour).
	CodeSendsPerPhone int
	// CodeSendsOverall is how many codes the whole deployment sends in an
	// hour: a ceiling on SMS cost and on a distributed flood.
	CodeSendsOverall int
	// CodeChecksPerAddress is how many code checks one client address may
	// make in an hour.
	CodeChecksPerAddress int
	// CodeFailuresPerPhone wrong codes within an hour, over all codes and
	// purposes of a phone, lock the phone's codes for CodeLockout; an
	// organizer of the person's region can clear the lock.
	CodeFailuresPerPhone int
	CodeLockout          time.Duration
	// LoginsPerAddress is how many password logins one client address may
	// try in a minute, and LoginFailuresPerAddress how many may fail in an
	// hour (spraying many usernames from one address).
	LoginsPerAddress        int
	LoginFailuresPerAddress int
	// LoginsPerUsername is how many logins one username may try in a minute.
	LoginsPerUsername int
	// LoginFreeFailures consecutive failures of a username cost nothing;
	// each one after doubles a wait (1 s, 2 s, 4 s … up to LoginMaxWait)
	// before the next try is accepted.
	LoginFreeFailures int
	LoginMaxWait      time.Duration
	// LoginAlertAfter consecutive failures of a username raise an alert
	// for the admins over the account (again at every multiple).
	LoginAlertAfter int
	// Hashing is how many argon2id password hashes may run at once; each
	// takes 64 MiB, so this bounds the memory logins can take.
	Hashing int
	// HashWait is how long a login waits for a hashing slot before it is
	// refused as busy.
	HashWait time.Duration
}

// DefaultLimits are the limits in force unless configured otherwise.
var DefaultLimits = Limits{
	CodeSendsPerAddress:     20,
	CodeSendsPerPhone:       10,
	CodeSendsOverall:        3000,
	CodeChecksPerAddress:    60,
	CodeFailuresPerPhone:    10,
	CodeLockout:             time.Hour,
	LoginsPerAddress:        30,
	LoginFailuresPerAddress: 20,
	LoginsPerUsername:       10,
	LoginFreeFailures:       3,
	LoginMaxWait:            15 * time.Minute,
	LoginAlertAfter:         10,
	Hashing:                 2,
	HashWait:                10 * time.Second,
}

type clientKey struct{}

// WithClient attaches the client address of a request to ctx, so that
// codes and logins can be limited per address. The HTTP layer sets it
// from the connection (or a trusted proxy's header).
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// Client returns the client address attached to ctx, or "".
func Client(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

// limiter applies GCRA limits kept in Redis.
type limiter struct{ l *redis_rate.Limiter }

// take spends one event of a budget of n per period under key; when the
// budget is spent it returns TooMany with msg and the wait. n <= 0 means
// no limit.
func (l limiter) take(ctx context.Context, key string, n int, per time.Duration, msg string) error {
	return l.takeN(ctx, key, n, per, 1, msg)
}

// peek reports, without spending anything, whether the budget under key
// still allows one event.
func (l limiter) peek(ctx context.Context, key string, n int, per time.Duration, msg string) error {
	return l.takeN(ctx, key, n, per, 0, msg)
}

func (l limiter) takeN(ctx context.Context, key string, n int, per time.Duration, cost int, msg string) error {
	if n <= 0 {
		return nil
	}
	r, err := l.l.AllowN(ctx, "rl:"+key, redis_rate.Limit{Rate: n, Burst: n, Period: per}, cost)
	if err != nil {
		return fmt.Errorf("auth.limit: %w", err)
	}
	if cost > 0 && r.Allowed == 0 {
		return wait(msg, r.RetryAfter)
	}
	if cost == 0 && r.Remaining < 1 {
		// Time until one event fits: the full reset less the rest of the burst.
		return wait(msg, r.ResetAfter-time.Duration(n-1)*per/time.Duration(n))
	}
	return nil
}

// wait is a TooMany error whose message names the wait in seconds or
// minutes.
func wait(msg string, d time.Duration) error {
	if d < time.Second {
		d = time.Second
	}
	s := fmt.Sprintf("%d 秒", int(math.Ceil(d.Seconds())))
	if d >= 2*time.Minute {
		s = fmt.Sprintf("%d 分钟", int(math.Ceil(d.Minutes())))
	}
	return apperr.Wait(fmt.Sprintf("%s, 请 %s后再试", msg, s), d.Round(time.Second))
}
