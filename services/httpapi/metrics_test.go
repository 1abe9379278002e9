package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"jinhui/services/platform/platformtest"
)

// TestMetrics: the top-level admin reads Prometheus metrics with requests
// counted by route pattern, database commands by collection and texts by
// status; anyone else is refused.
func TestMetrics(t *testing.T) {
	h := platformtest.New(t)
	root := h.Login("admin")
	if r := h.Do("GET", "/api/elders/"+h.Set.Elders[0].ID, h.Login("szq"), nil); r.Status != 200 {
		t.Fatalf("elder: %d %s", r.Status, r.Body)
	}
	// A refusal is counted under its own status, not as a 200.
	if r := h.Do("GET", "/api/elders/no-such-elder", h.Login("szq"), nil); r.Status != 404 {
		t.Fatalf("unknown elder: %d %s", r.Status, r.Body)
	}
	ctx := context.Background()
	if err := h.P.SMS.Send(ctx, "metrics-test-1", h.Set.Volunteers[0].Phone, "test", "测试"); err != nil {
		t.Fatal(err)
	}
	if err := h.P.SMS.Deliver(ctx, "metrics-test-1"); err != nil { // what a worker does
		t.Fatal(err)
	}
	r := h.Do("GET", "/metrics", root, nil)
	if r.Status != 200 {
		t.Fatalf("metrics: %d %s", r.Status, r.Body)
	}
	body := string(r.Body)
	for _, want := range []string{
		`jinhui_http_requests_total{method="GET",route="/api/elders/:id",status="200"} 1`,
		`jinhui_http_requests_total{method="GET",route="/api/elders/:id",status="404"} 1`,
		`jinhui_http_request_duration_seconds_count{method="GET",route="/api/elders/:id"} 2`,
		`jinhui_db_commands_total{collection="elders",command="find"}`,
		`jinhui_sms_total{status="outbox"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, h.Set.Elders[0].ID) {
		t.Error("metrics name a raw path (an elder's id)")
	}
	for name, tok := range map[string]string{"county admin": h.Login("szqadmin"), "organizer": h.Login("shandong")} {
		if r := h.Do("GET", "/metrics", tok, nil); r.Status != 403 {
			t.Errorf("%s: %d, want 403", name, r.Status)
		}
	}
	if r := h.Do("GET", "/metrics", "", nil); r.Status != 401 {
		t.Errorf("no login: %d, want 401", r.Status)
	}
}
