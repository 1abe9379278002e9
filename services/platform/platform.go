// Package platform wires the services together for one process, in any
// role: all (embedded MongoDB and Redis, API + workers + scheduler), or
// api, worker or scheduler against real servers.
package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/access"
	"jinhui/services/auth"
	"jinhui/services/carer"
	"jinhui/services/codecard"
	"jinhui/services/demo"
	"jinhui/services/family"
	"jinhui/services/httpapi"
	"jinhui/services/jobs"
	"jinhui/services/ledger"
	"jinhui/services/notify"
	"jinhui/services/pairing"
	"jinhui/services/record"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/services/stats"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/services/wish"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/config"
	"jinhui/shared/dbcount"
	"jinhui/shared/embedded"
	"jinhui/shared/metrics"
	"jinhui/shared/mongostore"
	"jinhui/shared/redisconn"
	"jinhui/web"
	"jinhui/workers"
)

// Platform is one running process's services.
type Platform struct {
	Cfg       config.Config
	Log       *slog.Logger
	Store     *mongostore.Store
	Redis     redis.UniversalClient
	RedisOpt  asynq.RedisConnOpt
	Queue     *asynq.Client
	Registry  *registry.Service
	Auth      *auth.Service
	SMS       *notify.Service
	Pairing   *pairing.Service
	Recruit   *recruit.Service
	Visits    *visit.Service
	Ledger    *ledger.Service
	Carers    *carer.Service
	Stats     *stats.Service
	Supervise *supervise.Service
	Wishes    *wish.Service
	Cards     *codecard.Service
	Family    *family.Service
	Record    *record.Service
	Jobs      *jobs.Service
	API       *httpapi.Server
	Metrics   *metrics.Metrics

	ready map[string]httpapi.Checker
	mongo *embedded.Mongo
	mini  *embedded.Redis
}

