package workers

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"jinhui/shared/clock"
)

// superviseOverdue flags overdue problems; idempotent (keyed alerts and texts).
func (h *Handlers) superviseOverdue(ctx context.Context, _ *asynq.Task) error {
	if h.Supervise == nil {
		return nil
	}
	n, err := h.Supervise.FlagOverdue(ctx)
	if n > 0 {
		h.Log.Info("supervise overdue problems flagged", "count", n)
	}
	return err
}

// superviseMonthly keeps the month before's reports (rule Q4).
func (h *Handlers) superviseMonthly(ctx context.Context, _ *asynq.Task) error {
	if h.Supervise == nil {
		return nil
	}
	month := time.Now().In(clock.Shanghai).AddDate(0, -1, 0).Format("2006-01")
	n, err := h.Supervise.MonthlyReports(ctx, month)
	if n > 0 {
		h.Log.Info("supervise monthly reports kept", "month", month, "count", n)
	}
	return err
}
