// Command visitbench measures the visits issue's two figures on embedded
// stores (as `make run` uses them):
//
//	visitbench plan   plan a month for the full-scale demo (10,288 elders,
//	                  two volunteers each) and print the time and visits
//	visitbench send   send 10,000 texts through asynq workers and the real
//	                  twilio-go client to a local fake Twilio at a set rate,
//	                  and print the achieved rate, the most texts that
//	                  arrived within any one second (never above the set
//	                  rate), the duplicates, the wait for a sending slot,
//	                  and the database commands per text (with
//	                  VISITBENCH_DETAIL set, also the claim times and the
//	                  gaps between sending slots)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/demo"
	"jinhui/services/notify"
	"jinhui/services/notify/notifytest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/clock"
	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
	"jinhui/workers"
)

// countHook counts the limiter's calls (its script runs as EVALSHA).
type countHook struct{ n *atomic.Int64 }

func (countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "evalsha" || cmd.Name() == "eval" {
			if k, ok := cmd.Args()[3].(string); ok && strings.Contains(k, "sms-rate:") {
				h.n.Add(1)
			}
		}
		return next(ctx, cmd)
	}
}
func (countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func main() {
	n := flag.Int("n", 10000, "send: messages")
	rate := flag.Int("rate", 100, "send: messages per second allowed (JINHUI_SMS_RATE)")
	workersN := flag.Int("workers", 16, "send: worker concurrency")
	flag.Parse()
	var err error
	switch flag.Arg(0) {
	case "plan":
		err = plan()
	case "send":
		err = send(*n, *rate, *workersN)
	default:
		err = fmt.Errorf("usage: visitbench plan | visitbench [-n N -rate R] send")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "visitbench:", err)
		os.Exit(1)
	}
}

func open(ctx context.Context) (*mongostore.Store, func(), error) {
	return openWith(ctx, nil)
}

