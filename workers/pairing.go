package workers

import (
	"context"

	"github.com/hibiken/asynq"
)

// pairingCheck runs the daily relay check; it is idempotent (every record
// it writes has a unique business key), so a re-run after a crash is safe.
func (h *Handlers) pairingCheck(ctx context.Context, _ *asynq.Task) error {
	res, err := h.Pairing.DailyCheck(ctx)
	if err != nil {
		return err
	}
	h.Log.Info("pairing check", "reopened", res.Reopened, "silent", res.Silent, "queued", res.Queued, "alerts", res.Alerts)
	return nil
}
