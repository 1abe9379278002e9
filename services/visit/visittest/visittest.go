// Package visittest sets visits up for tests: pairs written straight into
// the pairs collection, a settable clock, and a queue that records what
// would be scheduled.
package visittest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/services/registry"
	"jinhui/shared/mongostore"
)

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Queue records scheduled reminder tasks instead of queueing them.
type Queue struct {
	mu    sync.Mutex
	Tasks map[string]time.Time
}

// EnqueueReminder records the task (a repeated id replaces nothing: like asynq's TaskID).
func (q *Queue) EnqueueReminder(_ context.Context, id string, at time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.Tasks == nil {
		q.Tasks = map[string]time.Time{}
	}
	if _, ok := q.Tasks[id]; !ok {
		q.Tasks[id] = at
	}
	return nil
}

// Due removes and returns the ids of tasks due at or before t, in time order.
func (q *Queue) Due(t time.Time) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var ids []string
	for id, at := range q.Tasks {
		if !at.After(t) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return q.Tasks[ids[i]].Before(q.Tasks[ids[j]]) })
	for _, id := range ids {
		delete(q.Tasks, id)
	}
	return ids
}

// Pair writes an active pair of elder e's slot with volunteer v, as the
// pairing service stores it, and lists v on the elder.
func Pair(t testing.TB, s *mongostore.Store, e registry.Elder, slot int, v registry.Volunteer) string {
	t.Helper()
	ctx := context.Background()
	id := fmt.Sprintf("%s.%d.1", e.ID, slot)
	_, err := s.DB.Collection("pairs").InsertOne(ctx, bson.D{
		{Key: "_id", Value: id}, {Key: "elder", Value: e.ID}, {Key: "elderName", Value: e.Name}, {Key: "village", Value: e.Village},
		{Key: "areas", Value: e.Areas}, {Key: "county", Value: registry.AncestorAt(e.Village, registry.County)}, {Key: "slot", Value: slot},
		{Key: "seq", Value: 1}, {Key: "volunteer", Value: v.ID}, {Key: "volunteerName", Value: v.Name}, {Key: "status", Value: "active"},
		{Key: "startDate", Value: "2026-11-01"},
	})
	if err != nil {
		t.Fatalf("pair: %v", err)
	}
	cur, err := s.Elder(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Volunteers = append(cur.Volunteers, v.ID)
	if err := s.ReplaceElder(ctx, &cur); err != nil {
		t.Fatal(err)
	}
	return id
}
