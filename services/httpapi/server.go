// Package httpapi is the platform's HTTP API on Fiber: one route table
// that registers every handler and also produces the OpenAPI document, so
// the two can never drift apart.
package httpapi

import (
	"context"
	"jinhui/services/jobs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/services/auth"
	"jinhui/services/carer"
	"jinhui/services/codecard"
	"jinhui/services/family"
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
	"jinhui/shared/metrics"
	"jinhui/shared/page"
	"jinhui/shared/pii"
)

// Checker reports whether a dependency is reachable (readiness).
type Checker func(ctx context.Context) error

// AuditLog lists audit entries inside a subtree.
type AuditLog interface {
	AuditLog(ctx context.Context, area string, ord page.Order, offset, limit int) ([]audit.Entry, int, error)
}

// MessageLog lists SMS messages (the outbox and the message log).
type MessageLog interface {
	MessagePage(ctx context.Context, status string, ord page.Order, offset, limit int) ([]notify.Message, int, error)
	// MessagesTo is one page of the texts sent to one phone, newest first.
	MessagesTo(ctx context.Context, to string, offset, limit int) ([]notify.Message, int, error)
}

// RegionLister returns every node of a subtree.
type RegionLister interface {
	Regions(ctx context.Context, root string) ([]registry.Region, error)
}

// Deps are the services the API calls.
type Deps struct {
	Registry  *registry.Service
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
	// Jobs starts and reports the console's long operations.
	Jobs    *jobs.Service
	SMS     *notify.Service
	Inbound InboundLog
	// TwilioToken validates webhook signatures; PublicURL is the address
	// Twilio posts to.
	TwilioToken string
	PublicURL   string
	Auth        *auth.Service
	Audit       AuditLog
	Messages    MessageLog
	Regions     RegionLister
	Ready       map[string]Checker
	Log         *slog.Logger
	// Dashboard is the asynq dashboard, mounted for admins; may be nil.
	Dashboard http.Handler
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed for the client address (rate limits, logs).
	TrustedProxies []string
	// Web serves the web app's static files; may be nil.
	Web fiber.Handler
	// Metrics counts requests per route and serves GET /metrics to the
	// top-level admin; may be nil.
	Metrics *metrics.Metrics
}

// Server is the HTTP API.
type Server struct {
	Deps
	App     *fiber.App
	ck      *checker
	routes  []route
	drain   *drain
	onError fiber.ErrorHandler
}

// New builds the Fiber app with every route registered.
func New(d Deps) *Server {
	s := &Server{Deps: d, ck: newChecker(), drain: newDrain()}
	s.onError = errorHandler(d.Log, s.aborted)
	s.App = fiber.New(fiber.Config{
		AppName:               "jinhui",
		ErrorHandler:          s.onError,
		BodyLimit:             maxUploadBody,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		// Only trusted proxies may set the client address (c.IP()).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          d.TrustedProxies,
		ProxyHeader:             proxyHeader(d.TrustedProxies),
	})
	s.App.Use(s.track)
	s.App.Use(recover.New())
	s.App.Use(requestid.New())
	s.App.Use(s.secureHeaders())
	s.App.Use(s.logRequests)
	s.routes = s.table()
	for _, r := range s.routes {
		s.App.Add(r.method, r.path, s.handler(r))
	}
	if d.Dashboard != nil {
		s.App.Use("/admin/queues", s.rootOnly, adaptor.HTTPHandler(d.Dashboard))
	}
	if d.Web != nil {
		s.App.Use(d.Web)
	}
	return s
}

// logRequests writes one structured line per request: no query strings or
// bodies, which may hold personal data.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	rid, _ := c.Locals("requestid").(string)
	c.SetUserContext(audit.WithRequestID(c.UserContext(), rid))
	err := c.Next()
	if err != nil {
		// The error becomes its answer here, so the line and the metrics
		// carry the status the caller gets (a refusal is not a 200).
		if herr := s.onError(c, err); herr == nil {
			err = nil
		}
	}
	st := c.Response().StatusCode()
	took := time.Since(start)
	s.Log.Info("http", "requestId", rid, "method", c.Method(), "route", c.Route().Path, "status", st, "ms", took.Milliseconds())
	s.Metrics.Request(c.Method(), c.Route().Path, st, took)
	return err
}

// principal returns the caller of an authenticated route.
func principal(c *fiber.Ctx) access.Principal {
	p, _ := c.Locals("principal").(access.Principal)
	return p
}

// authenticate finds the caller of an /api route by the Bearer token
// only: the session cookie is not accepted here (CSRF).
func (s *Server) authenticate(c *fiber.Ctx) (access.Principal, error) {
	tok := bearer(c)
	if tok == "" {
		return access.Principal{}, errUnauthorized
	}
	return s.Auth.Session(c.UserContext(), tok)
}

// handler wraps a route's handler: a route that is not public runs only
// for a caller its rule allows (401 without a session, 403 for another
// role), before anything of the request is read.
func (s *Server) handler(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := limitBody(c, r); err != nil {
			return err
		}
		if !r.who.Open() {
			p, err := s.authenticate(c)
			if err != nil {
				return err
			}
			if err := s.allow(c.UserContext(), r.who, p); err != nil {
				return err
			}
			c.Locals("principal", p)
			noStore(c)
		}
		return r.h(c)
	}
}

// allow checks p against rule, and for a rule of the top-level admin that
// p's region has no parent in the region tree (the province, or the
// county of a county's own deployment).
func (s *Server) allow(ctx context.Context, rule access.Rule, p access.Principal) error {
	if err := rule.Check(p); err != nil {
		return err
	}
	if rule.Top() {
		if up := parentOf(p.Region); up != "" {
			if _, err := s.Registry.Store.Region(ctx, up); err == nil {
				return errForbiddenRoot
			}
		}
	}
	return nil
}

// paging reads offset and limit from the query (package page): a bad
// value is a 400 naming the field.
func paging(c *fiber.Ctx) (int, int, error) {
	p, err := pageParams(c)
	return p.Offset, p.Limit, err
}

func pageParams(c *fiber.Ctx) (page.Params, error) {
	return page.Parse(c.Query("offset"), c.Query("limit"))
}

// sortedPage is pageParams with the order asked for (?sort=&order=), sort
// being one of the columns the list sorts on (a 400 naming sort or order
// otherwise).
func sortedPage(c *fiber.Ctx, sorts ...string) (page.Params, error) {
	pg, err := pageParams(c)
	if err != nil {
		return pg, err
	}
	pg.Order, err = page.ParseOrder(c.Query("sort"), c.Query("order"), sorts...)
	return pg, err
}

// sortOrder reads ?sort=&order= for a list sorting on sorts (a 400 naming
// sort or order otherwise).
func sortOrder(c *fiber.Ctx, sorts ...string) (page.Order, error) {
	return page.ParseOrder(c.Query("sort"), c.Query("order"), sorts...)
}

// Route is one operation of the API and the rule that guards it.
type Route struct {
	Method, Path string
	Who          access.Rule
}

// Routes lists every route of the table with its rule.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	for i, r := range s.routes {
		out[i] = Route{Method: r.method, Path: r.path, Who: r.who}
	}
	return out
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// InboundLog lists received SMS replies.
type InboundLog interface {
	InboundMessages(ctx context.Context, ord page.Order, offset, limit int) ([]notify.Inbound, int, error)
}

func maskPhone(s string) string { return pii.MaskPhone(s) }

func parentOf(code string) string { return registry.ParentOf(code) }
