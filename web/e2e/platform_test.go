package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/demo"
	"jinhui/services/platform"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/config"
	"jinhui/shared/testenv"
)

// site is a running platform under test.
type site struct {
	t    *testing.T
	base string
	p    *platform.Platform
	set  demo.Set
	// volunteer is the demo volunteer with paired elders, and paired their ids.
	volunteer registry.Volunteer
	paired    []string
	ledger    *fakeLedger
}

// startSite runs the platform in its one-process role on a free loopback
// port, with the test demo set, the first volunteer already serving two
// elders of their county (set in the data, for the pages that only read).
func startSite(t *testing.T) *site {
	t.Helper()
	return newSite(t, true)
}

// startFreshSite is startSite with nobody paired: journeys that pair
// through the console start here.
func startFreshSite(t *testing.T) *site {
	t.Helper()
	return newSite(t, false)
}

func newSite(t *testing.T, prepair bool) *site {
	t.Helper()
	dataDir := t.TempDir()
	// The data set, with the first volunteer on two active elders of their
	// county when prepair, is loaded once per test binary and copied for
	// each site (platformtest.Seed).
	var name string // "": the set as generated
	var edit func(*demo.Set)
	if prepair {
		name, edit = "prepaired", func(set *demo.Set) {
			vol := set.Volunteers[0]
			county, paired := vol.Village[:6], 0
			for i := range set.Elders {
				e := &set.Elders[i]
				if paired < 2 && strings.HasPrefix(e.Village, county) && e.Status == registry.StatusActive {
					e.Volunteers = append(e.Volunteers, vol.ID)
					paired++
				}
			}
		}
	}
	set := platformtest.Seed(t, dataDir, name, edit)
	var paired []string
	for _, e := range set.Elders {
		if slices.Contains(e.Volunteers, set.Volunteers[0].ID) {
			paired = append(paired, e.ID)
		}
	}
	if prepair && len(paired) != 2 {
		t.Fatalf("the volunteer serves %d elders, want 2", len(paired))
	}
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=" + dataDir, "REDIS_URL=" + testenv.RedisURL(t), "JINHUI_SHUTDOWN_TIMEOUT=5s"}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p, err := platform.New(ctx, cfg, testenv.Logger(), nil)
	if err != nil {
		cancel()
		t.Fatalf("platform.New: %v", err)
	}
	s := &site{t: t, p: p, set: set, volunteer: set.Volunteers[0], paired: paired, ledger: &fakeLedger{seen: map[string]int{}}}
	// A stand-in for the ledger endpoints the visits and carers issues add:
	// it counts each business key once, as they will.
	p.API.App.Post("/test/ledger", s.ledger.handle)
	recordBrowserCalls(p)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.base = "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("platform did not stop")
		}
		p.Close()
	})
	testenv.WaitFor(t, 30*time.Second, "platform ready", func() bool {
		r, err := http.Get(s.base + "/readyz")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	})
	return s
}

// api calls the platform's HTTP API as a client would and decodes the answer.
func (s *site) api(method, path, token string, body any, out any) int {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return res.StatusCode
}

// lastCode returns the one-time code most recently texted to phone
// (+86…), read from the SMS records, waiting for it to arrive.
func (s *site) lastCode(phone string) string {
	s.t.Helper()
	code := ""
	testenv.WaitFor(s.t, 15*time.Second, "code texted to "+phone, func() bool {
		ms, _, err := s.p.Store.Messages(context.Background(), "", 0, 100)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, m := range ms {
			if m.To == phone && m.Kind == "otp" {
				for i := 0; i+6 <= len(m.Body); i++ {
					if digits(m.Body[i : i+6]) {
						code = m.Body[i : i+6]
						return true
					}
				}
			}
		}
		return false
	})
	return code
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// fakeLedger records the writes the outbox sends: every request, and each
// business key counted once (a duplicate answers 200 instead of 201).
type fakeLedger struct {
	mu       sync.Mutex
	requests int
	seen     map[string]int
	mismatch int
}

func (l *fakeLedger) handle(c *fiber.Ctx) error {
	var body struct {
		ClientKey string `json:"key"`
	}
	if err := json.Unmarshal(c.Body(), &body); err != nil || body.ClientKey == "" {
		return c.Status(400).JSON(fiber.Map{"error": fiber.Map{"code": "invalid", "message": "缺少 key", "field": "key"}})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests++
	if c.Get("Idempotency-Key") != body.ClientKey {
		l.mismatch++
	}
	l.seen[body.ClientKey]++
	if l.seen[body.ClientKey] > 1 {
		return c.Status(200).JSON(fiber.Map{"duplicate": true})
	}
	return c.Status(201).JSON(fiber.Map{"stored": true})
}

// counts returns requests received, distinct keys and header/body mismatches.
func (l *fakeLedger) counts() (requests, keys, mismatch int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests, len(l.seen), l.mismatch
}
