package tasks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// TypeJobRun runs one console job (a ledger rebuild or a month's plan
// started from the console, issue 14); its record in MongoDB holds the
// progress the page shows.
const TypeJobRun = "job:run"

// JobRun is the payload of TypeJobRun.
type JobRun struct {
	Job string `json:"job"`
}

// NewJobRunTask returns the task that runs job id; its TaskID is the
// job's, so the same job queued twice runs once.
func NewJobRunTask(id string) (*asynq.Task, error) {
	b, err := json.Marshal(JobRun{Job: id})
	if err != nil {
		return nil, fmt.Errorf("tasks.NewJobRunTask: %w", err)
	}
	return asynq.NewTask(TypeJobRun, b, asynq.TaskID("job:"+id), asynq.Queue(QueueDefault), asynq.MaxRetry(3), asynq.Timeout(30*time.Minute)), nil
}
