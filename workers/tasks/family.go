package tasks

import (
	"time"

	"github.com/hibiken/asynq"
)

// TypeFamilySummary texts consenting family members last month's summary.
const TypeFamilySummary = "family:summary"

// FamilySummaryCron runs at 10:00 on the 1st, Asia/Shanghai (never in the
// quiet hours).
const FamilySummaryCron = "0 10 1 * *"

// NewFamilySummaryTask returns the monthly family summary; texts are keyed
// by member and month, so a second run sends nothing new.
func NewFamilySummaryTask() *asynq.Task {
	return asynq.NewTask(TypeFamilySummary, nil, asynq.Queue(QueueLow), asynq.MaxRetry(5), asynq.Timeout(30*time.Minute))
}
