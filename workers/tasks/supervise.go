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

// TypeSuperviseMonthly keeps last month's report and ranking (rule Q4).
const TypeSuperviseMonthly = "supervise:monthly"

// SuperviseMonthlyCron runs at 02:00 on the 1st, Asia/Shanghai.
const SuperviseMonthlyCron = "0 2 1 * *"

// NewSuperviseMonthlyTask returns the monthly report task; a second run
// for the same month adds nothing.
func NewSuperviseMonthlyTask() *asynq.Task {
	return asynq.NewTask(TypeSuperviseMonthly, nil, asynq.Queue(QueueLow), asynq.MaxRetry(5), asynq.Timeout(30*time.Minute))
}
