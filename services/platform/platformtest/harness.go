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
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"jinhui/services/demo"
	"jinhui/services/notify"
	"jinhui/services/platform"
	"jinhui/shared/config"
	"jinhui/shared/dbcount"
	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
	"jinhui/shared/testenv"

	"github.com/alexedwards/argon2id"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Scale is the test data set: the province, its 16 cities and the first
// two counties of each, with two townships of two villages each, people in
// the first two counties (市中区 370101 and its sibling 370102). Two
// counties a city, not all 100: the embedded FerretDB reads a whole
// collection for any query but an _id lookup, and a region family read
// (each dashboard and report) over 241 regions instead of 717: the browser
// tests' database commands took 25 s instead of 47, their binary 15 CPU-s
// instead of 24 (issue 19). The people are the same as in the whole tree
// (demo.Regions draws the left-out counties' coordinates all the same).
var Scale = demo.Scale{TownshipsPerCounty: 2, VillagesPerTown: 2, Elders: 24, Volunteers: 24, Carers: 4, PopulatedCounties: 2, CountiesPerCity: 2}

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
	return start(t, gw, Scale)
}

// NewScaled is New with a data set of the given scale, and monitors that
// also see every database command (a budget test's counter).
func NewScaled(t *testing.T, sc demo.Scale, monitors ...*event.CommandMonitor) *Harness {
	t.Helper()
	return start(t, nil, sc, monitors...)
}

func start(t *testing.T, gw notify.Gateway, sc demo.Scale, monitors ...*event.CommandMonitor) *Harness {
	t.Helper()
	dataDir := t.TempDir()
	set := seedInto(t, seedKey{scale: sc}, nil, filepath.Join(dataDir, "mongo"))
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=" + dataDir, "REDIS_URL=" + testenv.RedisURL(t)}, nil, io.Discard)
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
	return &Harness{T: t, P: p, Set: set}
}

// seed is a database with a data set loaded, kept as the embedded
// FerretDB's files.
type seed struct {
	once  sync.Once
	set   demo.Set
	files map[string][]byte
	err   error
}

var seeds sync.Map // seedKey → *seed

// seedKey names a seed: the scale of its data set and, when the set was
// edited before loading, the name of the edit.
type seedKey struct {
	scale demo.Scale
	edit  string
}

// Seed writes into dataDir the database files of the test data set
// (Scale) as edit leaves it, for a platform started on dataDir
// (JINHUI_DATA_DIR) by the test itself, and returns that set. name names
// the edit ("" with a nil edit: the set as generated, as New starts on):
// the first call with a name in a test binary loads the edited set once
// and every call after it copies the files, so one name must always come
// with the same edit. A test that starts its platform its own
// way (the browser tests, on a listener of their own) starts it in
// milliseconds instead of loading the set again, about a second each.
func Seed(t *testing.T, dataDir, name string, edit func(*demo.Set)) demo.Set {
	t.Helper()
	return seedInto(t, seedKey{scale: Scale, edit: name}, edit, filepath.Join(dataDir, "mongo"))
}

// seedInto writes the files of a database holding the data set of scale
// sc (with the platform's indexes) into dir, where the platform's
// embedded FerretDB then starts, and returns a copy of the set. The
// first call per scale in a test binary loads the set into a fresh
// FerretDB and keeps its files; every platform after it starts on its
// own copy of them, which takes milliseconds where loading the set again
// took about a second a platform on a busy machine (issue 19). Each test
// still has a database of its own.
func seedInto(t *testing.T, key seedKey, edit func(*demo.Set), dir string) demo.Set {
	t.Helper()
	v, _ := seeds.LoadOrStore(key, &seed{})
	sd := v.(*seed)
	sd.once.Do(func() { sd.set, sd.files, sd.err = build(key.scale, edit) })
	if sd.err != nil {
		t.Fatalf("test data: %v", sd.err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, b := range sd.files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	set := sd.set
	set.Regions = slices.Clone(set.Regions)
	set.Elders = slices.Clone(set.Elders)
	set.Volunteers = slices.Clone(set.Volunteers)
	set.Carers = slices.Clone(set.Carers)
	set.Accounts = slices.Clone(set.Accounts)
	return set
}

// build loads SetOf(sc), edited by edit when not nil, into a fresh
// embedded FerretDB as platform.New would open it (the declared indexes,
// the _id indexes), stops it and returns its files.
func build(sc demo.Scale, edit func(*demo.Set)) (demo.Set, map[string][]byte, error) {
	set, err := setOf(sc)
	if err != nil {
		return set, nil, err
	}
	if edit != nil {
		edit(&set)
	}
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=unused"}, nil, io.Discard)
	if err != nil {
		return set, nil, err
	}
	dir, err := os.MkdirTemp("", "jinhui-seed-")
	if err != nil {
		return set, nil, err
	}
	defer os.RemoveAll(dir)
	m, err := embedded.StartMongo(dir, testenv.Logger())
	if err != nil {
		return set, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := mongostore.OpenWith(ctx, m.URI, cfg.MongoDB, true, nil)
	if err != nil {
		m.Stop()
		return set, nil, err
	}
	err = demo.Load(ctx, st, set)
	if err == nil {
		err = m.IndexIDs(ctx)
	}
	_ = st.Close(context.Background())
	m.Stop() // its files are closed: they are the whole database
	if err != nil {
		return set, nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return set, nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if files[e.Name()], err = os.ReadFile(filepath.Join(dir, e.Name())); err != nil {
			return set, nil, err
		}
	}
	return set, files, nil
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
	set, err := setOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func setOf(sc demo.Scale) (demo.Set, error) {
	set, err := demo.Generate(sc, 7, time.Now())
	if err != nil {
		return set, err
	}
	hash, err := cheapHash()
	if err != nil {
		return set, err
	}
	for i := range set.Accounts {
		set.Accounts[i].PasswordHash = hash
	}
	return set, nil
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
