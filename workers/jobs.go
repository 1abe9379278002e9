package workers

import (
	"context"
	"encoding/json"

	"github.com/hibiken/asynq"

	"jinhui/workers/tasks"
)

// EnqueueJob queues the run of a console job; queued already is not an
// error.
func (q Queue) EnqueueJob(ctx context.Context, id string) error {
	t, err := tasks.NewJobRunTask(id)
	if err != nil {
		return err
	}
	return q.enqueueOnce(ctx, t)
}

// jobRun runs one console job; the job's record takes the operation's
// outcome, so only a failure to read or write it is retried.
func (h *Handlers) jobRun(ctx context.Context, t *asynq.Task) error {
	var p tasks.JobRun
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.Job == "" {
		return badPayload(t.Type())
	}
	return h.Jobs.Run(ctx, p.Job)
}
