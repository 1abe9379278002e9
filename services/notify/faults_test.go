package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"jinhui/services/notify"
	"jinhui/shared/mongostore"
	"jinhui/shared/testenv"
)

// memQueue is the job queue held in memory, lost with the process (as
// Redis may lose it): what it holds is delivered by drain.
type memQueue struct {
	mu  sync.Mutex
	ids []string
}

func (q *memQueue) EnqueueSend(_ context.Context, id string, _ bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, id)
	return nil
}

func (q *memQueue) drain(ctx context.Context, svc *notify.Service) error {
	q.mu.Lock()
	ids := q.ids
	q.ids = nil
	q.mu.Unlock()
	for _, id := range ids {
		if err := svc.Deliver(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// countingGateway counts what reached the carrier, per database (one
// subtest each), whatever the context says: a carrier that took a text
// took it.
type countingGateway struct {
	mu   sync.Mutex
	db   string
	sent map[string]map[string]int
}

func (g *countingGateway) Name() string { return "counting" }

func (g *countingGateway) Send(_ context.Context, to, body string, _ time.Duration) (string, string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sent[g.db] == nil {
		g.sent[g.db] = map[string]int{}
	}
	g.sent[g.db][body]++
	return "SM" + body, notify.StatusSent, nil
}

// TestSMSSurvivesCrashes: a text sent alone (Send) and two in a batch
// (SendBatch), then delivered by the worker, with the process stopped
// after every write: after the restart the reconcile sweep alone finds
// every text that was stored and it reaches the carrier exactly once;
// the caller sending again afterwards sends nothing twice.
func TestSMSSurvivesCrashes(t *testing.T) {
	gw := &countingGateway{sent: map[string]map[string]int{}}
	service := func(s *mongostore.Store, q *memQueue) *notify.Service {
		gw.mu.Lock()
		gw.db = s.DB.Name()
		gw.mu.Unlock()
		return &notify.Service{Store: s, Queue: q, Gateway: gw, Now: time.Now}
	}
	keys := []string{"one", "b1", "b2"}
	var mu sync.Mutex
	orphans := map[string][]string{} // by database: texts the sweep missed
	send := func(ctx context.Context, s *mongostore.Store) error {
		q := &memQueue{}
		svc := service(s, q)
		if err := svc.Send(ctx, "one", "+8613800000001", "test", "one"); err != nil {
			return err
		}
		if err := svc.SendBatch(ctx, []notify.Text{{Key: "b1", To: "+8613800000002", Kind: "test", Body: "b1"}, {Key: "b2", To: "+8613800000003", Kind: "test", Body: "b2"}}); err != nil {
			return err
		}
		return q.drain(ctx, svc)
	}
	sweep := func(ctx context.Context, s *mongostore.Store) error {
		q := &memQueue{}
		svc := service(s, q)
		if _, err := svc.Reconcile(ctx, -time.Minute); err != nil {
			return err
		}
		return q.drain(ctx, svc)
	}
	testenv.EveryWrite(t, testenv.Crash{
		Op: send,
		Repeat: func(ctx context.Context, s *mongostore.Store) error {
			// Nobody retries at first: only the sweep runs after the restart.
			if err := sweep(ctx, s); err != nil {
				return err
			}
			for _, k := range keys {
				if _, err := s.Recorded(ctx, k); err == nil && gw.count(s, k) != 1 {
					mu.Lock()
					orphans[s.DB.Name()] = append(orphans[s.DB.Name()], k)
					mu.Unlock()
				}
			}
			// Then the caller sends again, and the sweep runs again.
			if err := send(ctx, s); err != nil {
				return err
			}
			return sweep(ctx, s)
		},
		Done: func(t *testing.T, s *mongostore.Store) {
			mu.Lock()
			if o := orphans[s.DB.Name()]; len(o) > 0 {
				t.Errorf("texts %v were stored but the sweep after the restart did not send them (orphaned)", o)
			}
			mu.Unlock()
			for _, k := range keys {
				if n := gw.count(s, k); n != 1 {
					t.Errorf("text %s reached the carrier %d times, want once", k, n)
				}
				m, err := s.Message(t.Context(), k)
				if err != nil || m.Status != notify.StatusSent && m.Status != notify.StatusSending {
					t.Errorf("text %s: %+v %v", k, m.Status, err)
				}
			}
			ps, _, err := s.Messages(t.Context(), notify.StatusQueued, 0, 10)
			if err != nil || len(ps) != 0 {
				t.Errorf("texts still queued at the end: %d %v", len(ps), err)
			}
		},
	})
}

func (g *countingGateway) count(s *mongostore.Store, body string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sent[s.DB.Name()][body]
}
