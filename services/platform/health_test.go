package platform

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"jinhui/services/demo"
	"jinhui/shared/config"
	"jinhui/shared/embedded"
	"jinhui/shared/testenv"
)

// scaled starts a platform in role against a FerretDB it does not own,
// as a scaled role runs against MongoDB.
func scaled(t *testing.T, role string) (*Platform, config.Config) {
	t.Helper()
	m, err := embedded.StartMongo(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	cfg, err := config.Parse([]string{"MONGODB_URI=" + m.URI, "REDIS_URL=" + testenv.RedisURL(t), "JINHUI_ROLE=" + role}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := New(ctx, cfg, testenv.Logger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, cfg
}

func readyz(t *testing.T, base string) (int, map[string]any) {
	t.Helper()
	r, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return r.StatusCode, body
}

// TestScaledRoleReadyOnlyAfterMigrate: a worker against a server opens
// without building indexes; its health port answers /healthz, and /readyz
// fails naming the missing indexes until the migrate role ran.
func TestScaledRoleReadyOnlyAfterMigrate(t *testing.T) {
	p, cfg := scaled(t, config.RoleWorker)
	srv := httptest.NewServer(p.healthHandler())
	defer srv.Close()
	if r, err := http.Get(srv.URL + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", r, err)
	}
	code, body := readyz(t, srv.URL)
	checks, _ := body["checks"].(map[string]any)
	if msg, _ := checks["indexes"].(string); code != 503 || !strings.Contains(msg, "migrate") || !strings.Contains(msg, "volunteers {phone: 1}") {
		t.Fatalf("before migrate: %d %v", code, body)
	}
	cfg.Role = config.RoleMigrate
	if err := Migrate(context.Background(), cfg, testenv.Logger()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if code, body := readyz(t, srv.URL); code != 200 {
		t.Fatalf("after migrate: %d %v", code, body)
	}
}

// TestTwoDemoLoadersLoadOnce: two processes started with the demo option
// on one empty database: one loads it, the other does nothing, and the
// demo is whole (neither removed what the other wrote).
func TestTwoDemoLoadersLoadOnce(t *testing.T) {
	p, _ := scaled(t, config.RoleAPI)
	ctx := context.Background()
	sc := demo.Scale{TownshipsPerCounty: 2, VillagesPerTown: 2, Elders: 20, Volunteers: 20, Carers: 2, PopulatedCounties: 1, CountiesPerCity: 2}
	var wg sync.WaitGroup
	loaded := make([]bool, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); loaded[i], errs[i] = p.LoadDemo(ctx, sc) }()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("loaders failed: %v, %v", errs[0], errs[1])
	}
	if loaded[0] == loaded[1] {
		t.Fatalf("loaded = %v: want exactly one loader", loaded)
	}
	want, err := demo.Generate(sc, 2017, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range want.Accounts {
		if _, err := p.Store.AccountByUsername(ctx, a.Username); err != nil {
			t.Fatalf("demo account %s missing: %v", a.Username, err)
		}
	}
	if again, err := p.LoadDemo(ctx, sc); again || err != nil {
		t.Fatalf("a later loader: %v %v", again, err)
	}
}
