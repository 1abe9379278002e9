package workers

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"jinhui/shared/clock"
)

// familySummary texts last month's summaries to consenting family members.
func (h *Handlers) familySummary(ctx context.Context, _ *asynq.Task) error {
	if h.Family == nil {
		return nil
	}
	month := time.Now().In(clock.Shanghai).AddDate(0, -1, 0).Format("2006-01")
	n, err := h.Family.MonthlySummaries(ctx, month)
	if n > 0 {
		h.Log.Info("family monthly summaries", "month", month, "count", n)
	}
	return err
}
