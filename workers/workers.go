// Package workers runs the platform's asynq side: the queue client the API
// uses, the task handlers, and the cron scheduler. In embedded mode all of
// it runs inside the one process; scaled, each role is its own process.
package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"jinhui/services/family"
	"jinhui/services/jobs"
	"jinhui/services/ledger"
	"jinhui/services/notify"
	"jinhui/services/pairing"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/services/wish"
	"jinhui/workers/tasks"
)

// Queue is the asynq client behind the services' queue interfaces.
type Queue struct {
	Client *asynq.Client
}

// EnqueueSend queues the delivery of a message; an existing task with the
// same id means it is queued already.
func (q Queue) EnqueueSend(ctx context.Context, id string, urgent bool) error {
	t, err := tasks.NewSMSSendTask(id, urgent)
	if err != nil {
		return err
	}
	return q.enqueueOnce(ctx, t)
}

// enqueueOnce queues t; a task with the same id already queued is not an
// error (the work is queued once).
func (q Queue) enqueueOnce(ctx context.Context, t *asynq.Task) error {
	_, err := q.Client.EnqueueContext(ctx, t)
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}

// Handlers holds the services the task handlers call.
type Handlers struct {
	SMS     *notify.Service
	Visits  *visit.Service
	Pairing *pairing.Service
	Wishes  *wish.Service
	Ledger  *ledger.Service
	Log     *slog.Logger
	// Supervise flags overdue problems (rule Q3).
	Supervise *supervise.Service
	// Family texts monthly summaries to consenting family members.
	Family *family.Service
	// Jobs runs the console's long operations (issue 14).
	Jobs *jobs.Service
}

// Mux routes task types to handlers; every handler's error goes through
// one retry policy (see retryable).
func (h *Handlers) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Use(retryPolicy)
	mux.HandleFunc(tasks.TypeSMSSend, h.smsSend)
	mux.HandleFunc(tasks.TypeSMSReconcile, h.smsReconcile)
	h.registerVisits(mux)
	h.registerWishes(mux)
	mux.HandleFunc(tasks.TypePairingCheck, h.pairingCheck)
	mux.HandleFunc(tasks.TypeLedgerRebuild, h.ledgerRebuild)
	mux.HandleFunc(tasks.TypeLedgerCompact, h.ledgerCompact)
	mux.HandleFunc(tasks.TypeSuperviseOverdue, h.superviseOverdue)
	mux.HandleFunc(tasks.TypeSuperviseMonthly, h.superviseMonthly)
	mux.HandleFunc(tasks.TypeFamilySummary, h.familySummary)
	if h.Jobs != nil {
		mux.HandleFunc(tasks.TypeJobRun, h.jobRun)
	}
	return mux
}

func (h *Handlers) smsSend(ctx context.Context, t *asynq.Task) error {
	var p tasks.SMSSend
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.MessageID == "" {
		return badPayload(t.Type())
	}
	return h.SMS.Deliver(ctx, p.MessageID)
}

func (h *Handlers) smsReconcile(ctx context.Context, _ *asynq.Task) error {
	n, err := h.SMS.Reconcile(ctx, time.Minute)
	if n > 0 {
		h.Log.Info("sms reconcile re-queued messages", "count", n)
	}
	return err
}

// NewServer returns the asynq worker server.
func NewServer(r asynq.RedisConnOpt, log *slog.Logger, shutdown time.Duration) *asynq.Server {
	return asynq.NewServer(r, asynq.Config{
		Concurrency:     8,
		Queues:          tasks.Queues,
		ShutdownTimeout: shutdown,
		Logger:          slogAdapter{log},
		LogLevel:        asynq.WarnLevel,
		ErrorHandler:    asynq.ErrorHandlerFunc(failureLogger(log)),
	})
}

// NewScheduler returns the cron scheduler (Asia/Shanghai) with the
// platform's periodic tasks registered; sweepEvery is the period of the
// SMS reconcile and the visit reminder sweep (JINHUI_SWEEP_EVERY). Run one
// in a deployment; a second one (a rolling deploy) enqueues nothing twice.
func NewScheduler(r asynq.RedisConnOpt, log *slog.Logger, sweepEvery time.Duration) (*Scheduler, error) {
	s := &Scheduler{client: asynq.NewClient(r), log: log}
	sweep := "@every " + sweepEvery.String()
	for _, e := range []struct {
		spec string
		task *asynq.Task
	}{
		{sweep, tasks.NewSMSReconcileTask()},
		{tasks.PairingCheckCron, tasks.NewPairingCheckTask()},
		{tasks.LedgerRebuildCron, tasks.NewLedgerRebuildTask()},
		{tasks.LedgerCompactCron, tasks.NewLedgerCompactTask()},
		{tasks.SuperviseOverdueCron, tasks.NewSuperviseOverdueTask()},
		{tasks.SuperviseMonthlyCron, tasks.NewSuperviseMonthlyTask()},
		{tasks.FamilySummaryCron, tasks.NewFamilySummaryTask()},
	} {
		if err := s.Register(e.spec, e.task); err != nil {
			return nil, fmt.Errorf("workers.NewScheduler: %w", err)
		}
	}
	if err := scheduleVisits(s, sweep); err != nil {
		return nil, fmt.Errorf("workers.NewScheduler: %w", err)
	}
	if err := scheduleWishes(s); err != nil {
		return nil, fmt.Errorf("workers.NewScheduler: %w", err)
	}
	return s, nil
}

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
