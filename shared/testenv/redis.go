package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jinhui/shared/embedded"
)

// Lease timings for a claimed database: a lease lives leaseTTL unless its
// holder renews it every leaseRenew, so a test process that dies frees its
// database within leaseTTL.
const (
	leaseTTL    = 45 * time.Second
	leaseRenew  = 15 * time.Second
	claimWait   = 3 * time.Minute
	leasePrefix = "jinhui:testenv:lease:"
)

// renew extends a lease only while this holder still owns it; release
// deletes it on the same condition.
var (
	renew   = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)
	release = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)
)

// RedisURL returns the URL of a Redis that belongs to this test alone,
// emptied, and gives it back when the test ends. With REDIS_URL set (CI's
// real Redis) it leases a whole database of that server (asynq has no key
// prefix, so a database is the unit of isolation); otherwise it starts an
// embedded miniredis for the test.
func RedisURL(t testing.TB) string {
	t.Helper()
	u, free, err := ClaimRedis(context.Background())
	if err != nil {
		t.Fatalf("testenv.RedisURL: %v", err)
	}
	t.Cleanup(free)
	return u
}

// Redis returns a client for RedisURL(t), closed at the end.
func Redis(t testing.TB) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// ClaimRedis is RedisURL for fixtures that outlive one test (a package's
// TestMain): the caller must call free when done.
func ClaimRedis(ctx context.Context) (redisURL string, free func(), err error) {
	base := os.Getenv("REDIS_URL")
	if base == "" {
		r, err := embedded.StartRedis()
		if err != nil {
			return "", nil, fmt.Errorf("start miniredis: %w", err)
		}
		return r.URL(), r.Stop, nil
	}
	return leaseDB(ctx, base)
}

// leaseDB claims a free database of the server at base with an atomic
// SET NX lease key, kept in base's own database (which is never handed
// out), so test processes running in parallel never share a database.
// When every database is taken it waits, polling, until one is released.
func leaseDB(ctx context.Context, base string) (string, func(), error) {
	opt, err := redis.ParseURL(base)
	if err != nil {
		return "", nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	reg := redis.NewClient(opt)
	n := databases(ctx, reg)
	token := randomToken()
	ctx, cancel := context.WithTimeout(ctx, claimWait)
	defer cancel()
	poll := time.NewTicker(100 * time.Millisecond)
	defer poll.Stop()
	for {
		// Highest numbers first: a claim that loses a race tries the next.
		for i := range n {
			db := n - 1 - i
			if db == opt.DB {
				continue
			}
			key := leasePrefix + strconv.Itoa(db)
			ok, err := reg.SetNX(ctx, key, token, leaseTTL).Result()
			if err != nil {
				_ = reg.Close()
				return "", nil, fmt.Errorf("lease redis db %d: %w", db, err)
			}
			if !ok {
				continue
			}
			u, err := leased(ctx, base, opt, db)
			if err != nil {
				_ = release.Run(context.Background(), reg, []string{key}, token).Err()
				_ = reg.Close()
				return "", nil, err
			}
			return u, holdLease(reg, key, token, u), nil
		}
		select {
		case <-ctx.Done():
			_ = reg.Close()
			return "", nil, fmt.Errorf("no free redis database within %s: %w", claimWait, ctx.Err())
		case <-poll.C:
		}
	}
}

// leased empties database db and returns its URL (base's credentials and
// options, db as the path).
func leased(ctx context.Context, base string, opt *redis.Options, db int) (string, error) {
	o := *opt
	o.DB = db
	c := redis.NewClient(&o)
	defer c.Close()
	if err := c.FlushDB(ctx).Err(); err != nil {
		return "", fmt.Errorf("flush redis db %d: %w", db, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("REDIS_URL: %w", err)
	}
	u.Path = "/" + strconv.Itoa(db)
	return u.String(), nil
}

// holdLease renews the lease until free is called; free empties the
// database and deletes the lease.
func holdLease(reg *redis.Client, key, token, dbURL string) func() {
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(leaseRenew)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = renew.Run(context.Background(), reg, []string{key}, token, leaseTTL.Milliseconds()).Err()
			}
		}
	}()
	return func() {
		close(stop)
		<-stopped
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if opt, err := redis.ParseURL(dbURL); err == nil {
			c := redis.NewClient(opt)
			_ = c.FlushDB(ctx).Err()
			_ = c.Close()
		}
		_ = release.Run(ctx, reg, []string{key}, token).Err()
		_ = reg.Close()
	}
}

// databases is the server's number of databases (16 when CONFIG is refused).
func databases(ctx context.Context, c *redis.Client) int {
	v, err := c.ConfigGet(ctx, "databases").Result()
	if err == nil {
		if n, err := strconv.Atoi(v["databases"]); err == nil && n > 1 {
			return n
		}
	}
	return 16
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
