package workers

import (
	"context"
	"errors"
	"log/slog"
	"regexp"

	"github.com/hibiken/asynq"
)

// failureLogger is the worker server's ErrorHandler: one line per failed
// run of a task, naming the task (type, id, queue), the attempt and
// whether it will run again. The payload is never logged, and runs of
// seven or more digits in the error (phone or ID numbers a carrier or a
// driver may quote) are masked.
func failureLogger(log *slog.Logger) func(ctx context.Context, t *asynq.Task, err error) {
	return func(ctx context.Context, t *asynq.Task, err error) {
		id, _ := asynq.GetTaskID(ctx)
		queue, _ := asynq.GetQueueName(ctx)
		retried, _ := asynq.GetRetryCount(ctx)
		maxRetry, _ := asynq.GetMaxRetry(ctx)
		final := retried >= maxRetry || errors.Is(err, asynq.SkipRetry)
		log.Error("task failed", "task", t.Type(), "id", MaskDigits(id), "queue", queue,
			"attempt", retried+1, "maxRetry", maxRetry, "final", final, "err", MaskDigits(err.Error()))
	}
}

var longDigits = regexp.MustCompile(`\+?\d{7,}[0-9Xx]?`)

// MaskDigits hides every run of seven or more digits (a phone, an ID
// number) but its first three and last two characters.
func MaskDigits(s string) string {
	return longDigits.ReplaceAllStringFunc(s, func(m string) string {
		b := []byte(m)
		for i := 3; i < len(b)-2; i++ {
			b[i] = '*'
		}
		return string(b)
	})
}
