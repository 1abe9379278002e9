package notify_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jinhui/services/notify"
	"jinhui/services/notify/notifytest"
	"jinhui/shared/testenv"
)

type noQueue struct{ n atomic.Int32 }

func (q *noQueue) EnqueueSend(context.Context, string, bool) error { q.n.Add(1); return nil }

// TestDeliverSendsOnce drives the real twilio-go client against a local
// fake: a message delivered by two workers reaches Twilio once, its SID is
// stored, and an opted-out recipient is recorded as failed, not retried.
func TestDeliverSendsOnce(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	fake := notifytest.Start()
	defer fake.Close()
	fake.OptedOut["+8613900000000"] = true
	gw := fake.Gateway("+15005550006")
	q := &noQueue{}
	svc := &notify.Service{Store: s, Queue: q, Gateway: gw, Now: time.Now}

	if err := svc.Send(ctx, "visit:1:d-3", "+8613800000001", "reminder", "【金晖助老】提醒您3天后探访"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Send(ctx, "visit:1:d-3", "+8613800000001", "reminder", "【金晖助老】提醒您3天后探访"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := svc.Deliver(ctx, "visit:1:d-3"); err != nil {
			t.Fatal(err)
		}
	}
	m, _ := s.Message(ctx, "visit:1:d-3")
	if n, dup, _ := fake.Received(); n != 1 || dup != 0 || m.SID == "" || m.Status != notify.StatusSending {
		t.Fatalf("received %d (dup %d), message %+v", n, dup, m)
	}
	if err := svc.Send(ctx, "visit:2:d-3", "+8613900000000", "reminder", "x"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Deliver(ctx, "visit:2:d-3"); err != nil {
		t.Fatalf("permanent error should be recorded, not returned: %v", err)
	}
	m, _ = s.Message(ctx, "visit:2:d-3")
	if m.Status != notify.StatusFailed || !strings.Contains(m.Error, "21610") {
		t.Fatalf("opted-out message: %+v", m)
	}
	// Queued messages whose task was lost are queued again by Reconcile.
	if err := s.InsertMessage(ctx, notify.Message{ID: "lost", To: "+8613800000002", Body: "x", Status: notify.StatusQueued, CreatedAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	before := q.n.Load()
	if n, err := svc.Reconcile(ctx, time.Minute); err != nil || n != 1 || q.n.Load() != before+1 {
		t.Fatalf("reconcile: %d %v", n, err)
	}
}

// TestCarrierRefusals: a 429 releases the claim and is retried (and then
// sent once); a message past its validity is not sent; STOP opts a number
// out and START lifts it; status callbacks only move forward.
func TestCarrierRefusals(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	fake := notifytest.Start()
	defer fake.Close()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	svc := &notify.Service{Store: s, Queue: &noQueue{}, Gateway: fake.Gateway("+15005550006"),
		Templates: s, Now: func() time.Time { return now }}

	fake.RateLimit.Store(1)
	if err := svc.SendTemplate(ctx, "r1", "+8613800000001", "visit_d1", map[string]string{"volunteer": "张三", "elder": "李奶奶", "village": "张家村", "date": "12月2日"}, now.Add(10*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := svc.Deliver(ctx, "r1"); err == nil {
		t.Fatal("a 429 should be returned for the queue to retry")
	}
	if m, _ := s.Message(ctx, "r1"); m.Status != notify.StatusQueued {
		t.Fatalf("after 429: %s", m.Status)
	}
	if err := svc.Deliver(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	m, _ := s.Message(ctx, "r1")
	if fake.Times("+8613800000001", m.Body) != 1 || !strings.Contains(m.Body, "李奶奶") || !strings.Contains(m.Body, "张家村") {
		t.Fatalf("after retry: %+v", m)
	}
	if p := fake.Params[len(fake.Params)-1]; p.Get("ValidityPeriod") != "36000" {
		t.Fatalf("validity period sent: %q", p.Get("ValidityPeriod"))
	}

	if err := svc.SendTemplate(ctx, "r2", "+8613800000002", "visit_d1", nil, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	_ = svc.Deliver(ctx, "r2")
	if m, _ := s.Message(ctx, "r2"); m.Status != notify.StatusFailed || fake.Times("+8613800000002", m.Body) != 0 {
		t.Fatalf("expired reminder: %+v", m)
	}

	if _, err := svc.Receive(ctx, "SMin1", "+8613800000003", " 退订 "); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Receive(ctx, "SMin1", "+8613800000003", " 退订 "); err != nil {
		t.Fatal("a webhook retried by Twilio must be accepted again")
	}
	_ = svc.Send(ctx, "r3", "+8613800000003", "test", "x")
	_ = svc.Deliver(ctx, "r3")
	if m, _ := s.Message(ctx, "r3"); m.Status != notify.StatusFailed || fake.Times("+8613800000003", "x") != 0 {
		t.Fatalf("opted-out number was texted: %+v", m)
	}
	_, _ = svc.Receive(ctx, "SMin2", "+8613800000003", "START")
	_ = svc.Send(ctx, "r4", "+8613800000003", "test", "y")
	_ = svc.Deliver(ctx, "r4")
	if fake.Times("+8613800000003", "y") != 1 {
		t.Fatal("START did not lift the opt-out")
	}

	m, _ = s.Message(ctx, "r1")
	for _, st := range []string{"delivered", "sent", "queued"} {
		if err := svc.StatusCallback(ctx, m.SID, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	if m, _ = s.Message(ctx, "r1"); m.Status != notify.StatusDelivered {
		t.Fatalf("status moved backwards to %s", m.Status)
	}
	if err := svc.StatusCallback(ctx, m.SID, "exploded", ""); err == nil {
		t.Fatal("unknown status accepted")
	}
}

// TestTemplates: admins edit texts; unknown placeholders are refused.
func TestTemplates(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	svc := &notify.Service{Store: s, Queue: &noQueue{}, Gateway: notify.Outbox{}, Templates: s, Now: time.Now}
	if _, err := svc.PutTemplate(ctx, "visit_d3", "【金晖】{volunteer}, {date}去看{elder}", "管理员"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutTemplate(ctx, "visit_d3", "【金晖】{volunteer} {salary}", "管理员"); err == nil {
		t.Fatal("unknown placeholder accepted")
	}
	if _, err := svc.PutTemplate(ctx, "nope", "text text", "管理员"); err == nil {
		t.Fatal("unknown template accepted")
	}
	_ = svc.SendTemplate(ctx, "k", "+8613800000001", "visit_d3", map[string]string{"volunteer": "王五", "date": "12月9日", "elder": "赵爷爷"}, time.Time{})
	if m, _ := s.Message(ctx, "k"); m.Body != "【金晖】王五, 12月9日去看赵爷爷" {
		t.Fatalf("rendered %q", m.Body)
	}
}

// stoppingLimiter claims as told, then fails the wait for the slot while
// fail is set (a worker stopping); it counts the slots asked for.
type stoppingLimiter struct {
	fail  bool
	asked int
}

func (l *stoppingLimiter) Wait(_ context.Context, claim func() error) error {
	l.asked++
	if err := claim(); err != nil {
		return err
	}
	if l.fail {
		return context.Canceled
	}
	return nil
}

// TestDeliverWaitsForSlot: a worker that stops while its claimed text
// waits for a sending slot releases the claim, so the retry sends it
// (once); a text already settled is left without taking a slot.
func TestDeliverWaitsForSlot(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	fake := notifytest.Start()
	defer fake.Close()
	lim := &stoppingLimiter{fail: true}
	svc := &notify.Service{Store: s, Queue: &noQueue{}, Gateway: fake.Gateway("+15005550006"), Limiter: lim, Now: time.Now}
	if err := svc.Send(ctx, "slot:1", "+8613800000001", "test", "等一个发送时段"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Deliver(ctx, "slot:1"); err == nil {
		t.Fatal("a wait cut short should be returned for the queue to retry")
	}
	if m, _ := s.Message(ctx, "slot:1"); m.Status != notify.StatusQueued || fake.Times("+8613800000001", "等一个发送时段") != 0 {
		t.Fatalf("after a stopped wait: %s, received %d", m.Status, fake.Times("+8613800000001", "等一个发送时段"))
	}
	lim.fail = false
	for i := 0; i < 2; i++ {
		if err := svc.Deliver(ctx, "slot:1"); err != nil {
			t.Fatal(err)
		}
	}
	if m, _ := s.Message(ctx, "slot:1"); m.Status != notify.StatusSending || m.SID == "" || fake.Times("+8613800000001", "等一个发送时段") != 1 {
		t.Fatalf("after the retry: %+v, received %d", m, fake.Times("+8613800000001", "等一个发送时段"))
	}
	if lim.asked != 2 {
		t.Fatalf("%d sending slots asked for, want 2 (the settled text takes none)", lim.asked)
	}
}
