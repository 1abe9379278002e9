package visit_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"jinhui/services/notify"
	"jinhui/services/notify/notifytest"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/services/visit/visittest"
	"jinhui/shared/testenv"
	"jinhui/workers"
)

// crashing passes texts to Twilio, then panics once after every third
// accepted text: the worker dies between the carrier taking a message and
// the SID being stored, the worst moment for a duplicate.
type crashing struct {
	notify.Gateway
	mu      sync.Mutex
	n       int
	crashed map[string]bool
}

func (c *crashing) Send(ctx context.Context, to, body string, v time.Duration) (string, string, error) {
	sid, st, err := c.Gateway.Send(ctx, to, body, v)
	c.mu.Lock()
	c.n++
	crash := err == nil && c.n%3 == 0 && !c.crashed[to+body]
	if crash {
		c.crashed[to+body] = true
	}
	c.mu.Unlock()
	if crash {
		panic("worker killed after Twilio accepted the message")
	}
	return sid, st, err
}

// nowQueue queues reminder tasks on asynq to run at once (the test's
// clock is not the wall clock asynq schedules by).
type nowQueue struct{ q workers.Queue }

func (n nowQueue) EnqueueReminder(ctx context.Context, id string, _ time.Time) error {
	return n.q.EnqueueReminder(ctx, id, time.Now())
}

// TestCrashAndFlushSendOnce runs a month of reminders through real asynq
// workers and the real twilio-go client against a fake Twilio, with the
// worker dying after Twilio accepted every third text and Redis flushed in
// the middle; afterwards every due reminder was handled and every text
// reached Twilio exactly once.
func TestCrashAndFlushSendOnce(t *testing.T) {
	fake := notifytest.Start()
	defer fake.Close()
	gw := &crashing{Gateway: fake.Gateway("+15005550006"), crashed: map[string]bool{}}
	h := platformtest.NewWithGateway(t, gw)
	ctx := context.Background()
	clk := visittest.NewClock(day("2026-11-25", 10))
	q := workers.Queue{Client: h.P.Queue}
	h.P.Visits.Now, h.P.SMS.Now, h.P.Visits.Queue = clk.Now, clk.Now, nowQueue{q}

	var vs []registry.Volunteer
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, "370101000000") {
			vs = append(vs, v)
		}
	}
	n := 0
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, "370101000000") && e.Status == registry.StatusActive && 2*n+1 < len(vs) {
			visittest.Pair(t, h.P.Store, e, 0, vs[2*n])
			visittest.Pair(t, h.P.Store, e, 1, vs[2*n+1])
			n++
		}
	}
	month, _ := time.Parse("2006-01", "2026-12")
	res, err := h.P.Visits.PlanMonth(ctx, "370101000000", month)
	if err != nil || res.Planned != n || n < 4 {
		t.Fatalf("plan: %+v %v (elders %d)", res, err, n)
	}

	srv := asynq.NewServer(h.P.RedisOpt, asynq.Config{Concurrency: 4, Queues: map[string]int{"critical": 6, "default": 3, "low": 1},
		RetryDelayFunc: func(int, error, *asynq.Task) time.Duration { return 50 * time.Millisecond }, LogLevel: asynq.FatalLevel,
		// An idle asynq worker looks for new tasks once a second by
		// default: each of the month's steps then waited up to a second
		// for a task already queued.
		DelayedTaskCheckInterval: 100 * time.Millisecond, TaskCheckInterval: 10 * time.Millisecond})
	hd := &workers.Handlers{SMS: h.P.SMS, Visits: h.P.Visits, Log: h.P.Log}
	if err := srv.Start(hd.Mux()); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()

	// Every moment a reminder falls due, in order.
	var steps []time.Time
	for _, r := range allReminders(t, h) {
		steps = append(steps, r.Due)
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].Before(steps[j]) })
	flushed := false
	for i, at := range steps {
		clk.Set(at)
		if _, err := h.P.Visits.Sweep(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		if !flushed && i > len(steps)/2 {
			// Redis restarts empty: queued and scheduled tasks are gone.
			if err := h.P.Redis.FlushDB(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			flushed = true
			// A minute later the scheduler's sweeps re-queue from MongoDB.
			clk.Set(at.Add(time.Minute))
			if _, err := h.P.Visits.Sweep(ctx, time.Minute); err != nil {
				t.Fatal(err)
			}
			if _, err := h.P.SMS.Reconcile(ctx, 0); err != nil {
				t.Fatal(err)
			}
		}
		waitSettled(t, h, clk.Now())
	}
	pending := 0
	for _, r := range allReminders(t, h) {
		if r.Status == "pending" {
			pending++
		}
	}
	if pending != 0 {
		t.Fatalf("%d reminders never handled", pending)
	}
	ms, _, _ := h.P.Store.Messages(ctx, "", 0, 500)
	handed := 0
	for _, m := range ms {
		if m.Status == notify.StatusQueued {
			t.Fatalf("message still queued: %s", m.ID)
		}
		if got := fake.Times(m.To, m.Body); got > 1 {
			t.Fatalf("%s reached Twilio %d times", m.ID, got)
		} else if got == 1 {
			handed++
		}
	}
	distinct, dup, _ := fake.Received()
	if dup != 0 || distinct != handed || len(gw.crashed) == 0 {
		t.Fatalf("twilio got %d distinct, %d duplicates; %d messages handed; %d crashes", distinct, dup, handed, len(gw.crashed))
	}
	t.Logf("%d reminders, %d texts to Twilio, %d worker crashes, Redis flushed once, 0 duplicates", len(steps), handed, len(gw.crashed))
}

func allReminders(t *testing.T, h *platformtest.Harness) []visit.Reminder {
	t.Helper()
	cur, err := h.P.Store.DB.Collection("reminders").Find(context.Background(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var rs []visit.Reminder
	if err := cur.All(context.Background(), &rs); err != nil {
		t.Fatal(err)
	}
	return rs
}

// waitSettled waits until no reminder due by now is pending and no text is queued.
func waitSettled(t *testing.T, h *platformtest.Harness, now time.Time) {
	t.Helper()
	testenv.WaitFor(t, 20*time.Second, fmt.Sprintf("reminders due by %s settled", now), func() bool {
		busy := 0
		for _, r := range allReminders(t, h) {
			if r.Status == "pending" && !r.Due.After(now) && !(visit.QuietHours(now) && r.Kind != visit.RemindAlert) {
				busy++
			}
		}
		queued, _, err := h.P.Store.Messages(context.Background(), notify.StatusQueued, 0, 1)
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		return busy == 0 && len(queued) == 0
	})
}
