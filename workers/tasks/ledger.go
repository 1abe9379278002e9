package tasks

import (
	"time"

	"github.com/hibiken/asynq"
)

// Ledger task types (rules V6, R1).
const (
	TypeLedgerRebuild = "ledger:rebuild" // recompute every total from the ledger and the registers
	// LedgerRebuildCron runs the rebuild nightly (Asia/Shanghai), which
	// also repairs totals a crash left short and refreshes the census.
	LedgerRebuildCron = "30 3 * * *"
	// TypeLedgerCompact folds the totals deltas written since the last
	// snapshot into a new one once there are enough of them, so that
	// figures and "my hours" read a bounded number of deltas (issue 16).
	TypeLedgerCompact = "ledger:compact"
	LedgerCompactCron = "@every 5m"
)

// NewLedgerCompactTask returns the compaction task; a run that finds too
// few deltas does nothing.
func NewLedgerCompactTask() *asynq.Task {
	return asynq.NewTask(TypeLedgerCompact, nil, asynq.Queue(QueueLow), asynq.MaxRetry(3), asynq.Timeout(5*time.Minute))
}

// NewLedgerRebuildTask returns the rebuild task (no TaskID: an archived
// run must not block the next night's).
func NewLedgerRebuildTask() *asynq.Task {
	return asynq.NewTask(TypeLedgerRebuild, nil, asynq.Queue(QueueLow), asynq.MaxRetry(3), asynq.Timeout(30*time.Minute))
}
