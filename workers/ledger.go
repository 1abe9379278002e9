package workers

import (
	"context"
	"errors"

	"jinhui/services/ledger"

	"github.com/hibiken/asynq"
)

// ledgerRebuild recomputes all totals from the ledger; it replaces them
// wholesale, so a re-run after a crash gives the same totals.
func (h *Handlers) ledgerRebuild(ctx context.Context, _ *asynq.Task) error {
	res, err := h.Ledger.Rebuild(ctx)
	if errors.Is(err, ledger.ErrBusy) {
		h.Log.Info("ledger rebuild skipped: another rebuild is running")
		return nil
	}
	if err != nil {
		return err
	}
	h.Log.Info("ledger rebuild", "entries", res.Entries, "subsidies", res.Subsidies, "areas", res.Areas, "people", res.People, "took", res.Took)
	return nil
}
