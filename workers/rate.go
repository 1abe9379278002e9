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
	// ahead holds the first claimAhead waiters of this process, which
	// have claimed their text; turn the first of them, the one that asks
	// Redis. The others wait here, rather than all waking for each slot.
	ahead, turn chan struct{}
	// leaving, when set (tests only), is called as a waiter leaves the
	// line, before the next waiter of this process may claim.
	leaving func()
}

// claimAhead is how many waiters of a process hold a claim: the next one
// claims while the first waits for its slot, so that a slow claim (the
// embedded database serves one command at a time) does not delay the
// slot. A process that dies abruptly leaves at most that many texts
// claimed and waiting for a slot, besides those it was handing to the
// carrier (shown as sending, never sent twice).
const claimAhead = 2

// arrivalJitter is how much later than its slot a text may reach the
// carrier than the text before it (the claim, the request). The carrier
// counts arrivals, so the limit is kept over one second plus this.
const arrivalJitter = 20 * time.Millisecond

// NewSendRate allows perSecond messages a second from the sender `from`:
// the carrier never sees more than perSecond arrive within any second.
func NewSendRate(r redis.UniversalClient, from string, perSecond int) *SendRate {
	return &SendRate{limiter: redis_rate.NewLimiter(r), key: "sms-rate:" + from, limit: sendLimit(perSecond),
		ahead: make(chan struct{}, claimAhead), turn: make(chan struct{}, 1)}
}

// sendLimit spaces texts evenly so that at most perSecond fit in any
// window of one second plus arrivalJitter. With a burst of b, b texts
// may go together after a pause, so the even spacing fits perSecond-b+1
// in the window: at most (b-1) + (perSecond-b+1) = perSecond.
//
// Above 20 a second a burst of 2 is worth its cost (1 text a second): a
// waiter that asks Redis a millisecond late keeps its slot instead of
// losing that millisecond, which would cost 5% at 50 a second. Below, a
// slot lasts long enough that a late millisecond costs little.
func sendLimit(perSecond int) redis_rate.Limit {
	burst := 1
	if perSecond > 20 {
		burst = 2
	}
	return redis_rate.Limit{Rate: perSecond - burst + 1, Burst: burst, Period: time.Second + arrivalJitter}
}

// Wait runs claim when the caller is among the first claimAhead of this
// process's line, then blocks until one more message may go, or ctx ends.
// Only the first in line asks Redis.
func (s *SendRate) Wait(ctx context.Context, claim func() error) error {
	select {
	case s.ahead <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() {
		if s.leaving != nil {
			s.leaving()
		}
		<-s.ahead
	}()
	if err := claim(); err != nil {
		return err
	}
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.turn }()
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
