package workers

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"jinhui/shared/apperr"
)

// retryable says, for each application error code, whether a task that
// failed with it is worth running again. It is the job side's one map from
// errors to outcomes, as httpapi's ErrorHandler is the HTTP side's: bad
// input, a missing or forbidden object or a state conflict will fail the
// same way on every retry, so the task is dropped (asynq.SkipRetry);
// a database or network failure, a carrier's rate limit or any error that
// carries no code is retried with asynq's backoff.
var retryable = map[apperr.Code]bool{
	apperr.Invalid:      false,
	apperr.NotFound:     false,
	apperr.Forbidden:    false,
	apperr.Unauthorized: false,
	apperr.Conflict:     false,
	apperr.TooMany:      true,
	apperr.Internal:     true,
}

// jobError is what a handler's error means to asynq: wrapped with the task
// type, and with asynq.SkipRetry when retrying cannot help.
func jobError(taskType string, err error) error {
	if err == nil {
		return nil
	}
	if retry, known := retryable[apperr.CodeOf(err)]; known && !retry {
		return fmt.Errorf("%s: %w (%w)", taskType, err, asynq.SkipRetry)
	}
	return fmt.Errorf("%s: %w", taskType, err)
}

// retryPolicy applies jobError to every handler of the mux.
func retryPolicy(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		return jobError(t.Type(), next.ProcessTask(ctx, t))
	})
}

// badPayload is the error for a task whose payload cannot be read: it
// will not read on a retry either.
func badPayload(taskType string) error {
	return apperr.Errorf(apperr.Invalid, "任务 %s 的参数无法解析", taskType)
}
