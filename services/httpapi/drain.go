package httpapi

import (
	"context"
	"errors"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// drain tracks the requests in flight and gives them a context that the
// shutdown cancels when its deadline is near, so that every handler ends
// (finished, or refused with a 503 that says to retry) before the store
// is closed.
type drain struct {
	base   context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	n     int
	idle  chan struct{} // closed while n == 0
	abort bool
}

func newDrain() *drain {
	ctx, cancel := context.WithCancel(context.Background())
	d := &drain{base: ctx, cancel: cancel, idle: make(chan struct{})}
	close(d.idle)
	return d
}

func (d *drain) enter() {
	d.mu.Lock()
	if d.n == 0 {
		d.idle = make(chan struct{})
	}
	d.n++
	d.mu.Unlock()
}

func (d *drain) leave() {
	d.mu.Lock()
	d.n--
	if d.n == 0 {
		close(d.idle)
	}
	d.mu.Unlock()
}

// track is the first middleware: every request runs under the drain's
// context and is counted until its answer is written.
func (s *Server) track(c *fiber.Ctx) error {
	s.drain.enter()
	defer s.drain.leave()
	c.SetUserContext(s.drain.base)
	return c.Next()
}

// Abort cancels the context of every request in flight: their store calls
// fail at once and they answer 503 "服务正在重启" (the shutdown's deadline
// is near).
func (s *Server) Abort() {
	s.drain.mu.Lock()
	s.drain.abort = true
	s.drain.mu.Unlock()
	s.drain.cancel()
}

// Idle waits until no request is in flight, or ctx ends.
func (s *Server) Idle(ctx context.Context) error {
	s.drain.mu.Lock()
	idle := s.drain.idle
	s.drain.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// InFlight returns how many requests are being handled.
func (s *Server) InFlight() int {
	s.drain.mu.Lock()
	defer s.drain.mu.Unlock()
	return s.drain.n
}

// aborted reports whether err comes from a request cut short by Abort.
func (s *Server) aborted(err error) bool {
	s.drain.mu.Lock()
	a := s.drain.abort
	s.drain.mu.Unlock()
	return a && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