func openWith(ctx context.Context, mon *event.CommandMonitor) (*mongostore.Store, func(), error) {
	dir, err := os.MkdirTemp("", "jinhui-visitbench-")
	if err != nil {
		return nil, nil, err
	}
	m, err := embedded.StartMongo(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, nil, err
	}
	s, err := mongostore.OpenWith(ctx, m.URI, "jinhui", true, func(o *options.ClientOptions) {
		if mon != nil {
			o.SetMonitor(mon)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	if err := m.IndexIDs(ctx); err != nil {
		return nil, nil, err
	}
	return s, func() { _ = s.Close(ctx); m.Stop(); _ = os.RemoveAll(dir) }, nil
}

type nopQueue struct{}

func (nopQueue) EnqueueReminder(context.Context, string, time.Time) error { return nil }

func plan() error {
	ctx := context.Background()
	s, done, err := open(ctx)
	if err != nil {
		return err
	}
	defer done()
	set, err := demo.Generate(demo.Full, 2017, time.Now())
	if err != nil {
		return err
	}
	if err := demo.Load(ctx, s, set); err != nil {
		return err
	}
	// Two volunteers of the same county per elder (the pairing service's
	// output, written directly: this measures planning, not pairing).
	byCounty := map[string][]registry.Volunteer{}
	for _, v := range set.Volunteers {
		c := registry.AncestorAt(v.Village, registry.County)
		byCounty[c] = append(byCounty[c], v)
	}
	var pairs []any
	next := map[string]int{}
	for _, e := range set.Elders {
		c := registry.AncestorAt(e.Village, registry.County)
		vs := byCounty[c]
		for slot := 0; slot < 2 && len(vs) > 1; slot++ {
			v := vs[next[c]%len(vs)]
			next[c]++
			pairs = append(pairs, bson.D{{Key: "_id", Value: fmt.Sprintf("%s.%d.1", e.ID, slot)}, {Key: "elder", Value: e.ID}, {Key: "areas", Value: e.Areas},
				{Key: "slot", Value: slot}, {Key: "volunteer", Value: v.ID}, {Key: "volunteerName", Value: v.Name}, {Key: "status", Value: "active"}})
		}
	}
	for i := 0; i < len(pairs); i += 5000 {
		if _, err := s.DB.Collection("pairs").InsertMany(ctx, pairs[i:min(i+5000, len(pairs))]); err != nil {
			return err
		}
	}
	svc := &visit.Service{Store: s, Queue: nopQueue{}, Now: time.Now}
	month := time.Now().In(clock.Shanghai).AddDate(0, 1, 0)
	if os.Getenv("VISITBENCH_PROFILE") != "" {
		f, _ := os.Create(os.Getenv("VISITBENCH_PROFILE"))
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
		t0 := time.Now()
		cnt := 0
		_ = s.PairedElders(ctx, "", func(visit.ElderRef) error { cnt++; return nil })
		fmt.Printf("PairedElders alone: %d in %.2f s\n", cnt, time.Since(t0).Seconds())
	}
	start := time.Now()
	res, err := svc.PlanMonth(ctx, "", month)
	if err != nil {
		return err
	}
	first := time.Since(start)
	start = time.Now()
	again, err := svc.PlanMonth(ctx, "", month)
	if err != nil {
		return err
	}
	fmt.Printf("month        %s\nelders       %d (paired, active)\npairs        %d\nvisits       %d\nreminders    %d\nplan         %.2f s\nre-plan      %.2f s (planned %d, existing %d)\n",
		res.Month, res.Elders, len(pairs), res.Planned, res.Reminders, first.Seconds(), time.Since(start).Seconds(), again.Planned, again.Existing)
	return nil
}

// timing counts the database commands by command and collection, with
// the time each took on the wire.
type timing struct {
	mu    sync.Mutex
	keys  map[int64]string
	n     map[string]int
	spent map[string]time.Duration
}

func newTiming() *timing {
	return &timing{keys: map[int64]string{}, n: map[string]int{}, spent: map[string]time.Duration{}}
}

func (t *timing) monitor() *event.CommandMonitor {
	done := func(id int64, d time.Duration) {
		t.mu.Lock()
		defer t.mu.Unlock()
		if k, ok := t.keys[id]; ok {
			delete(t.keys, id)
			t.spent[k] += d
		}
	}
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if e.CommandName == "hello" || e.CommandName == "ping" || e.CommandName == "endSessions" || e.CommandName == "createIndexes" {
				return
			}
			coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
			k := e.CommandName + " " + coll
			t.mu.Lock()
			defer t.mu.Unlock()
			t.keys[e.RequestID] = k
			t.n[k]++
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { done(e.RequestID, e.Duration) },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { done(e.RequestID, e.Duration) },
	}
}

func (t *timing) print(texts int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ks := make([]string, 0, len(t.n))
	total := 0
	for k, n := range t.n {
		ks = append(ks, k)
		total += n
	}
	sort.Strings(ks)
	fmt.Printf("db commands  %.1f per text\n", float64(total)/float64(texts))
	for _, k := range ks {
		fmt.Printf("  %-28s %5.2f per text, %6.2f ms each\n", k, float64(t.n[k])/float64(texts), float64(t.spent[k].Microseconds())/1000/float64(t.n[k]))
	}
}

// waits measures the time workers spend waiting for a sending slot.
type waits struct {
	next   notify.Limiter
	n      atomic.Int64
	spent  atomic.Int64
	mu     sync.Mutex
	claims []time.Duration
	grants []time.Time
}

func (w *waits) Wait(ctx context.Context, claim func() error) error {
	t0 := time.Now()
	err := w.next.Wait(ctx, func() error {
		c0 := time.Now()
		err := claim()
		w.mu.Lock()
		w.claims = append(w.claims, time.Since(c0))
		w.mu.Unlock()
		return err
	})
	w.n.Add(1)
	w.spent.Add(int64(time.Since(t0)))
	w.mu.Lock()
	w.grants = append(w.grants, time.Now())
	w.mu.Unlock()
	return err
}

// mostIn is the largest number of slots given within any window d.
func (w *waits) mostIn(d time.Duration) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return notifytest.MostWithin(w.grants, d)
}

func (w *waits) print() {
	w.mu.Lock()
	defer w.mu.Unlock()
	slices.Sort(w.claims)
	slices.SortFunc(w.grants, time.Time.Compare)
	var gaps []time.Duration
	for i := 1; i < len(w.grants); i++ {
		gaps = append(gaps, w.grants[i].Sub(w.grants[i-1]))
	}
	slices.Sort(gaps)
	q := func(d []time.Duration, p float64) time.Duration {
		return d[int(p*float64(len(d)-1))].Round(100 * time.Microsecond)
	}
	fmt.Printf("claim        p50 %v p90 %v p99 %v max %v\n", q(w.claims, .5), q(w.claims, .9), q(w.claims, .99), q(w.claims, 1))
	fmt.Printf("slot gaps    p10 %v p50 %v p90 %v p99 %v max %v\n", q(gaps, .1), q(gaps, .5), q(gaps, .9), q(gaps, .99), q(gaps, 1))
}

func send(n, rate, concurrency int) error {
	ctx := context.Background()
	tm := newTiming()
	s, done, err := openWith(ctx, tm.monitor())
	if err != nil {
		return err
	}
	defer done()
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		r, err := embedded.StartRedis()
		if err != nil {
			return err
		}
		defer r.Stop()
		redisURL = r.URL()
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opt)
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return err
	}
	fake := notifytest.Start()
	defer fake.Close()
	const from = "+15005550006"
	var allows atomic.Int64
	rdb.AddHook(countHook{&allows})
	q := asynq.NewClientFromRedisClient(rdb)
	lim := &waits{next: workers.NewSendRate(rdb, from, rate)}
	svc := &notify.Service{Store: s, Queue: workers.Queue{Client: q}, Now: time.Now,
		Gateway: fake.Gateway(from),
		Limiter: lim}
	srv := asynq.NewServer(asynq.RedisClientOpt{Addr: opt.Addr, DB: opt.DB, Password: opt.Password},
		asynq.Config{Concurrency: concurrency, Queues: map[string]int{"critical": 6, "default": 3}, LogLevel: asynq.FatalLevel})
	h := &workers.Handlers{SMS: svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := srv.Start(h.Mux()); err != nil {
		return err
	}
	defer srv.Shutdown()
	if path := os.Getenv("VISITBENCH_PROFILE"); path != "" {
		f, _ := os.Create(path)
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := svc.Send(ctx, fmt.Sprintf("bench:%06d", i), fmt.Sprintf("+86138%08d", i), "bench", fmt.Sprintf("【金晖助老】测试短信 %d", i)); err != nil {
			return err
		}
	}
	queued := time.Since(start)
	deadline := start.Add(time.Duration(3*n/rate+600) * time.Second)
	for {
		got, dup, _ := fake.Received()
		if got+dup >= n {
			break
		}
		if time.Now().After(deadline) {
			queuedLeft, _, _ := s.Messages(ctx, notify.StatusQueued, 0, 1)
			return fmt.Errorf("only %d of %d arrived (%d still queued)", got, n, len(queuedLeft))
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // let any duplicate arrive
	got, dup, span := fake.Received()
	fmt.Printf("messages     %d\nset rate     %d/s\nqueued in    %.2f s\nreceived     %d distinct\nduplicates   %d\nachieved     %.1f/s (first to last arrival, %.1f s)\nmost in 1 s  %d arrivals, %d sending slots (any 1-second window; must not pass %d)\n",
		n, rate, queued.Seconds(), got, dup, float64(got-1)/span.Seconds(), span.Seconds(), fake.MaxIn(time.Second), lim.mostIn(time.Second), rate)
	if w := lim.n.Load(); w > 0 {
		fmt.Printf("slot wait    %.1f ms per text (claim included), %.2f limiter calls per text\n", float64(lim.spent.Load())/float64(w)/1e6, float64(allows.Load())/float64(w))
	}
	if os.Getenv("VISITBENCH_DETAIL") != "" {
		lim.print()
	}
	tm.print(n)
	return nil
}
