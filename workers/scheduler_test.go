package workers

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"jinhui/shared/redisconn"
	"jinhui/shared/testenv"
)

// TestTwoSchedulersEnqueueOncePerPeriod: two schedulers (a rolling deploy)
// fire the same periodic task; each period's task runs once, and the
// second scheduler's enqueue is refused by the period's TaskID.
func TestTwoSchedulersEnqueueOncePerPeriod(t *testing.T) {
	rc, err := redisconn.Parse(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	const queue = "sched-test"
	var mu sync.Mutex
	runs := map[string]int{}
	// An idle worker looks for tasks every 10 ms, not once a second.
	srv := asynq.NewServer(rc.Asynq, asynq.Config{Concurrency: 2, Queues: map[string]int{queue: 1}, LogLevel: asynq.FatalLevel, TaskCheckInterval: 10 * time.Millisecond})
	mux := asynq.NewServeMux()
	mux.HandleFunc("test:tick", func(ctx context.Context, _ *asynq.Task) error {
		id, _ := asynq.GetTaskID(ctx)
		mu.Lock()
		runs[id]++
		mu.Unlock()
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	for range 2 {
		s := &Scheduler{client: asynq.NewClient(rc.Asynq), log: log}
		if err := s.Register("@every 1s", asynq.NewTask("test:tick", nil, asynq.Queue(queue))); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		defer s.Shutdown()
	}
	testenv.WaitFor(t, 20*time.Second, "three periods run", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs) >= 3
	})
	mu.Lock()
	defer mu.Unlock()
	for id, n := range runs {
		if n != 1 {
			t.Errorf("period %s ran %d times", id, n)
		}
		if !strings.HasPrefix(id, "cron:test:tick:") {
			t.Errorf("task id %q is not the period's", id)
		}
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(logs.String(), "already enqueued for this period") {
		t.Errorf("no scheduler met the other's task; logs:\n%s", logs.String())
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestPeriodsAreAligned: every scheduler computes the same periods, on
// the clock (cron specs in Asia/Shanghai), whenever it started.
func TestPeriodsAreAligned(t *testing.T) {
	tests := []struct {
		name, spec string
		from, want time.Time
	}{
		{"OKEveryMinute", "@every 1m", time.Date(2026, 3, 1, 10, 0, 17, 0, time.UTC), time.Date(2026, 3, 1, 10, 1, 0, 0, time.UTC)},
		{"OKEvery10m", "@every 10m", time.Date(2026, 3, 1, 10, 3, 0, 0, time.UTC), time.Date(2026, 3, 1, 10, 10, 0, 0, time.UTC)},
		// 01:00 on the 1st in Shanghai is 17:00 UTC the day before.
		{"OKMonthlyShanghai", "0 1 1 * *", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Next(tt.from); !got.Equal(tt.want) {
				t.Fatalf("next after %v = %v, want %v", tt.from, got, tt.want)
			}
		})
	}
	if _, err := parseSpec("@every 1ms"); err == nil {
		t.Fatal("a sub-second period was accepted")
	}
}

// TestFailureLoggerMasksNumbers: a failed task is logged with its type and
// attempt, never with a phone or ID number from its error.
func TestFailureLoggerMasksNumbers(t *testing.T) {
	var b bytes.Buffer
	failureLogger(slog.New(slog.NewJSONHandler(&b, nil)))(context.Background(), asynq.NewTask("sms:send", []byte(`{"to":"+8613800001234"}`)),
		fmt.Errorf("sms:send: carrier refused +8613800001234 (id 370101195001010012): %w", asynq.SkipRetry))
	out := b.String()
	for _, leak := range []string{"13800001234", "370101195001010012", `"to"`} {
		if strings.Contains(out, leak) {
			t.Errorf("log line leaks %q: %s", leak, out)
		}
	}
	for _, want := range []string{`"task":"sms:send"`, `"final":true`, "task failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("log line lacks %s: %s", want, out)
		}
	}
}
