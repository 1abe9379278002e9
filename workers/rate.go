package workers

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// SendRate paces SMS sending per sender number across every worker
// process: the limit lives in Redis (GCRA via redis_rate).
type SendRate struct {
	limiter *redis_rate.Limiter
	key     string
	limit   redis_rate.Limit
}

// NewSendRate allows perSecond messages a second from the sender `from`.
func NewSendRate(r redis.UniversalClient, from string, perSecond int) *SendRate {
	// Burst 1: messages are spaced evenly, never sent in a clump.
	return &SendRate{limiter: redis_rate.NewLimiter(r), key: "sms-rate:" + from, limit: redis_rate.Limit{Rate: perSecond, Burst: 1, Period: time.Second}}
}

// Wait blocks until one more message may go, or ctx ends.
func (s *SendRate) Wait(ctx context.Context) error {
	for {
		res, err := s.limiter.Allow(ctx, s.key, s.limit)
		if err != nil {
			return err
		}
		if res.Allowed > 0 {
			return nil
		}
		t := time.NewTimer(res.RetryAfter)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