// New connects to MongoDB and Redis (starting the embedded ones when none
// is configured) and builds every service. Gateway overrides the SMS
// gateway (tests use a fake Twilio); nil chooses from the configuration.
// Monitors also see every database command (tests count them).
func New(ctx context.Context, cfg config.Config, log *slog.Logger, gateway notify.Gateway, monitors ...*event.CommandMonitor) (*Platform, error) {
	p := &Platform{Cfg: cfg, Log: log, Metrics: metrics.New()}
	monitors = append(monitors, p.Metrics.Monitor())
	mongoURI, redisURL := cfg.MongoURI, cfg.RedisURL
	if cfg.Embedded() {
		m, err := embedded.StartMongo(filepath.Join(cfg.DataDir, "mongo"), nil)
		if err != nil {
			return nil, err
		}
		p.mongo, mongoURI = m, m.URI
	}
	if cfg.EmbeddedRedis() {
		r, err := embedded.StartRedis()
		if err != nil {
			p.Close()
			return nil, err
		}
		p.mini, redisURL = r, r.URL()
	}
	store, err := mongostore.OpenWith(ctx, mongoURI, cfg.MongoDB, cfg.Embedded(), func(o *options.ClientOptions) { o.SetMonitor(dbcount.Fan(monitors...)) })
	if err != nil {
		p.Close()
		return nil, err
	}
	p.Store = store
	if p.mongo != nil {
		if err := p.mongo.IndexIDs(ctx); err != nil {
			p.Close()
			return nil, err
		}
	}
	rc, err := redisconn.Parse(redisURL)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("platform.New: REDIS_URL: %w", err)
	}
	p.Redis, p.RedisOpt = rc.Client(), rc.Asynq
	p.Queue = asynq.NewClientFromRedisClient(p.Redis)
	if gateway == nil {
		gateway = notify.Outbox{}
		if cfg.Twilio() {
			gateway = notify.NewTwilio(cfg.TwilioSID, cfg.TwilioToken, cfg.TwilioFrom, strings.TrimRight(cfg.PublicURL, "/")+"/api/sms/twilio/status", nil)
		}
	}
	p.SMS = &notify.Service{Store: countedSMS{store, p.Metrics}, Queue: workers.Queue{Client: p.Queue}, Gateway: gateway, Templates: store, Now: time.Now}
	if cfg.Twilio() {
		// The carrier's rate, shared by every worker; the outbox needs none.
		p.SMS.Limiter = workers.NewSendRate(p.Redis, cfg.TwilioFrom, cfg.SMSRate)
	}
	p.Visits = &visit.Service{Store: store, Queue: workers.Queue{Client: p.Queue}, SMS: p.SMS, Now: time.Now}
	p.Registry = registry.NewService(store, store)
	p.Auth = auth.NewService(store, store, p.Redis, p.SMS, cfg.SessionTTL)
	p.Pairing = pairing.New(store, p.SMS)
	p.Auth.Audit = store
	p.Auth.PersonActive = p.personActive
	// A volunteer who pauses or leaves: sessions end first (that must not
	// wait on the relay), then their pairs go to the relay (rule P2) and
	// their planned visits are offered to their partners.
	p.Registry.OnVolunteerStatus = func(ctx context.Context, v registry.Volunteer) error {
		active := v.Status == registry.VolActive
		if err := p.Auth.PersonChanged(ctx, access.KindVolunteer, v.ID, active); err != nil {
			return err
		}
		if err := p.Pairing.VolunteerStatusChanged(ctx, v); err != nil {
			return err
		}
		if !active {
			return p.Visits.Withdraw(ctx, lastBy(v.History), v.ID, map[string]string{registry.VolPaused: "志愿者暂停服务", registry.VolLeft: "志愿者退出服务"}[v.Status])
		}
		return nil
	}
	p.Registry.OnCarerStatus = func(ctx context.Context, c registry.Carer) error {
		return p.Auth.PersonChanged(ctx, access.KindCarer, c.ID, c.Status == registry.VolActive)
	}
	p.Recruit = recruit.NewService(store, p.Auth.Codes, p.SMS, store, cfg.PublicURL)
	p.Ledger, p.Stats = ledger.New(store, log), stats.New(store)
	p.Ledger.CertStore = store
	p.Record = &record.Service{Store: store, Ledger: p.Ledger, Now: time.Now}
	p.Carers = carer.New(store, p.Ledger)
	// An elder's status ends their pairs (E3) and their home care (C4).
	p.Registry.OnElderStatus = func(ctx context.Context, e registry.Elder) error {
		return errors.Join(p.Pairing.ElderStatusChanged(ctx, e), p.Carers.ElderStatusChanged(ctx, e))
	}
	p.Supervise = supervise.New(store, p.SMS, p.Ledger, time.Now)
	// A visit held for review (back-dated times) still asks the elder's
	// side to confirm; a confirmation releases its hours.
	p.Visits.OnHeld = append(p.Visits.OnHeld, p.Supervise.AfterVisit)
	p.Supervise.OnConfirmed = p.Visits.ElderConfirmed
	p.Wishes = wish.New(store, p.Auth.Codes, p.SMS)
	p.Wishes.Cache = workers.WishCache{Redis: p.Redis}
	p.Stats.Wishes = p.Wishes
	p.Cards = &codecard.Service{Store: store, Visits: p.Visits, Audit: store, Now: time.Now}
	p.Visits.Cards = p.Cards
	p.Family = &family.Service{Store: store, SMS: p.SMS, Problems: p.Supervise, Now: time.Now}
	// A completed visit: its hours reach the totals, a winter item delivers
	// the elder's claimed wishes, the elder's family is asked to confirm it
	// and a concern is filed (Q3). A hook's error fails the check-out,
	// whose retry runs them all again (each is idempotent).
	p.Visits.OnDone = []func(context.Context, visit.Visit) error{
		func(ctx context.Context, v visit.Visit) error { return p.Ledger.VisitDone(ctx, v.ID) },
		p.Wishes.Deliver,
		p.Supervise.AfterVisit,
		// after supervision's hook: the family's 1/2 answers the same
		// question; a failed family text is logged, not a failed check-out
		func(ctx context.Context, v visit.Visit) error {
			if err := p.Family.AfterVisit(ctx, v); err != nil {
				log.Error("family text after a visit", "visit", v.ID, "err", err)
			}
			return nil
		},
	}
	p.Jobs = &jobs.Service{Store: store, Queue: workers.Queue{Client: p.Queue}, Log: log, Now: time.Now, Runners: map[string]jobs.Runner{
		jobs.KindLedgerRebuild: func(ctx context.Context, _ jobs.Job, progress jobs.Progress) (any, error) {
			// waits out a compaction holding the lease
			return p.Ledger.RebuildWhenFree(ctx, ledger.RebuildWait, progress)
		},
		jobs.KindVisitPlan: func(ctx context.Context, j jobs.Job, progress jobs.Progress) (any, error) {
			m, err := time.ParseInLocation("2006-01", j.Month, clock.Shanghai)
			if err != nil {
				return nil, apperr.Field("month", "月份格式应为 YYYY-MM")
			}
			return p.Visits.PlanMonthProgress(ctx, j.Area, m, progress)
		},
	}}
	deps := httpapi.Deps{
		Registry: p.Registry, Pairing: p.Pairing, Recruit: p.Recruit, Auth: p.Auth, Audit: store, Messages: store, Regions: store, Log: log,
		Ready:  p.readiness(),
		Ledger: p.Ledger, Carers: p.Carers, Stats: p.Stats, Supervise: p.Supervise, Wishes: p.Wishes, Cards: p.Cards, Family: p.Family, Record: p.Record, Jobs: p.Jobs,
		Visits: p.Visits, SMS: p.SMS, Inbound: store, TwilioToken: cfg.TwilioToken, PublicURL: strings.TrimRight(cfg.PublicURL, "/"),
		Web:            web.Handler(),
		TrustedProxies: cfg.TrustedProxies,
		Metrics:        p.Metrics,
	}
	deps.Dashboard = asynqmon.New(asynqmon.Options{RootPath: "/admin/queues", RedisConnOpt: p.RedisOpt, ReadOnly: false})
	p.API = httpapi.New(deps)
	return p, nil
}

