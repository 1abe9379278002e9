package workers

import (
	"context"

	"github.com/hibiken/asynq"
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
