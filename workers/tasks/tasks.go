// Package tasks names the platform's background jobs: type names, payloads
// and constructors whose TaskID comes from the business key, so that the
// same work queued twice runs once while the first task exists.
package tasks

import (
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"
)

// Task type names.
const (
	TypeSMSSend      = "sms:send"
	TypeSMSReconcile = "sms:reconcile"
)

// Queues by urgency.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

// Queues maps each queue to its priority weight for the worker.
var Queues = map[string]int{QueueCritical: 6, QueueDefault: 3, QueueLow: 1}

// SMSSend is the payload of TypeSMSSend.
type SMSSend struct {
	MessageID string `json:"messageId"`
}

// NewSMSSendTask returns the task that delivers one message: on the
// critical queue when someone waits for it (a login code), else default.
func NewSMSSendTask(messageID string, urgent bool) (*asynq.Task, error) {
	b, err := json.Marshal(SMSSend{MessageID: messageID})
	if err != nil {
		return nil, fmt.Errorf("tasks.NewSMSSendTask: %w", err)
	}
	q := QueueDefault
	if urgent {
		q = QueueCritical
	}
	return asynq.NewTask(TypeSMSSend, b, asynq.TaskID("sms:"+messageID), asynq.Queue(q), asynq.MaxRetry(10)), nil
}

// NewSMSReconcileTask returns the periodic task that re-queues lost sends.
func NewSMSReconcileTask() *asynq.Task {
	return asynq.NewTask(TypeSMSReconcile, nil, asynq.Queue(QueueLow), asynq.MaxRetry(3))
}
