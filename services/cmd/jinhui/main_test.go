package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"jinhui/shared/pii"
	"jinhui/shared/testenv"
)

// childEnv makes the test binary run jinhui's main instead of the tests:
// the process under test is this package's main, started as a real child
// process, without a separate (slow) build and link.
const childEnv = "JH_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// proc is the jinhui binary running on a data folder.
type proc struct {
	cmd  *exec.Cmd
	base string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan error
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// start runs jinhui on dir; with demo, JINHUI_DEMO=1 (load, then pair in
// the background).
func start(t *testing.T, bin, dir string, demo bool) *proc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &proc{base: "http://" + addr, done: make(chan error, 1)}
	p.cmd = exec.Command(bin)
	p.cmd.Env = []string{childEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "JINHUI_HTTP_ADDR=" + addr,
		"JINHUI_DATA_DIR=" + dir, "JINHUI_SHUTDOWN_TIMEOUT=5s", "JINHUI_LOG_FORMAT=text"}
	if demo {
		p.cmd.Env = append(p.cmd.Env, "JINHUI_DEMO=1")
	}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	until(t, 15*time.Second, func() bool {
		r, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	}, p)
	return p
}

// until polls cond until it holds or the time is up.
func until(t *testing.T, d time.Duration, cond func() bool, p *proc) {
	t.Helper()
	if !testenv.Eventually(d, cond) {
		t.Fatalf("condition not met within %s; log:\n%s", d, p.logs())
	}
}

func (p *proc) do(method, path, tok string, body io.Reader, ctype string) (int, []byte, error) {
	req, _ := http.NewRequest(method, p.base+path, body)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	r, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return r.StatusCode, b, err
}

func (p *proc) login(t *testing.T, user string) string {
	t.Helper()
	st, b, err := p.do("POST", "/api/auth/login", "", strings.NewReader(`{"username":"`+user+`","password":"Jinhui@2026"}`), "application/json")
	var out struct{ Token string }
	if err != nil || st != 200 || json.Unmarshal(b, &out) != nil || out.Token == "" {
		t.Fatalf("login %s: %d %s %v", user, st, b, err)
	}
	return out.Token
}

// stop sends SIGTERM and returns the exit code.
func (p *proc) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(10 * time.Second):
		t.Fatalf("no exit 10 s after SIGTERM (timeout 5 s); log:\n%s", p.logs())
		return -1
	}
}

// TestSIGTERMDrainsAndExitsZero starts jinhui (this test binary running main) on a
// fresh data folder with the demo, sends an import of 300 elders and ten
// proposals, and SIGTERMs it while they run: it exits 0 within the
// shutdown timeout; every request answered 200/201 is stored whole, one
// answered otherwise (503 "服务正在重启") stored nothing, never part of an
// import; a restart on the same folder serves that data.
func TestSIGTERMDrainsAndExitsZero(t *testing.T) {
	t0 := time.Now()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := start(t, bin, dir, true)
	t.Logf("%s: started", time.Since(t0))
	tok := p.login(t, "cgz") // a township organizer of 城关镇

	var csv strings.Builder
	csv.WriteString("姓名,身份证号,村代码,建档立卡,留守,失独\n")
	for i := range 300 {
		fmt.Fprintf(&csv, "导入%03d,%s,370101001001,是,是,否\n", i, pii.CompleteResidentID(fmt.Sprintf("37010119300101%03d", i)))
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "register.csv")
	fw.Write([]byte(csv.String()))
	mw.Close()

	type result struct {
		name   string
		status int
		err    error
	}
	results := make(chan result, 11)
	go func() {
		st, _, err := p.do("POST", "/api/elders/import?mode=strict", tok, &body, mw.FormDataContentType())
		results <- result{"import", st, err}
	}()
	for i := range 10 {
		go func() {
			in := fmt.Sprintf(`{"name":"提议%02d","idNumber":"%s","village":"370101001002","poor":true,"bereaved":true}`, i, pii.CompleteResidentID(fmt.Sprintf("37010119310101%03d", i)))
			st, _, err := p.do("POST", "/api/elders", tok, strings.NewReader(in), "application/json")
			results <- result{fmt.Sprintf("提议%02d", i), st, err}
		}()
	}
	first := <-results
	code := p.stop(t)
	got := []result{first}
	for range 10 {
		got = append(got, <-results)
	}
	t.Logf("%s: stopped", time.Since(t0))
	if code != 0 {
		t.Fatalf("exit code %d after SIGTERM; log:\n%s", code, p.logs())
	}
	if l := p.logs(); !strings.Contains(l, "shutdown done") || strings.Contains(l, "panic") {
		t.Fatalf("shutdown log:\n%s", l)
	}

	// The restart sees exactly what was answered 200/201.
	p = start(t, bin, dir, false) // no demo option: nothing runs beside the reads
	tok = p.login(t, "cgz")
	t.Logf("%s: restarted", time.Since(t0))
	count := func(prefix string) int {
		st, b, err := p.do("GET", "/api/elders?limit=500&name="+prefix, tok, nil, "")
		var pg struct{ Total int }
		if err != nil || st != 200 || json.Unmarshal(b, &pg) != nil {
			t.Fatalf("list %s: %d %s %v", prefix, st, b, err)
		}
		return pg.Total
	}
	proposed, proposedMax := 0, 0
	for _, r := range got {
		ok := r.status == 200 || r.status == 201
		if !ok && r.status != 503 && r.err == nil {
			t.Fatalf("%s answered %d during shutdown (want 200/201 or 503)", r.name, r.status)
		}
		if r.name == "import" {
			// all or nothing, whatever the answer
			if have := count("导入"); (ok && have != 300) || (!ok && r.err == nil && have != 0) || (have != 0 && have != 300) {
				t.Fatalf("import answered %d (%v) but %d of 300 are stored", r.status, r.err, have)
			}
			continue
		}
		if ok {
			proposed++
		}
		if ok || r.err != nil { // a dropped connection may have been served
			proposedMax++
		}
	}
	if have := count("提议"); have < proposed || have > proposedMax {
		t.Fatalf("%d proposals answered 201 (at most %d possible) but %d stored", proposed, proposedMax, have)
	}
	t.Logf("%s: answers %+v", time.Since(t0), got)
	if code := p.stop(t); code != 0 {
		t.Fatalf("second exit code %d", code)
	}
}
