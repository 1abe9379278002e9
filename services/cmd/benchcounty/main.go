// Command benchcounty prints the figures of issue 16 on the embedded
// default (FerretDB on SQLite, miniredis), each with the database commands
// it sent (counted by the driver's command monitor, package dbcount):
//
//   - the small demo (3 counties, 300 elders, 620 volunteers): load, then
//     pairing and planning as `JINHUI_DEMO=1 make run` does it;
//   - a list page of 5 and of 50 of /api/sms/messages and /api/pairs;
//   - confirming 108 items of a county's pairing proposal;
//   - an import check of 200 and of 5,000 elder rows.
//
// The SMS dispatch rate is measured by `visitbench send` (the Makefile's
// bench-county target runs both).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/notify"
	"jinhui/services/pairing"
	"jinhui/services/platform"
	"jinhui/services/registry"
	"jinhui/shared/config"
	"jinhui/shared/dbcount"
	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

// slow, when set, prints every command that took longer.
var slow time.Duration

// monitor counts commands in c and prints the slow ones.
func monitor(c *dbcount.Counter) *event.CommandMonitor {
	m := c.Monitor()
	counted := m.Started
	var mu sync.Mutex
	started := map[int64]string{}
	m.Started = func(ctx context.Context, e *event.CommandStartedEvent) {
		counted(ctx, e)
		if slow > 0 {
			s := e.Command.String()
			mu.Lock()
			started[e.RequestID] = s[:min(len(s), 160)]
			mu.Unlock()
		}
	}
	done := func(id int64, d time.Duration, how string) {
		if slow == 0 {
			return
		}
		mu.Lock()
		cmd := started[id]
		delete(started, id)
		mu.Unlock()
		if d > slow {
			fmt.Printf("    slow (%s, %v): %s\n", how, d.Round(time.Millisecond), cmd)
		}
	}
	m.Succeeded = func(_ context.Context, e *event.CommandSucceededEvent) { done(e.RequestID, e.Duration, "ok") }
	m.Failed = func(_ context.Context, e *event.CommandFailedEvent) { done(e.RequestID, e.Duration, "failed") }
	return m
}

