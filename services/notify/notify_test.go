package notify_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jinhui/services/notify"
	"jinhui/shared/testenv"
)

type noQueue struct{ n atomic.Int32 }

func (q *noQueue) EnqueueSend(context.Context, string) error { q.n.Add(1); return nil }

// fakeTwilio answers the Messages API like Twilio does; to +8613900000000
// it answers error 21610 (recipient opted out).
func fakeTwilio(t *testing.T, calls *atomic.Int32) *http.Client {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if !strings.HasSuffix(r.URL.Path, "/Messages.json") {
			w.WriteHeader(404)
			return
		}
		if r.PostForm.Get("To") == "+8613900000000" {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`))
			return
		}
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"sid":"SM` + strings.Repeat("a", 32) + `","status":"queued","to":"` + r.PostForm.Get("To") + `"}`))
	}))
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	base := srv.Client().Transport.(*http.Transport).Clone()
	base.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // local fake
	return &http.Client{Transport: rewrite{target: target, next: base}}
}

type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
	return r.next.RoundTrip(req)
}

// TestDeliverSendsOnce drives the real twilio-go client against a local
// fake: a message delivered by two workers reaches Twilio once, its SID is
// stored, and an opted-out recipient is recorded as failed, not retried.
func TestDeliverSendsOnce(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	var calls atomic.Int32
	gw := notify.NewTwilio("AC00000000000000000000000000000000", "token0000", "+15005550006", fakeTwilio(t, &calls))
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
	if calls.Load() != 1 || m.SID == "" || m.Status != notify.StatusSending {
		t.Fatalf("calls %d, message %+v", calls.Load(), m)
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
