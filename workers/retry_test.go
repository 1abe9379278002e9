package workers

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hibiken/asynq"

	"jinhui/shared/apperr"
)

// TestJobError: errors that will recur are not retried; failures of the
// moment are. A missing message was retried ten times before.
func TestJobError(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		retry bool
	}{
		{"OK", nil, true},
		{"NotFoundMessage", fmt.Errorf("notify.Deliver: %w", apperr.NotFoundf("短信不存在")), false},
		{"Invalid", apperr.Field("month", "月份格式不对"), false},
		{"Forbidden", apperr.ErrForbidden, false},
		{"Unauthorized", apperr.New(apperr.Unauthorized, "请登录"), false},
		{"Conflict", apperr.New(apperr.Conflict, "已签退"), false},
		{"TooMany", apperr.New(apperr.TooMany, "太频繁"), true},
		{"Internal", apperr.New(apperr.Internal, "内部错误"), true},
		{"DriverError", errors.New("connection reset"), true},
		{"Cancelled", context.Canceled, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := jobError("sms:send", tc.err)
			if (got == nil) != (tc.err == nil) {
				t.Fatalf("jobError(%v) = %v", tc.err, got)
			}
			if got == nil {
				return
			}
			if skip := errors.Is(got, asynq.SkipRetry); skip == tc.retry {
				t.Fatalf("jobError(%v): SkipRetry %v, want retry %v", tc.err, skip, tc.retry)
			}
			if !errors.Is(got, tc.err) {
				t.Fatalf("jobError lost the cause: %v", got)
			}
		})
	}
}

// TestBadPayloadIsNotRetried: a task whose payload cannot be read goes
// through the mux's policy and is dropped, not retried.
func TestBadPayloadIsNotRetried(t *testing.T) {
	h := &Handlers{}
	err := h.Mux().ProcessTask(context.Background(), asynq.NewTask("sms:send", []byte("{")))
	if !errors.Is(err, asynq.SkipRetry) || !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("bad payload: %v", err)
	}
}
