// Package jobs runs the console's long operations (the ledger rebuild, a
// month's visit plan) as background tasks whose progress the page reads:
// one record per run in MongoDB, written by the task as it proceeds (a
// few writes, not one per item), and read by GET /api/jobs/:id within the
// starter's region subtree. The run itself is an asynq task (see workers).
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
)

// Kinds of job.
const (
	KindLedgerRebuild = "ledger-rebuild"
	KindVisitPlan     = "visit-plan"
)

// States of a job (dict group jobState).
const (
	StateQueued  = "queued"
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed"
)

// Job is one run of a long operation.
type Job struct {
	ID    string `json:"id" bson:"_id"`
	Kind  string `json:"kind" bson:"kind"`
	Area  string `json:"area" bson:"area"`
	Month string `json:"month,omitempty" bson:"month,omitempty"`
	// Areas are Area and its ancestors: who may read the job.
	Areas  []string `json:"-" bson:"areas"`
	Key    string   `json:"-" bson:"key"`
	By     string   `json:"by" bson:"by"`
	ByName string   `json:"byName" bson:"byName"`
	State  string   `json:"state" bson:"state"`
	Done   int      `json:"done" bson:"done"`
	Total  int      `json:"total" bson:"total"`
	// Result is the operation's summary once done.
	Result     map[string]any `json:"result,omitempty" bson:"result,omitempty"`
	Error      string         `json:"error,omitempty" bson:"error,omitempty"`
	CreatedAt  time.Time      `json:"createdAt" bson:"createdAt"`
	StartedAt  *time.Time     `json:"startedAt,omitempty" bson:"startedAt,omitempty"`
	FinishedAt *time.Time     `json:"finishedAt,omitempty" bson:"finishedAt,omitempty"`
}

// StaleAfter is how long a run may hold its claim: longer than a task's
// timeout times its tries, so a claim older than that lost its run (the
// task was archived) and the next start takes it over.
const StaleAfter = 3 * time.Hour

// Active reports whether the job is queued or running.
func (j Job) Active() bool { return j.State == StateQueued || j.State == StateRunning }

// Store keeps job records and the claim of the one run per kind and scope.
type Store interface {
	InsertJob(ctx context.Context, j Job) error
	Job(ctx context.Context, id string) (Job, error)
	SaveJob(ctx context.Context, j Job) error
	// ClaimJob records id as the run of key; Conflict, with the id of
	// the run holding it, when another holds it.
	ClaimJob(ctx context.Context, key, id string) (string, error)
	// ReleaseJob ends id's claim of key (another's claim stays).
	ReleaseJob(ctx context.Context, key, id string) error
}

// Enqueuer queues the task that runs a job.
type Enqueuer interface {
	EnqueueJob(ctx context.Context, id string) error
}

// Progress is told how far an operation is: done of total items.
type Progress func(done, total int)

// Runner does a job's work, reporting progress, and returns its summary.
type Runner func(ctx context.Context, j Job, progress Progress) (any, error)

// Service starts jobs and runs them.
type Service struct {
	Store   Store
	Queue   Enqueuer
	Runners map[string]Runner
	Log     *slog.Logger
	Now     func() time.Time
}

// Input names the job to start: its kind, area (already checked against
// the starter's subtree) and, for a plan, the month.
type Input struct {
	Kind  string
	Area  string
	Month string
}

// Start queues a job, or returns the run of the same kind and scope that
// is still queued or running (started is then false).
func (s *Service) Start(ctx context.Context, p access.Principal, in Input) (j Job, started bool, err error) {
	if _, ok := s.Runners[in.Kind]; !ok {
		return Job{}, false, apperr.Field("kind", "不支持的任务类型")
	}
	key := in.Kind + ":" + in.Area + ":" + in.Month
	j = Job{ID: uuid.NewString(), Kind: in.Kind, Area: in.Area, Month: in.Month, Areas: area.AreasOf(in.Area), Key: key,
		By: p.ID, ByName: p.Name, State: StateQueued, CreatedAt: s.Now()}
	if err := s.Store.InsertJob(ctx, j); err != nil {
		return Job{}, false, err
	}
	claimed := false
	for range 2 {
		other, err := s.Store.ClaimJob(ctx, key, j.ID)
		if err == nil {
			claimed = true
			break
		}
		if !apperr.Is(err, apperr.Conflict) {
			return Job{}, false, err
		}
		o, err := s.Store.Job(ctx, other)
		if err == nil && o.Active() && s.Now().Sub(o.CreatedAt) < StaleAfter {
			s.abandon(ctx, j, "同一范围已有任务在运行")
			return o, false, nil
		}
		// The claim outlived its run (or the record is gone): free it.
		if err := s.Store.ReleaseJob(ctx, key, other); err != nil {
			return Job{}, false, err
		}
	}
	if !claimed {
		s.abandon(ctx, j, "同一范围已有任务在运行")
		return Job{}, false, apperr.New(apperr.Conflict, "同一范围已有任务在运行, 请稍后再试")
	}
	if err := s.Queue.EnqueueJob(ctx, j.ID); err != nil {
		_ = s.Store.ReleaseJob(ctx, key, j.ID)
		s.abandon(ctx, j, "任务未能排队, 请稍后重试")
		return Job{}, false, fmt.Errorf("jobs.Start: %w", err)
	}
	return j, true, nil
}

