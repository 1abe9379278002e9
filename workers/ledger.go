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

// ledgerCompact folds pending totals deltas into a snapshot (a rebuild
// running meanwhile makes it a no-op: the rebuild folds them too).
func (h *Handlers) ledgerCompact(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Ledger.Compact(ctx)
	if errors.Is(err, ledger.ErrBusy) {
		return nil
	}
	if err != nil {
		return err
	}
	if n > 0 {
		h.Log.Info("ledger compact", "deltas", n)
	}
	return nil
}
