//go:build scale

package scaletest

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/services/demo"
	"jinhui/services/notify"
	"jinhui/services/platform/platformtest"
	"jinhui/services/visit"
	"jinhui/shared/clock"
	"jinhui/shared/mongostore"
	"jinhui/shared/redisconn"
	"jinhui/shared/testenv"
	"jinhui/workers/tasks"
)

var sixDigits = regexp.MustCompile(`\d{6}`)

func TestScale(t *testing.T) {
	if os.Getenv("TEST_SCALE") == "" {
		t.Skip("the multi-process test runs with `make test-scale` (TEST_SCALE=1): it builds the binary and starts eight processes")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the multi-process test needs the go command to build the binary")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin := build(t, dir, "jinhui/services/cmd/jinhui")
	uri := ferretServer(t, build(t, dir, "jinhui/shared/embedded/cmd/ferretserve"))
	redisURL := testenv.RedisURL(t)
	base := []string{"MONGODB_URI=" + uri, "REDIS_URL=" + redisURL, "JINHUI_SWEEP_EVERY=2s", "JINHUI_SHUTDOWN_TIMEOUT=5s",
		"JINHUI_LOG_FORMAT=json", "JINHUI_DATA_DIR=" + dir, "HOME=" + dir}
	env := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }

	// A worker started before the migrate step lives but is not ready, and
	// says why.
	w1h := "http://" + freeAddr(t)
	start(t, "worker1", bin, env("JINHUI_HEALTH_ADDR="+strings.TrimPrefix(w1h, "http://")), "worker")
	testenv.WaitFor(t, 30*time.Second, "worker1 /healthz", func() bool { return status(w1h+"/healthz") == 200 })
	if b := body(w1h + "/readyz"); !strings.HasPrefix(b, "503") || !strings.Contains(b, "migrate") {
		t.Fatalf("worker1 before migrate: %s", b)
	}
	mig := exec.Command(bin, "migrate")
	mig.Env = env()
	if out, err := mig.CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	testenv.WaitFor(t, 30*time.Second, "worker1 ready after migrate", func() bool { return status(w1h+"/readyz") == 200 })

	// The test data (two counties), written by the test alone.
	store, err := mongostore.Open(ctx, uri, "jinhui", false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(ctx)
	if err := demo.Load(ctx, store, platformtest.Set(t)); err != nil {
		t.Fatal(err)
	}

	a1, a2 := freeAddr(t), freeAddr(t)
	start(t, "api1", bin, env("JINHUI_HTTP_ADDR="+a1), "api")
	start(t, "api2", bin, env("JINHUI_HTTP_ADDR="+a2), "api")
	start(t, "worker2", bin, env(), "worker")
	s1 := start(t, "scheduler1", bin, env(), "scheduler")
	c1, c2 := client{t, "http://" + a1}, client{t, "http://" + a2}
	testenv.WaitFor(t, time.Minute, "both api processes ready", func() bool {
		return status(c1.base+"/readyz") == 200 && status(c2.base+"/readyz") == 200
	})

	// A session opened on one api serves on the other.
	var login struct{ Token string }
	r := c1.do("POST", "/api/auth/login", "", map[string]string{"username": "admin", "password": demo.Password})
	if r.Status != 200 {
		t.Fatalf("login on api1: %d %s", r.Status, r.Body)
	}
	r.decode(t, &login)
	if r := c2.do("GET", "/api/me", login.Token, nil); r.Status != 200 || !strings.Contains(string(r.Body), "admin") {
		t.Fatalf("api1's session on api2: %d %s", r.Status, r.Body)
	}

	// Pair a county on api1, confirm on api2, plan the month on api1; a
	// volunteer with a planned visit logs in by SMS code, checks in on one
	// api and out on the other.
	var prop struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	r = c1.do("POST", "/api/pairing/proposals", login.Token, map[string]any{"region": "370101000000"})
	if r.Status != 200 && r.Status != 201 {
		t.Fatalf("propose on api1: %d %s", r.Status, r.Body)
	}
	r.decode(t, &prop)
	if r := c2.do("POST", "/api/pairing/proposals/"+prop.ID+"/confirm", login.Token, map[string]any{"version": prop.Version}); r.Status != 200 {
		t.Fatalf("confirm on api2: %d %s", r.Status, r.Body)
	}
	month := time.Now().In(clock.Shanghai).Format("2006-01")
	if r := c1.do("POST", "/api/visits/plan", login.Token, map[string]any{"month": month}); r.Status != 200 {
		t.Fatalf("plan on api1: %d %s", r.Status, r.Body)
	}
	var v visit.Visit
	if err := store.DB.Collection("visits").FindOne(ctx, bson.D{{Key: "month", Value: month}, {Key: "status", Value: visit.StatusPlanned}}).Decode(&v); err != nil {
		t.Fatalf("no planned visit this month: %v", err)
	}
	vol, err := store.Volunteer(ctx, v.Volunteer)
	if err != nil {
		t.Fatal(err)
	}
	if r := c2.do("POST", "/api/auth/code", "", map[string]string{"phone": strings.TrimPrefix(vol.Phone, "+86")}); r.Status != 200 {
		t.Fatalf("request a code on api2: %d %s", r.Status, r.Body)
	}
	var code notify.Message
	testenv.WaitFor(t, time.Minute, "a worker delivers the code to the outbox", func() bool {
		ms, _, err := store.Messages(ctx, "", 0, 200)
		for _, m := range ms {
			if err == nil && m.To == vol.Phone && m.Kind == "otp" && m.Status == notify.StatusOutbox {
				code = m
				return true
			}
		}
		return false
	})
	var vlogin struct{ Token string }
	r = c1.do("POST", "/api/auth/verify", "", map[string]string{"phone": strings.TrimPrefix(vol.Phone, "+86"), "code": sixDigits.FindString(code.Body), "kind": "volunteer"})
	if r.Status != 200 {
		t.Fatalf("verify the code on api1: %d %s", r.Status, r.Body)
	}
	r.decode(t, &vlogin)
	if r := c2.do("POST", "/api/visits/"+v.ID+"/checkin", vlogin.Token, map[string]any{"key": "in-" + v.ID}); r.Status != 200 {
		t.Fatalf("check-in on api2: %d %s", r.Status, r.Body)
	}
	var items []string
	for _, it := range v.Checklist {
		items = append(items, it.Code)
	}
	if r := c1.do("POST", "/api/visits/"+v.ID+"/checkout", vlogin.Token, map[string]any{"key": "out-" + v.ID, "items": items}); r.Status != 200 {
		t.Fatalf("check-out on api1: %d %s", r.Status, r.Body)
	}
	if err := store.DB.Collection("visits").FindOne(ctx, bson.D{{Key: "_id", Value: v.ID}}).Decode(&v); err != nil || v.Status != visit.StatusDone {
		t.Fatalf("the visit after check-out: %s %v", v.Status, err)
	}
	ms, _, err := store.Messages(ctx, "", 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	codes := 0
	for _, m := range ms {
		if m.To == vol.Phone && m.Kind == "otp" {
			codes++
		}
	}
	if codes != 1 {
		t.Fatalf("%d code messages to the volunteer, want 1", codes)
	}

	// A second scheduler (a rolling deploy): every period's task is still
	// enqueued once, and no period is skipped.
	s2 := start(t, "scheduler2", bin, env(), "scheduler")
	const dedup = "already enqueued for this period by another scheduler"
	testenv.WaitFor(t, time.Minute, "the schedulers meet each other's periods", func() bool { return s1.Count(dedup)+s2.Count(dedup) >= 6 })
	rc, err := redisconn.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspector(rc.Asynq)
	defer insp.Close()
	// The reconcile periods the workers completed, each once.
	completed := func() []time.Time {
		done, err := insp.ListCompletedTasks(tasks.QueueLow, asynq.PageSize(1000))
		if err != nil {
			t.Fatal(err)
		}
		var periods []time.Time
		seen := map[string]bool{}
		for _, ti := range done {
			if p, ok := strings.CutPrefix(ti.ID, "cron:"+tasks.TypeSMSReconcile+":"); ok {
				at, err := time.Parse("20060102T150405Z", p)
				if err != nil || seen[p] {
					t.Fatalf("reconcile task %s: %v (seen %v)", ti.ID, err, seen[p])
				}
				seen[p] = true
				periods = append(periods, at)
			}
		}
		sort.Slice(periods, func(i, j int) bool { return periods[i].Before(periods[j]) })
		return periods
	}
	var periods []time.Time
	testenv.WaitFor(t, time.Minute, "five reconcile periods run", func() bool { periods = completed(); return len(periods) >= 5 })
	for i := 1; i < len(periods); i++ {
		if d := periods[i].Sub(periods[i-1]); d != 2*time.Second {
			t.Errorf("reconcile periods %v and %v are %v apart, want every 2s once", periods[i-1], periods[i], d)
		}
	}
	t.Logf("%d reconcile periods ran once each; the schedulers met each other's periods %d times", len(periods), s1.Count(dedup)+s2.Count(dedup))

	// Two processes with the demo option on one empty database (a
	// database of its own: the demo's pairing keeps a loader busy for
	// minutes on FerretDB) load it once; both serve.
	d1, d2 := freeAddr(t), freeAddr(t)
	demo1 := start(t, "demo1", bin, env("JINHUI_MONGODB_DB=demo", "JINHUI_DEMO=1", "JINHUI_HTTP_ADDR="+d1), "api")
	demo2 := start(t, "demo2", bin, env("JINHUI_MONGODB_DB=demo", "JINHUI_DEMO=1", "JINHUI_HTTP_ADDR="+d2), "api")
	testenv.WaitFor(t, 3*time.Minute, "both demo processes serve", func() bool {
		return demo1.exited() || demo2.exited() || (status("http://"+d1+"/healthz") == 200 && status("http://"+d2+"/healthz") == 200)
	})
	if demo1.exited() || demo2.exited() {
		t.Fatal("a demo loader died")
	}
	if n := demo1.Count(`"msg":"demo loaded"`) + demo2.Count(`"msg":"demo loaded"`); n != 1 {
		t.Fatalf("the demo was loaded %d times, want once", n)
	}
	demo1.stop()
	demo2.stop()
	ds, err := mongostore.Open(ctx, uri, "demo", false)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close(ctx)
	for _, a := range demo.DemoAccounts {
		if _, err := ds.AccountByUsername(ctx, a.Username); err != nil {
			t.Fatalf("demo account %s: %v", a.Username, err)
		}
	}
}