// abandon marks a job that never ran as failed.
func (s *Service) abandon(ctx context.Context, j Job, msg string) {
	now := s.Now()
	j.State, j.Error, j.FinishedAt = StateFailed, msg, &now
	if err := s.Store.SaveJob(ctx, j); err != nil && s.Log != nil {
		s.Log.Error("jobs: abandon", "job", j.ID, "err", err)
	}
}

// Get returns a job the principal may read: one whose area lies in their
// subtree (NotFound otherwise, so ids cannot be probed).
func (s *Service) Get(ctx context.Context, p access.Principal, id string) (Job, error) {
	j, err := s.Store.Job(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return Job{}, apperr.NotFoundf("任务不存在")
	}
	if err != nil {
		return Job{}, err
	}
	if err := p.RequireArea(j.Areas, "任务"); err != nil {
		return Job{}, err
	}
	return j, nil
}

// Run does the work of job id (the task's handler): running, then done
// with its summary or failed with a message in Chinese. A run that ends
// does not return the operation's error: the record holds it, and the
// task is not retried (the person starts it again).
func (s *Service) Run(ctx context.Context, id string) error {
	j, err := s.Store.Job(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return nil // nothing to run
	}
	if err != nil {
		return err
	}
	if !j.Active() {
		return nil
	}
	run := s.Runners[j.Kind]
	now := s.Now()
	j.State, j.StartedAt, j.Done = StateRunning, &now, 0
	if err := s.Store.SaveJob(ctx, j); err != nil {
		return err
	}
	w := &writer{s: s, ctx: ctx, j: &j}
	var res any
	if run == nil {
		err = apperr.New(apperr.Invalid, "不支持的任务类型")
	} else {
		res, err = run(ctx, j, w.progress)
	}
	if ctx.Err() != nil && err != nil {
		return err // shutting down: asynq hands the task back, it runs again
	}
	end := s.Now()
	j.FinishedAt = &end
	if err != nil {
		j.State, j.Error = StateFailed, Message(err)
		if s.Log != nil {
			s.Log.Error("job failed", "job", j.ID, "kind", j.Kind, "err", err)
		}
	} else {
		j.State, j.Error = StateDone, ""
		if j.Total == 0 {
			j.Total = j.Done
		}
		j.Done = j.Total
		j.Result = asMap(res)
	}
	if err := s.Store.SaveJob(ctx, j); err != nil {
		return err
	}
	return s.Store.ReleaseJob(ctx, j.Key, j.ID)
}

// Message is what the page shows for a failed run.
func Message(err error) string {
	if e := apperr.As(err); e != nil && e.Code != apperr.Internal {
		return e.Message
	}
	return "执行出错, 请稍后重试; 如仍失败请联系管理员"
}

// writer saves progress in a few writes: when the total is first known,
// then each tenth of the way.
type writer struct {
	s      *Service
	ctx    context.Context
	j      *Job
	step   int
	wrote  bool
	writes int
}

func (w *writer) progress(done, total int) {
	if total <= 0 || done > total {
		return
	}
	step := done * 10 / total
	w.j.Done, w.j.Total = done, total
	if w.wrote && step == w.step {
		return
	}
	w.wrote, w.step = true, step
	w.writes++
	if err := w.s.Store.SaveJob(w.ctx, *w.j); err != nil && w.s.Log != nil {
		w.s.Log.Warn("jobs: progress not saved", "job", w.j.ID, "err", err)
	}
}

func asMap(v any) map[string]any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}