// readiness lists the checks of /readyz: the servers answer and, in a
// scaled role, the migrate step built the indexes.
func (p *Platform) readiness() map[string]httpapi.Checker {
	p.ready = map[string]httpapi.Checker{
		"mongodb": p.Store.Ping,
		"redis":   func(ctx context.Context) error { return p.Redis.Ping(ctx).Err() },
	}
	if !p.Cfg.Embedded() {
		p.ready["indexes"] = indexCheck(p.Store)
	}
	return p.ready
}

// LoadDemo loads the demo into an empty store and returns whether it did.
// Several processes started with the demo option on one empty database
// load it once: each first claims the load (an insert on a unique key, one
// winner on every backend); the others do nothing, and none removes what
// another wrote.
func (p *Platform) LoadDemo(ctx context.Context, sc demo.Scale) (bool, error) {
	empty, err := p.Store.Empty(ctx)
	if err != nil || !empty {
		return false, err
	}
	// Held for an hour: a loader that dies leaves the claim (and whatever
	// it wrote) for an operator to clear rather than a second loader racing it.
	if err := p.Store.TryLock(ctx, "demo-load", uuid.NewString(), time.Now().Add(time.Hour)); apperr.Is(err, apperr.Conflict) {
		p.Log.Info("demo: another process is loading it")
		return false, nil
	} else if err != nil {
		return false, err
	}
	set, err := demo.Generate(sc, 2017, time.Now())
	if err != nil {
		return false, err
	}
	// The pairing still to do is recorded before the load, so that a stop
	// anywhere after it leaves the work for the next start (PairDemo).
	if cs := demoCounties(set); len(cs) > 0 {
		if err := p.Store.MarkDemoPairing(ctx, cs); err != nil {
			return false, err
		}
	}
	if err := demo.Load(ctx, p.Store, set); err != nil {
		return true, err
	}
	return true, nil
}