func main() {
	full := flag.Bool("full", false, "also load, pair and plan the full-scale demo (10,288 elders; minutes)")
	onlyBulk := flag.Bool("bulk-only", false, "only the confirmation and the import check")
	onlyFull := flag.Bool("full-only", false, "only the full-scale demo")
	flag.DurationVar(&slow, "slow", 0, "print the commands slower than this")
	flag.Parse()
	if *onlyFull {
		if err := demoFigures(context.Background(), demo.Full, "full"); err != nil {
			fmt.Fprintln(os.Stderr, "benchcounty:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*full, *onlyBulk); err != nil {
		fmt.Fprintln(os.Stderr, "benchcounty:", err)
		os.Exit(1)
	}
}

func run(full, onlyBulk bool) error {
	ctx := context.Background()
	if err := confirmAndImport(ctx); err != nil || onlyBulk {
		return err
	}
	if err := demoFigures(ctx, demo.Small, "small"); err != nil {
		return err
	}
	if full {
		return demoFigures(ctx, demo.Full, "full")
	}
	return nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// demoFigures starts a platform on a new data folder, loads, pairs and
// plans the demo, then pages two lists.
func demoFigures(ctx context.Context, sc demo.Scale, name string) error {
	dir, err := os.MkdirTemp("", "jinhui-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=" + dir}, nil, io.Discard)
	if err != nil {
		return err
	}
	c := dbcount.New(false)
	p, err := platform.New(ctx, cfg, quiet(), nil, monitor(c))
	if err != nil {
		return err
	}
	defer p.Close()
	t0 := time.Now()
	if _, err := p.LoadDemo(ctx, sc); err != nil {
		return err
	}
	load := time.Since(t0)
	c.Reset()
	t1 := time.Now()
	if _, err := p.PairDemo(ctx); err != nil {
		return err
	}
	if sc != demo.Small {
		// The full scale is not paired at start (the demo leaves it to the
		// organizers): every county is proposed and confirmed here, then
		// this month and the next are planned, as PairDemo does.
		if err := pairAll(ctx, p); err != nil {
			return err
		}
	}
	fmt.Printf("demo %-5s   load %.1f s; pair + plan %.1f s, %d commands (total %.1f s)\n", name, load.Seconds(), time.Since(t1).Seconds(), c.Total(), time.Since(t0).Seconds())
	if sc != demo.Small {
		return nil
	}
	tok, err := login(p)
	if err != nil {
		return err
	}
	for _, path := range []string{"/api/sms/messages", "/api/pairs"} {
		var n [2]int
		var d [2]time.Duration
		for i, limit := range []int{5, 50} {
			c.Reset()
			start := time.Now()
			if err := get(p, fmt.Sprintf("%s?limit=%d", path, limit), tok); err != nil {
				return err
			}
			n[i], d[i] = c.Total(), time.Since(start)
		}
		fmt.Printf("GET %-18s page of 5: %d commands %.0f ms; page of 50: %d commands %.0f ms\n", path, n[0], ms(d[0]), n[1], ms(d[1]))
	}
	if err := hotReads(p, c, tok, "370101000000"); err != nil { // 市中区, the demo's first county
		return err
	}
	return volunteerReads(ctx, p, c, "370101000000")
}

// volunteerReads prints the median of a one-time code request (15
// volunteers of the county, one each, inside the per-network limit) and
// of 21 reads of "my hours" by the first of them, logged in by code.
func volunteerReads(ctx context.Context, p *platform.Platform, c *dbcount.Counter, county string) error {
	var phones []string
	if err := p.Store.AllVolunteers(ctx, county, func(v registry.Volunteer) error {
		if v.Phone != "" && v.Status == registry.StatusActive && len(phones) < 15 {
			phones = append(phones, v.Phone)
		}
		return nil
	}); err != nil {
		return err
	}
	if len(phones) == 0 {
		return fmt.Errorf("no volunteer with a phone in %s", county)
	}
	var ds []time.Duration
	n := 0
	for _, ph := range phones {
		c.Reset()
		start := time.Now()
		if code, err := post(p, "/api/auth/code", `{"phone":"`+ph+`"}`, nil); err != nil || code != 200 {
			return fmt.Errorf("code request: %d %v", code, err)
		}
		ds = append(ds, time.Since(start))
		n = c.Total()
	}
	slices.Sort(ds)
	fmt.Printf("POST %-39s median %.1f ms (%d commands) of %d volunteers\n", "/api/auth/code", ms(ds[len(ds)/2]), n, len(ds))
	ms1, _, err := p.Store.MessagesTo(ctx, phones[0], 0, 1)
	if err != nil || len(ms1) == 0 {
		return fmt.Errorf("no code texted to the volunteer: %v", err)
	}
	code := regexp.MustCompile(`\d{6}`).FindString(ms1[0].Body)
	var out struct{ Token string }
	if st, err := post(p, "/api/auth/verify", `{"phone":"`+phones[0]+`","code":"`+code+`"}`, &out); err != nil || out.Token == "" {
		return fmt.Errorf("verify: %d %v", st, err)
	}
	ds = ds[:0]
	for range 21 {
		c.Reset()
		start := time.Now()
		if err := get(p, "/api/me/hours", out.Token); err != nil {
			return err
		}
		ds = append(ds, time.Since(start))
		n = c.Total()
	}
	slices.Sort(ds)
	fmt.Printf("GET %-40s median %.1f ms (%d commands)\n", "/api/me/hours", ms(ds[len(ds)/2]), n)
	return nil
}

// post sends a JSON body and decodes the answer into out (when not nil).
func post(p *platform.Platform, path, body string, out any) (int, error) {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.API.App.Test(req, 60_000)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

// hotReads prints, for a county's figures, dashboard and coverage, the
// first read after the registers changed (a recount) and the median of 21
// reads after it, with their commands.
func hotReads(p *platform.Platform, c *dbcount.Counter, tok, county string) error {
	for _, path := range []string{"/api/figures?area=" + county, "/api/figures/dashboard?area=" + county, "/api/pairing/coverage?region=" + county} {
		c.Reset()
		start := time.Now()
		if err := get(p, path, tok); err != nil {
			return err
		}
		first, firstN := time.Since(start), c.Total()
		var ds []time.Duration
		n := 0
		for range 21 {
			c.Reset()
			start := time.Now()
			if err := get(p, path, tok); err != nil {
				return err
			}
			ds = append(ds, time.Since(start))
			n = c.Total()
		}
		slices.Sort(ds)
		fmt.Printf("GET %-40s first after a change %.0f ms (%d commands); median %.1f ms (%d commands)\n", path, ms(first), firstN, ms(ds[len(ds)/2]), n)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func login(p *platform.Platform) (string, error) {
	req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"username":"admin","password":"`+demo.Password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.API.App.Test(req, 60_000)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("login: %d %v", resp.StatusCode, err)
	}
	return out.Token, nil
}

func get(p *platform.Platform, path, tok string) error {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := p.API.App.Test(req, 60_000)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return nil
}

// noQueue drops send tasks: the texts stay recorded as queued.
type noQueue struct{}

func (noQueue) EnqueueSend(context.Context, string, bool) error { return nil }

// confirmAndImport confirms 108 items of a county's proposal and checks
// 200 and 5,000 elder rows, on a store loaded with the small demo.
func confirmAndImport(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "jinhui-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	m, err := embedded.StartMongo(dir, quiet())
	if err != nil {
		return err
	}
	defer m.Stop()
	c := dbcount.New(false)
	st, err := mongostore.OpenWith(ctx, m.URI, "jinhui", true, func(o *options.ClientOptions) { o.SetMonitor(monitor(c)) })
	if err != nil {
		return err
	}
	if err := m.IndexIDs(ctx); err != nil {
		return err
	}
	defer st.Close(ctx)
	set, err := demo.Generate(demo.Small, 2017, time.Now())
	if err != nil {
		return err
	}
	if err := demo.Load(ctx, st, set); err != nil {
		return err
	}
	county := registry.AncestorAt(set.Elders[0].Village, registry.County)
	org := access.Principal{Kind: access.KindOrganizer, ID: "bench", Name: "基准", Role: access.RoleAdmin, Region: county, Level: int(registry.County)}
	sms := &notify.Service{Store: st, Queue: noQueue{}, Gateway: notify.Outbox{}, Templates: st, Now: time.Now}
	svc := pairing.New(st, sms)
	pr, err := svc.Propose(ctx, org, pairing.ProposeInput{Region: county})
	if err != nil {
		return err
	}
	var items []int
	for i, it := range pr.Items {
		if it.State == pairing.ItemProposed && len(items) < 108 {
			items = append(items, i)
		}
	}
	c.Reset()
	start := time.Now()
	res, err := svc.Confirm(ctx, org, pr.ID, pairing.ConfirmInput{Items: items, Version: pr.Version})
	if err != nil {
		return err
	}
	fmt.Printf("confirm %d pairs        %.2f s, %d commands (%d failed)\n", res.Confirmed, time.Since(start).Seconds(), c.Total(), res.Failed)

	rows, err := elderRows(5000)
	if err != nil {
		return err
	}
	reg := registry.NewService(st, st)
	prov := access.Principal{Kind: access.KindOrganizer, ID: "bench", Name: "基准", Role: access.RoleAdmin, Region: "370000000000", Level: int(registry.Province)}
	for _, n := range []int{200, 5000} {
		c.Reset()
		start := time.Now()
		rep, err := reg.ImportElders(ctx, prov, registry.Sheet{Header: registry.ElderColumns, Rows: rows[:n]}, registry.ModeCheck)
		if err != nil {
			return err
		}
		fmt.Printf("import check %5d rows  %.2f s, %d commands (%d valid, %d problems)\n", n, time.Since(start).Seconds(), c.Total(), rep.Valid, len(rep.Problems))
	}
	return nil
}

// elderRows are n rows of a register sheet, from the full demo's elders
// under another seed (so not in the store).
func elderRows(n int) ([]registry.Row, error) {
	set, err := demo.Generate(demo.Full, 99, time.Now())
	if err != nil {
		return nil, err
	}
	yes := map[bool]string{true: "是", false: "否"}
	var rows []registry.Row
	for i, e := range set.Elders {
		if len(rows) == n {
			break
		}
		rows = append(rows, registry.Row{N: i + 2, Cells: map[string]string{"姓名": e.Name, "身份证号": e.IDNumber, "电话": strings.TrimPrefix(e.Phone, "+86"),
			"村代码": e.Village, "地址": e.Address, "建档立卡": yes[e.Poor], "贫困户编号": e.PovertyNo, "留守": yes[e.LeftBehind], "失独": yes[e.Bereaved]}})
	}
	if len(rows) < n {
		return nil, fmt.Errorf("only %d demo elders for %d rows", len(rows), n)
	}
	return rows, nil
}

// pairAll pairs every county of the province and plans two months, as
// the demo does for its three (platform.PairCounties).
func pairAll(ctx context.Context, p *platform.Platform) error {
	rs, err := p.Store.Regions(ctx, "370000000000")
	if err != nil {
		return err
	}
	var counties []string
	for _, r := range rs {
		if r.Level == registry.County {
			counties = append(counties, r.Code)
		}
	}
	return p.PairCounties(ctx, counties)
}
