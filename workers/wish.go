package workers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"jinhui/workers/tasks"
)

// registerWishes adds the micro-wish handlers.
func (h *Handlers) registerWishes(mux *asynq.ServeMux) {
	mux.HandleFunc(tasks.TypeWishExpire, h.wishExpire)
}

// wishExpire reopens the wishes whose claim ran out; it is idempotent
// (a reopened wish is no longer claimed).
func (h *Handlers) wishExpire(ctx context.Context, _ *asynq.Task) error {
	if h.Wishes == nil {
		return nil
	}
	n, err := h.Wishes.ExpireClaims(ctx)
	if n > 0 {
		h.Log.Info("wish claims expired", "count", n)
	}
	return err
}

// scheduleWishes registers the periodic claim sweep.
func scheduleWishes(s *Scheduler) error {
	if err := s.Register(tasks.WishExpireCron, tasks.NewWishExpireTask()); err != nil {
		return fmt.Errorf("scheduleWishes: %w", err)
	}
	return nil
}

// WishCache is the micro-wish service's cache of public lists in Redis,
// shared by every API process.
type WishCache struct {
	Redis redis.UniversalClient
}

// Get returns the cached value, or nil on a miss.
func (c WishCache) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := c.Redis.Get(ctx, "cache:"+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return b, err
}

// Set stores a value for ttl.
func (c WishCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	return c.Redis.Set(ctx, "cache:"+key, val, ttl).Err()
}
