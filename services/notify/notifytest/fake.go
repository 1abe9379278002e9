// Package notifytest is a local fake of Twilio's Messages API for tests
// and benchmarks: the real twilio-go client talks to it through an HTTP
// transport that rewrites api.twilio.com (twilio-go has no base-URL option).
package notifytest

import (
	"jinhui/services/notify"

	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fake is a running fake Twilio.
type Fake struct {
	Server *httptest.Server
	// OptedOut numbers answer error 21610; RateLimit > 0 answers 429 to
	// that many requests first.
	OptedOut  map[string]bool
	RateLimit atomic.Int32

	mu       sync.Mutex
	received map[string]int // To|Body → times received
	first    time.Time
	last     time.Time
	arrivals []time.Time
	seq      atomic.Int64
	Params   []url.Values
}

// Start runs a fake Twilio until stop is called.
func Start() *Fake {
	f := &Fake{OptedOut: map[string]bool{}, received: map[string]int{}}
	f.Server = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	if !strings.HasSuffix(r.URL.Path, "/Messages.json") {
		w.WriteHeader(404)
		return
	}
	to := r.PostForm.Get("To")
	if f.RateLimit.Load() > 0 && f.RateLimit.Add(-1) >= 0 {
		w.WriteHeader(429)
		_, _ = w.Write([]byte(`{"code":20429,"message":"Too Many Requests","status":429}`))
		return
	}
	if f.OptedOut[to] {
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`))
		return
	}
	now := time.Now()
	f.mu.Lock()
	f.received[to+"|"+r.PostForm.Get("Body")]++
	if f.first.IsZero() {
		f.first = now
	}
	f.last = now
	f.arrivals = append(f.arrivals, now)
	f.Params = append(f.Params, r.PostForm)
	f.mu.Unlock()
	w.WriteHeader(201)
	fmt.Fprintf(w, `{"sid":"SM%032d","status":"queued","to":%q}`, f.seq.Add(1), to)
}

// Client returns an HTTP client that sends Twilio's requests to the fake.
func (f *Fake) Client() *http.Client {
	target, _ := url.Parse(f.Server.URL)
	base := f.Server.Client().Transport.(*http.Transport).Clone()
	base.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // local fake
	base.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: rewrite{target: target, next: base}, Timeout: 10 * time.Second}
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

// Received returns how many distinct messages arrived, how many arrived
// more than once, and the time between the first and the last.
func (f *Fake) Received() (distinct, duplicates int, span time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.received {
		distinct++
		if n > 1 {
			duplicates += n - 1
		}
	}
	return distinct, duplicates, f.last.Sub(f.first)
}

// MaxIn returns the largest number of texts that arrived within any
// window of length d (a carrier's view of "never faster than the rate").
func (f *Fake) MaxIn(d time.Duration) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return MostWithin(f.arrivals, d)
}

// MostWithin returns the largest number of the times that fall within any
// window of length d; ts is not changed.
func MostWithin(ts []time.Time, d time.Duration) int {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, time.Time.Compare)
	most, lo := 0, 0
	for hi, t := range ts {
		for t.Sub(ts[lo]) >= d {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// Times returns how often a text to `to` with body arrived.
func (f *Fake) Times(to, body string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.received[to+"|"+body]
}

// Gateway returns the real Twilio gateway of this package's caller, with
// placeholder credentials (alphanumeric, as twilio-go wants; nothing real),
// talking to the fake.
func (f *Fake) Gateway(from string) *notify.Twilio {
	return notify.NewTwilio("AC"+strings.Repeat("x", 32), "fakeauth", from, "", f.Client())
}