// demoCounties are the counties of the demo that have people, when there
// are at most ten (the full scale is left for organizers to pair).
func demoCounties(set demo.Set) []string {
	seen := map[string]bool{}
	var cs []string
	for _, e := range set.Elders {
		if c := registry.AncestorAt(e.Village, registry.County); !seen[c] {
			seen[c] = true
			cs = append(cs, c)
		}
	}
	if len(cs) > 10 {
		return nil
	}
	slices.Sort(cs)
	return cs
}

// demoPairLock is the lease of the process pairing the demo.
const demoPairLock = "demo-pairing"

// PairDemo pairs and plans the demo (see pairDemo) and reports whether it
// did. The work to do is recorded in MongoDB when the demo is loaded and
// cleared only when it is done, so a start after a stop half-way finishes
// it; it does nothing when no demo pairing is pending, or while another
// process holds the lease.
func (p *Platform) PairDemo(ctx context.Context) (bool, error) {
	counties, err := p.Store.DemoPairing(ctx)
	if err != nil || len(counties) == 0 {
		return false, err
	}
	token := uuid.NewString()
	const ttl = 2 * time.Minute
	if err := p.Store.TryLock(ctx, demoPairLock, token, time.Now().Add(ttl)); apperr.Is(err, apperr.Conflict) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	renewing, stopRenew := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(ttl / 4)
		defer t.Stop()
		for {
			select {
			case <-renewing.Done():
				return
			case <-t.C:
				_ = p.Store.RenewLock(renewing, demoPairLock, token, time.Now().Add(ttl))
			}
		}
	}()
	err = p.PairCounties(ctx, counties)
	stopRenew()
	<-renewed
	if err == nil {
		err = p.Store.DemoPaired(ctx)
	}
	_ = p.Store.Unlock(context.WithoutCancel(ctx), demoPairLock, token)
	return err == nil, err
}

// PairCounties runs the optimiser for the counties, confirms the
// proposals and plans this and next month's visits, so that a demo
// volunteer finds elders and a schedule (the demo, and the full-scale
// benchmark). Run again after a stop, it proposes only what is still
// unpaired and planning fills the gaps.
func (p *Platform) PairCounties(ctx context.Context, counties []string) error {
	if len(counties) > 0 {
		// All counties at once: the registers are read once for all of
		// them, not once per county (issue 16).
		sys := access.Principal{Kind: access.KindOrganizer, ID: "demo", Name: "演示数据", Role: access.RoleAdmin,
			Region: registry.AncestorAt(counties[0], registry.Province), Level: int(registry.Province)}
		props, err := p.Pairing.ProposeCounties(ctx, sys, counties)
		if err != nil {
			return fmt.Errorf("platform.PairCounties: %w", err)
		}
		if _, err := p.Pairing.ConfirmProposals(ctx, sys, props); err != nil {
			return fmt.Errorf("platform.PairCounties: %w", err)
		}
	}
	for _, m := range []time.Time{time.Now(), time.Now().AddDate(0, 1, 0)} {
		if _, err := p.Visits.PlanMonth(ctx, "", m); err != nil {
			return fmt.Errorf("platform.PairCounties: %w", err)
		}
	}
	return nil
}

