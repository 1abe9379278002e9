// Package platformtest starts the whole platform for a test, on a fresh
// embedded FerretDB and Redis (REDIS_URL's real server when set), with a
// small demo data set loaded, and drives its HTTP API through Fiber's
// app.Test.
package platformtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"jinhui/services/demo"
	"jinhui/services/notify"
	"jinhui/services/platform"
	"jinhui/shared/config"
	"jinhui/shared/dbcount"
	"jinhui/shared/testenv"

	"github.com/alexedwards/argon2id"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Scale is the test data set: the whole tree of counties with two
// townships of two villages each, people in the first two counties
// (市中区 370101 and its sibling 370102).
var Scale = demo.Scale{TownshipsPerCounty: 2, VillagesPerTown: 2, Elders: 24, Volunteers: 24, Carers: 4, PopulatedCounties: 2}

// Harness is a running platform under test.
type Harness struct {
	T   *testing.T
	P   *platform.Platform
	Set demo.Set
}

// Commands, when a test binary sets it (in TestMain, before any test),
// records every database command of every platform the harness starts:
// the index coverage check reads it (mongostore.Unserved).
var Commands *dbcount.Counter

// New starts a platform with the test data set, on a Redis database of
// the test's own (see testenv.RedisURL).
func New(t *testing.T) *Harness {
	t.Helper()
	return NewWithGateway(t, nil)
}

// NewWithGateway is New with a given SMS gateway (nil: the outbox).
func NewWithGateway(t *testing.T, gw notify.Gateway) *Harness {
	t.Helper()
	return start(t, gw, Set(t))
}

// NewScaled is New with a data set of the given scale, and monitors that
// also see every database command (a budget test's counter).
func NewScaled(t *testing.T, sc demo.Scale, monitors ...*event.CommandMonitor) *Harness {
	t.Helper()
	return start(t, nil, SetOf(t, sc), monitors...)
}

func start(t *testing.T, gw notify.Gateway, set demo.Set, monitors ...*event.CommandMonitor) *Harness {
	t.Helper()
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=" + t.TempDir(), "REDIS_URL=" + testenv.RedisURL(t)}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if Commands != nil {
		monitors = append(monitors, Commands.Monitor())
	}
	p, err := platform.New(ctx, cfg, testenv.Logger(), gw, monitors...)
	if err != nil {
		t.Fatalf("platform.New: %v", err)
	}
	t.Cleanup(p.Close)
	if err := demo.Load(ctx, p.Store, set); err != nil {
		t.Fatalf("load test data: %v", err)
	}
	return &Harness{T: t, P: p, Set: set}
}

// Set returns the test data set (Scale, seed 7, dated now). Its
// organizers' password hashes are made cheap: argon2id keeps its cost in
// each hash, so every login of a test then verifies in microseconds
// instead of filling 64 MiB, while the code path is the production one.
func Set(t testing.TB) demo.Set {
	t.Helper()
	return SetOf(t, Scale)
}

// SetOf is Set at another scale.
func SetOf(t testing.TB, sc demo.Scale) demo.Set {
	t.Helper()
	set, err := demo.Generate(sc, 7, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	hash, err := cheapHash()
	if err != nil {
		t.Fatal(err)
	}
	for i := range set.Accounts {
		set.Accounts[i].PasswordHash = hash
	}
	return set
}

var cheapHash = sync.OnceValues(func() (string, error) {
	return argon2id.CreateHash(demo.Password, &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
})

// Response is a decoded API answer.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// JSON decodes the body into v, failing the test if it cannot.
func (r Response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(t *testing.T) map[string]any {
	t.Helper()
	m := map[string]any{}
	r.JSON(t, &m)
	return m
}

// ErrorField returns the "field" of a JSON error body.
func (r Response) ErrorField(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	r.JSON(t, &e)
	return e.Error.Field
}

// Do sends a request; body may be nil, a string/[]byte (sent as is) or any
// value (sent as JSON). token may be "".
func (h *Harness) Do(method, path, token string, body any) Response {
	h.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			h.T.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return h.send(req, token)
}

// Upload sends a multipart form with one file in field "file".
func (h *Harness) Upload(path, token, filename string, data []byte) Response {
	h.T.Helper()
	return h.UploadWith(path, token, filename, data, nil)
}

// UploadWith is Upload with more form fields beside the file.
func (h *Harness) UploadWith(path, token, filename string, data []byte, fields map[string]string) Response {
	h.T.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return h.send(req, token)
}

func (h *Harness) send(req *http.Request, token string) Response {
	h.T.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.P.API.App.Test(req, 30_000)
	if err != nil {
		h.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// Login logs a demo organizer in and returns the token.
func (h *Harness) Login(username string) string {
	h.T.Helper()
	r := h.Do("POST", "/api/auth/login", "", map[string]string{"username": username, "password": demo.Password})
	if r.Status != 200 {
		h.T.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	var out struct{ Token string }
	r.JSON(h.T, &out)
	return out.Token
}

// LastCode returns the one-time code most recently texted to phone, read
// from the SMS records (the outbox in embedded mode).
func (h *Harness) LastCode(phone string) string {
	h.T.Helper()
	ms, _, err := h.P.Store.Messages(context.Background(), "", 0, 100)
	if err != nil {
		h.T.Fatal(err)
	}
	for _, m := range ms {
		if m.To == phone && m.Kind == "otp" {
			for i := 0; i+6 <= len(m.Body); i++ {
				s := m.Body[i : i+6]
				if isDigits(s) {
					return s
				}
			}
		}
	}
	h.T.Fatalf("no code sent to %s", phone)
	return ""
}

// PhoneLogin logs a volunteer or carer in with a texted code.
func (h *Harness) PhoneLogin(phone, kind string) string {
	h.T.Helper()
	if r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": phone}); r.Status != 200 {
		h.T.Fatalf("request code: %d %s", r.Status, r.Body)
	}
	body := map[string]string{"phone": phone, "code": h.LastCode(phone)}
	if kind != "" {
		body["kind"] = kind
	}
	r := h.Do("POST", "/api/auth/verify", "", body)
	if r.Status != 200 {
		h.T.Fatalf("verify code: %d %s", r.Status, r.Body)
	}
	var out struct{ Token string }
	r.JSON(h.T, &out)
	return out.Token
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
