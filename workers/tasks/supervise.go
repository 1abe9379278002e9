package tasks

import (
	"time"

	"github.com/hibiken/asynq"
)

// TypeSuperviseOverdue flags problems of the problem ledger open past
// their deadline (rule Q3).
const TypeSuperviseOverdue = "supervise:overdue"

// SuperviseOverdueCron runs the flagging every morning, Asia/Shanghai.
const SuperviseOverdueCron = "0 8 * * *"

// NewSuperviseOverdueTask returns the daily overdue check. Its alerts and
// texts are keyed by problem and deadline, so a second run adds nothing.
func NewSuperviseOverdueTask() *asynq.Task {
	return asynq.NewTask(TypeSuperviseOverdue, nil, asynq.Queue(QueueLow), asynq.MaxRetry(5),
		asynq.Timeout(10*time.Minute), asynq.Unique(time.Hour))
}
