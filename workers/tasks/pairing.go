package tasks

import (
	"time"

	"github.com/hibiken/asynq"
)

// TypePairingCheck is the daily relay check (rule P2): silent and departed
// volunteers' slots open, open slots are queued, overdue relays alerted.
const TypePairingCheck = "pairing:check"

// PairingCheckCron runs the check every morning, Asia/Shanghai.
const PairingCheckCron = "30 6 * * *"

// NewPairingCheckTask returns the daily relay check. The handler is
// idempotent, so a duplicate run is harmless; Unique keeps a second copy
// out of the queue while one waits.
func NewPairingCheckTask() *asynq.Task {
	return asynq.NewTask(TypePairingCheck, nil, asynq.Queue(QueueLow), asynq.MaxRetry(5),
		asynq.Timeout(20*time.Minute), asynq.Unique(time.Hour))
}
