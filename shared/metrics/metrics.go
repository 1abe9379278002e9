// Package metrics counts what the platform does, for Prometheus: HTTP
// requests per route, database commands per collection, tasks per type and
// text messages per status. Every method is safe on a nil *Metrics (a
// no-op), so code built without metrics needs no checks.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Metrics holds the platform's collectors on a registry of its own (no
// package globals: two platforms in one test binary count apart).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	commands *prometheus.CounterVec
	tasks    *prometheus.CounterVec
	sms      *prometheus.CounterVec
}

// New registers the collectors, and the Go runtime's and the process's.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "jinhui_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status."}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "jinhui_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by method and route pattern.", Buckets: prometheus.DefBuckets}, []string{"method", "route"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "jinhui_db_commands_total",
			Help: "Database commands sent, by collection and command."}, []string{"collection", "command"}),
		tasks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "jinhui_tasks_total",
			Help: "Background tasks run, by type and outcome (processed or failed)."}, []string{"type", "outcome"}),
		sms: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "jinhui_sms_total",
			Help: "Text messages settled, by status (sent, outbox, delivered, failed…)."}, []string{"status"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.commands, m.tasks, m.sms,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Request counts one answered request; route is the pattern
// ("/api/pairs/:id"), never the raw path, so the label set stays small.
func (m *Metrics) Request(method, route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	// Fiber's strings may point into a request buffer reused by the next
	// request; the labels are kept, so they are copied (otherwise a kept
	// "GET" could turn into another method and a series appear twice).
	method, route = strings.Clone(method), strings.Clone(route)
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(took.Seconds())
}

// Monitor counts database commands; set it on the client (with
// dbcount.Fan when other monitors are set too).
func (m *Metrics) Monitor() *event.CommandMonitor {
	if m == nil {
		return nil
	}
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		switch e.CommandName {
		case "hello", "isMaster", "ismaster", "ping", "endSessions", "saslStart", "saslContinue", "buildInfo":
			return
		}
		coll := ""
		if v, err := e.Command.LookupErr(e.CommandName); err == nil {
			coll, _ = v.StringValueOK()
		}
		m.commands.WithLabelValues(coll, e.CommandName).Inc()
	}}
}

// Tasks is asynq middleware counting each task by type and outcome.
func (m *Metrics) Tasks(next asynq.Handler) asynq.Handler {
	if m == nil {
		return next
	}
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		err := next.ProcessTask(ctx, t)
		outcome := "processed"
		if err != nil {
			outcome = "failed"
		}
		m.tasks.WithLabelValues(t.Type(), outcome).Inc()
		return err
	})
}

// SMS counts a message reaching a status.
func (m *Metrics) SMS(status string) {
	if m == nil {
		return
	}
	m.sms.WithLabelValues(status).Inc()
}
