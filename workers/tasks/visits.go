package tasks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Visit task types (rules S1–S5).
const (
	TypeVisitPlan   = "visit:plan"   // plan a month (cron on the 1st, Asia/Shanghai)
	TypeVisitSweep  = "visit:sweep"  // queue reminders due soon from MongoDB
	TypeVisitRemind = "visit:remind" // one reminder or escalation step
)

// VisitPlan is the payload of TypeVisitPlan; empty fields mean the whole
// tree and the current month.
type VisitPlan struct {
	Area  string `json:"area,omitempty"`
	Month string `json:"month,omitempty"`
}

// VisitRemind is the payload of TypeVisitRemind.
type VisitRemind struct {
	Reminder string `json:"reminder"`
}

// NewVisitPlanTask returns the monthly planning task.
func NewVisitPlanTask(p VisitPlan) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks.NewVisitPlanTask: %w", err)
	}
	return asynq.NewTask(TypeVisitPlan, b, asynq.Queue(QueueDefault), asynq.MaxRetry(5), asynq.Timeout(30*time.Minute)), nil
}

// NewVisitSweepTask returns the periodic reminder sweep.
func NewVisitSweepTask() *asynq.Task {
	return asynq.NewTask(TypeVisitSweep, nil, asynq.Queue(QueueDefault), asynq.MaxRetry(2))
}

// NewVisitRemindTask returns the task for one reminder, due at at; its
// TaskID is the reminder's id.
func NewVisitRemindTask(id string, at time.Time) (*asynq.Task, error) {
	b, err := json.Marshal(VisitRemind{Reminder: id})
	if err != nil {
		return nil, fmt.Errorf("tasks.NewVisitRemindTask: %w", err)
	}
	opts := []asynq.Option{asynq.TaskID("remind:" + id), asynq.Queue(QueueCritical), asynq.MaxRetry(10)}
	if at.After(time.Now()) {
		opts = append(opts, asynq.ProcessAt(at))
	}
	return asynq.NewTask(TypeVisitRemind, b, opts...), nil
}
