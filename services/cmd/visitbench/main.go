// Command visitbench measures the visits issue's two figures on embedded
// stores (as `make run` uses them):
//
//	visitbench plan   plan a month for the full-scale demo (10,288 elders,
//	                  two volunteers each) and print the time and visits
//	visitbench send   send 10,000 texts through asynq workers and the real
//	                  twilio-go client to a local fake Twilio at a set rate,
//	                  and print the achieved rate and the duplicates
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"

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
	dir, err := os.MkdirTemp("", "jinhui-visitbench-")
	if err != nil {
		return nil, nil, err
	}
	m, err := embedded.StartMongo(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, nil, err
	}
	s, err := mongostore.Open(ctx, m.URI, "jinhui", true)
	if err != nil {
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

func send(n, rate, concurrency int) error {
	ctx := context.Background()
	s, done, err := open(ctx)
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
	q := asynq.NewClientFromRedisClient(rdb)
	svc := &notify.Service{Store: s, Queue: workers.Queue{Client: q}, Now: time.Now,
		Gateway: fake.Gateway(from),
		Limiter: workers.NewSendRate(rdb, from, rate)}
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
	fmt.Printf("messages     %d\nset rate     %d/s\nqueued in    %.2f s\nreceived     %d distinct\nduplicates   %d\nachieved     %.1f/s (first to last arrival, %.1f s)\n",
		n, rate, queued.Seconds(), got, dup, float64(got-1)/span.Seconds(), span.Seconds())
	return nil
}
