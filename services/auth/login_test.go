package auth_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"jinhui/services/auth"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

// accounts is an in-memory AccountStore: every username "user<n>" exists
// with the same password hash.
type accounts struct{ hash string }

func (a accounts) InsertAccount(context.Context, auth.Account) error { return nil }
func (a accounts) AccountByUsername(_ context.Context, u string) (auth.Account, error) {
	var n int
	if _, err := fmt.Sscanf(u, "user%d", &n); err != nil {
		return auth.Account{}, apperr.NotFoundf("账号不存在")
	}
	return auth.Account{ID: u, Username: u, Region: "370101000000", Role: "organizer", PasswordHash: a.hash}, nil
}
func (a accounts) Account(ctx context.Context, id string) (auth.Account, error) {
	return a.AccountByUsername(ctx, id)
}
func (a accounts) Accounts(context.Context, string, page.Order, int, int) ([]auth.Account, int, error) {
	return nil, 0, nil
}
func (a accounts) SetAccountDisabled(context.Context, string, bool) error { return nil }

// TestLoginHashingIsBounded: 16 logins at once hash at most
// Limits.Hashing passwords at a time (finding 2: 32 at once took the
// server from 110 MB to 1 GB), and an unknown username answers in about
// the time of a known one without hashing.
func TestLoginHashingIsBounded(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	hash, err := auth.HashPassword("right-password")
	if err != nil {
		t.Fatal(err)
	}
	s := auth.NewService(accounts{hash: hash}, nil, rdb, &lastSMS{}, time.Hour)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.Login(auth.WithClient(ctx, fmt.Sprintf("10.0.0.%d", i)), fmt.Sprintf("user%d", i), "wrong-password")
			// Refused as busy (429) when no hashing slot frees within
			// HashWait: the memory bound holds either way.
			if !apperr.Is(err, apperr.Unauthorized) && !apperr.Is(err, apperr.TooMany) {
				t.Errorf("login %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if peak := s.PeakHashing(); peak < 1 || peak > auth.DefaultLimits.Hashing {
		t.Fatalf("peak concurrent hashes %d, limit %d", peak, auth.DefaultLimits.Hashing)
	}
	start := time.Now()
	if _, _, err := s.Login(ctx, "user100", "wrong-password"); !apperr.Is(err, apperr.Unauthorized) {
		t.Fatal(err)
	}
	known := time.Since(start)
	start = time.Now()
	if _, _, err := s.Login(ctx, "nobody", "wrong-password"); !apperr.Is(err, apperr.Unauthorized) {
		t.Fatal(err)
	}
	unknown := time.Since(start)
	if unknown < known/3 {
		t.Fatalf("unknown username answered in %v, known in %v", unknown, known)
	}
	t.Logf("known %v, unknown %v", known, unknown)
}

// TestLoginWaitDoubles: the waits after failures beyond the free ones.
func TestLoginWaitDoubles(t *testing.T) {
	for _, tc := range []struct {
		over int
		want time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {4, 8 * time.Second}, {11, 15 * time.Minute}, {40, 15 * time.Minute}} {
		if got := auth.LoginWait(tc.over, 15*time.Minute); got != tc.want {
			t.Errorf("LoginWait(%d) = %v, want %v", tc.over, got, tc.want)
		}
	}
}
