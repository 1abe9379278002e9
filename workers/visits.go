package workers

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hibiken/asynq"

	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/workers/tasks"
)

// EnqueueReminder queues one reminder's task at its time; queued already
// (same reminder id) is not an error.
func (q Queue) EnqueueReminder(ctx context.Context, id string, at time.Time) error {
	t, err := tasks.NewVisitRemindTask(id, at)
	if err != nil {
		return err
	}
	return q.enqueueOnce(ctx, t)
}

func (h *Handlers) visitPlan(ctx context.Context, t *asynq.Task) error {
	var p tasks.VisitPlan
	if len(t.Payload()) > 0 {
		if err := json.Unmarshal(t.Payload(), &p); err != nil {
			return badPayload(t.Type())
		}
	}
	month := h.Visits.Now().In(clock.Shanghai)
	if p.Month != "" {
		m, err := time.ParseInLocation("2006-01", p.Month, clock.Shanghai)
		if err != nil {
			return apperr.Field("month", "月份格式应为 年-月, 如 2026-03")
		}
		month = m
	}
	res, err := h.Visits.PlanMonth(ctx, p.Area, month)
	if err != nil {
		return err
	}
	h.Log.Info("visits planned", "month", res.Month, "elders", res.Elders, "planned", res.Planned, "existing", res.Existing)
	return nil
}

func (h *Handlers) visitSweep(ctx context.Context, _ *asynq.Task) error {
	_, err := h.Visits.Sweep(ctx, 2*time.Minute)
	return err
}

func (h *Handlers) visitRemind(ctx context.Context, t *asynq.Task) error {
	var p tasks.VisitRemind
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.Reminder == "" {
		return badPayload(t.Type())
	}
	return h.Visits.Remind(ctx, p.Reminder)
}

// registerVisits adds the visit handlers and the cron entries.
func (h *Handlers) registerVisits(mux *asynq.ServeMux) {
	if h.Visits == nil {
		return
	}
	mux.HandleFunc(tasks.TypeVisitPlan, h.visitPlan)
	mux.HandleFunc(tasks.TypeVisitSweep, h.visitSweep)
	mux.HandleFunc(tasks.TypeVisitRemind, h.visitRemind)
}

func scheduleVisits(s *Scheduler, sweep string) error {
	plan, err := tasks.NewVisitPlanTask(tasks.VisitPlan{})
	if err != nil {
		return err
	}
	// 01:00 on the 1st of each month (the scheduler runs in Asia/Shanghai).
	if err := s.Register("0 1 1 * *", plan); err != nil {
		return err
	}
	return s.Register(sweep, tasks.NewVisitSweepTask())
}
