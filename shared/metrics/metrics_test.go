package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
)

func TestTasksCountedByTypeAndOutcome(t *testing.T) {
	m := New()
	h := m.Tasks(asynq.HandlerFunc(func(_ context.Context, task *asynq.Task) error {
		if string(task.Payload()) == "bad" {
			return errors.New("失败")
		}
		return nil
	}))
	_ = h.ProcessTask(context.Background(), asynq.NewTask("sms:send", []byte("ok")))
	_ = h.ProcessTask(context.Background(), asynq.NewTask("sms:send", []byte("ok")))
	_ = h.ProcessTask(context.Background(), asynq.NewTask("sms:send", []byte("bad")))
	m.SMS("sent")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`jinhui_tasks_total{outcome="processed",type="sms:send"} 2`,
		`jinhui_tasks_total{outcome="failed",type="sms:send"} 1`,
		`jinhui_sms_total{status="sent"} 1`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestNilIsNoop(t *testing.T) {
	var m *Metrics
	m.SMS("sent")
	m.Request("GET", "/x", 200, 0)
	if m.Monitor() != nil {
		t.Fatal("nil metrics gave a monitor")
	}
}
