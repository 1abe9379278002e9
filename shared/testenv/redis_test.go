package testenv

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// privateRedis starts a redis-server of its own with n databases, or skips.
func privateRedis(t *testing.T, n int) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--databases", fmt.Sprint(n))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	u := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for c.Ping(ctx).Err() != nil {
		if ctx.Err() != nil {
			t.Fatal("redis-server did not answer")
		}
		// redis-server is starting; Ping itself paces the loop (dial timeout).
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	return u
}

// TestLeaseDB: parallel claims get distinct, emptied databases, never the
// one holding the leases; a claim on a full server waits for a release.
func TestLeaseDB(t *testing.T) {
	base := privateRedis(t, 3)
	ctx := context.Background()
	u1, free1, err := leaseDB(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	u2, free2, err := leaseDB(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if u1 == u2 || strings.HasSuffix(u1, "/0") || strings.HasSuffix(u2, "/0") {
		t.Fatalf("claims %s and %s: want two distinct databases other than 0", u1, u2)
	}
	opt, _ := redis.ParseURL(u1)
	c := redis.NewClient(opt)
	defer c.Close()
	if err := c.Set(ctx, "left", "over", 0).Err(); err != nil {
		t.Fatal(err)
	}

	got := make(chan string, 1)
	go func() {
		u3, free3, err := leaseDB(ctx, base)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		free3()
		got <- u3
	}()
	select {
	case u := <-got:
		t.Fatalf("third claim on a full server returned %s", u)
	case <-time.After(300 * time.Millisecond): // it must still be waiting: a negative check needs a bound
	}
	free1()
	if u3 := <-got; u3 != u1 {
		t.Fatalf("third claim got %s, want the released %s", u3, u1)
	}
	if n, err := c.Exists(ctx, "left").Result(); err != nil || n != 0 {
		t.Fatalf("released database not emptied: exists=%d err=%v", n, err)
	}
	free2()
}