// Run serves the process's roles until ctx ends, then shuts down within
// one overall deadline (the configured timeout), HTTP and workers in
// parallel: requests and tasks in flight finish; near the deadline the
// requests still running are cancelled and answer 503 (retry later), and
// the worker hands its unfinished tasks back to the queue. Run returns
// only when nothing uses the store any more, so Close after it is safe.
// A shutdown asked for by ctx is not an error.
func (p *Platform) Run(ctx context.Context, ln net.Listener) error {
	role := p.Cfg.Role
	errc := make(chan error, 3)
	var srv *asynq.Server
	var sched *workers.Scheduler
	timeout := p.Cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	// The part of the deadline kept to cancel what still runs and let it
	// answer before the deadline.
	grace := min(timeout/5, 2*time.Second)
	stopHealth, err := p.serveHealth()
	if err != nil {
		return err
	}
	// A start that fails half-way stops what it started.
	fail := func(err error) error {
		if srv != nil {
			srv.Shutdown()
		}
		stopHealth(context.Background())
		return err
	}
	if role == config.RoleAll || role == config.RoleWorker {
		w := workers.NewServer(p.RedisOpt, p.Log, timeout-grace)
		h := &workers.Handlers{SMS: p.SMS, Wishes: p.Wishes, Pairing: p.Pairing, Visits: p.Visits, Log: p.Log, Ledger: p.Ledger, Supervise: p.Supervise, Family: p.Family, Jobs: p.Jobs}
		if err := w.Start(p.Metrics.Tasks(h.Mux())); err != nil {
			return fail(fmt.Errorf("platform.Run worker: %w", err))
		}
		srv = w
	}
	if role == config.RoleAll || role == config.RoleScheduler {
		s, err := workers.NewScheduler(p.RedisOpt, p.Log, p.Cfg.SweepEvery)
		if err != nil {
			return fail(err)
		}
		if err := s.Start(); err != nil {
			return fail(fmt.Errorf("platform.Run scheduler: %w", err))
		}
		sched = s
	}
	serving := role == config.RoleAll || role == config.RoleAPI
	defer p.serveMetrics()()
	if serving {
		go func() { errc <- p.API.App.Listener(ln) }()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	start := time.Now()
	deadline, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	drainBy, cancelDrain := context.WithTimeout(deadline, timeout-grace)
	defer cancelDrain()
	var wg sync.WaitGroup
	if serving {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Stop accepting; let requests in flight finish until the
			// drain time, then cancel those left and wait for their answers.
			stopped := make(chan error, 1)
			go func() { stopped <- p.API.App.ShutdownWithContext(deadline) }()
			if err := p.API.Idle(drainBy); err != nil {
				p.Log.Warn("shutdown: cancelling requests still running", "inFlight", p.API.InFlight())
				p.API.Abort()
				if err := p.API.Idle(deadline); err != nil {
					p.Log.Error("shutdown: requests still running at the deadline", "inFlight", p.API.InFlight())
				}
			}
			<-stopped
		}()
	}
	if sched != nil {
		wg.Add(1)
		go func() { defer wg.Done(); sched.Shutdown() }()
	}
	if srv != nil {
		wg.Add(1)
		go func() { defer wg.Done(); srv.Shutdown() }()
	}
	wg.Wait()
	stopHealth(deadline)
	p.Log.Info("shutdown done", "seconds", time.Since(start).Seconds())
	if errors.Is(runErr, net.ErrClosed) {
		runErr = nil
	}
	return runErr
}

// Close releases connections and stops embedded servers.
func (p *Platform) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if p.Queue != nil {
		_ = p.Queue.Close()
	}
	if p.Redis != nil {
		_ = p.Redis.Close()
	}
	if p.Store != nil {
		_ = p.Store.Close(ctx)
	}
	if p.mini != nil {
		p.mini.Stop()
	}
	if p.mongo != nil {
		p.mongo.Stop()
	}
}

// DemoVolunteerPhone returns the phone of a volunteer who has a pair after
// PairDemo (synthetic demo data), for the demo banner; "" if none.
func (p *Platform) DemoVolunteerPhone(ctx context.Context) string {
	pairs, err := p.Store.Pairs(ctx, pairing.PairFilter{Status: pairing.PairActive})
	if err != nil || len(pairs) == 0 {
		return ""
	}
	v, err := p.Store.Volunteer(ctx, pairs[0].Volunteer)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(v.Phone, "+86")
}
