package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/robfig/cron/v3"

	"jinhui/shared/clock"
)

// Scheduler enqueues the platform's periodic tasks. Each firing is one
// task whose asynq TaskID is the task type and the period's start, kept
// (Retention) after it ran: a second scheduler — a rolling deploy, or an
// operator who started two — computes the same id for the same period and
// its enqueue is refused, so every periodic task runs once per period
// however many schedulers run. Periods are aligned on the clock, not on
// the process's start: cron specs in Asia/Shanghai, and "@every d" at the
// multiples of d since the zero time.
type Scheduler struct {
	client  *asynq.Client
	log     *slog.Logger
	entries []entry
	stop    chan struct{}
	wg      sync.WaitGroup
}

type entry struct {
	spec  string
	sched cron.Schedule
	task  *asynq.Task
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// every fires at the multiples of d: every scheduler agrees on the periods.
type every struct{ d time.Duration }

func (e every) Next(t time.Time) time.Time { return t.Truncate(e.d).Add(e.d) }

// parseSpec reads a cron spec (five fields or a descriptor, Asia/Shanghai)
// or "@every <duration>".
func parseSpec(spec string) (cron.Schedule, error) {
	if d, ok := strings.CutPrefix(spec, "@every "); ok {
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil || dur < time.Second {
			return nil, fmt.Errorf("workers: bad period %q", spec)
		}
		return every{dur}, nil
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("workers: bad cron spec %q: %w", spec, err)
	}
	if ss, ok := s.(*cron.SpecSchedule); ok {
		ss.Location = clock.Shanghai
	}
	return s, nil
}

// Register adds a periodic task.
func (s *Scheduler) Register(spec string, task *asynq.Task) error {
	sched, err := parseSpec(spec)
	if err != nil {
		return err
	}
	s.entries = append(s.entries, entry{spec: spec, sched: sched, task: task})
	return nil
}

// Start runs every entry until Shutdown.
func (s *Scheduler) Start() error {
	s.stop = make(chan struct{})
	for _, e := range s.entries {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.loop(e)
		}()
	}
	return nil
}

// Shutdown stops the firings and waits for enqueues in progress.
func (s *Scheduler) Shutdown() {
	if s.stop != nil {
		close(s.stop)
		s.wg.Wait()
	}
	_ = s.client.Close()
}

func (s *Scheduler) loop(e entry) {
	for {
		at := e.sched.Next(time.Now())
		t := time.NewTimer(time.Until(at))
		select {
		case <-s.stop:
			t.Stop()
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		enq, err := s.Enqueue(ctx, e, at)
		cancel()
		switch {
		case err != nil:
			s.log.Error("scheduler: enqueue failed", "task", e.task.Type(), "period", at.Format(time.RFC3339), "err", err.Error())
		case enq:
			s.log.Debug("scheduler: enqueued", "task", e.task.Type(), "period", at.Format(time.RFC3339))
		default:
			s.log.Info("scheduler: already enqueued for this period by another scheduler", "task", e.task.Type(), "period", at.Format(time.RFC3339))
		}
	}
}

// PeriodID is the TaskID of a periodic task's firing for the period
// starting at at.
func PeriodID(taskType string, at time.Time) string {
	return "cron:" + taskType + ":" + at.UTC().Format("20060102T150405Z")
}

// retention keeps a fired task after it ran for its period (at least ten
// minutes, at most a day): long past the time any other scheduler fires
// the same period, so that its enqueue meets the id and is refused.
func retention(sched cron.Schedule, at time.Time) time.Duration {
	return min(max(sched.Next(at).Sub(at), 10*time.Minute), 24*time.Hour)
}

// Enqueue queues e's task for the period starting at at; false when a
// task of that period exists already (another scheduler was first).
func (s *Scheduler) Enqueue(ctx context.Context, e entry, at time.Time) (bool, error) {
	_, err := s.client.EnqueueContext(ctx, e.task, asynq.TaskID(PeriodID(e.task.Type(), at)), asynq.Retention(retention(e.sched, at)))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return false, nil
	}
	return err == nil, err
}
