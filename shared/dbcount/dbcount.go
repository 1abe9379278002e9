// Package dbcount counts the database commands a piece of work sends, by
// command and collection, through the driver's command monitor. Tests use
// it for round-trip budgets and index coverage, benchmarks for their
// figures, the metrics endpoint for its counters.
package dbcount

import (
	"context"
	"sort"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Command is one command as sent: its name, collection, and for reads
// the filter and sort (nil otherwise).
type Command struct {
	Name       string
	Collection string
	Filter     bson.Raw
	Sort       bson.Raw
}

// Counter records commands. The zero value is not ready; use New.
type Counter struct {
	mu       sync.Mutex
	total    int
	by       map[string]int
	keep     bool
	commands []Command
}

// New returns a counter; with keep set it also keeps every command's
// filter and sort (for index coverage checks).
func New(keep bool) *Counter { return &Counter{by: map[string]int{}, keep: keep} }

// Monitor is the command monitor to set on the client's options. The
// handshake and monitoring commands (hello, ping, endSessions…) are not
// counted: they are the driver's, not the application's.
func (c *Counter) Monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if skip[e.CommandName] {
			return
		}
		coll := ""
		if v, err := e.Command.LookupErr(e.CommandName); err == nil {
			coll, _ = v.StringValueOK()
		}
		cmd := Command{Name: e.CommandName, Collection: coll}
		if c.keep {
			cmd.Filter, cmd.Sort = filterOf(e.Command)
			cmd.Filter = clone(cmd.Filter)
			cmd.Sort = clone(cmd.Sort)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total++
		c.by[e.CommandName+" "+coll]++
		if c.keep {
			c.commands = append(c.commands, cmd)
		}
	}}
}

// filterOf finds the filter and sort of a command: find's filter and
// sort, count's and distinct's query, findAndModify's query and sort, the
// first update's or delete's q, an aggregate's leading $match and $sort.
func filterOf(cmd bson.Raw) (filter, sort bson.Raw) {
	doc := func(key string) bson.Raw {
		if v, err := cmd.LookupErr(key); err == nil {
			d, _ := v.DocumentOK()
			return d
		}
		return nil
	}
	first := func(key string) bson.Raw {
		v, err := cmd.LookupErr(key)
		if err != nil {
			return nil
		}
		arr, ok := v.ArrayOK()
		if !ok {
			return nil
		}
		vals, _ := arr.Values()
		if len(vals) == 0 {
			return nil
		}
		d, _ := vals[0].DocumentOK()
		return d
	}
	switch {
	case doc("filter") != nil || doc("sort") != nil && doc("query") == nil:
		return doc("filter"), doc("sort")
	case doc("query") != nil:
		return doc("query"), doc("sort")
	}
	if d := first("updates"); d != nil {
		q, _ := d.Lookup("q").DocumentOK()
		return q, nil
	}
	if d := first("deletes"); d != nil {
		q, _ := d.Lookup("q").DocumentOK()
		return q, nil
	}
	if v, err := cmd.LookupErr("pipeline"); err == nil {
		arr, _ := v.ArrayOK()
		stages, _ := arr.Values()
		for _, st := range stages {
			d, _ := st.DocumentOK()
			if m, ok := d.Lookup("$match").DocumentOK(); ok && filter == nil && sort == nil {
				filter = m
				continue
			}
			if so, ok := d.Lookup("$sort").DocumentOK(); ok && sort == nil {
				sort = so
				continue
			}
			break
		}
		if filter == nil {
			filter = bson.Raw{5, 0, 0, 0, 0} // an aggregate without $match reads everything
		}
	}
	return filter, sort
}

// Fan is one command monitor that calls each given one (nil ones skipped).
func Fan(ms ...*event.CommandMonitor) *event.CommandMonitor {
	var live []*event.CommandMonitor
	for _, m := range ms {
		if m != nil {
			live = append(live, m)
		}
	}
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			for _, m := range live {
				if m.Started != nil {
					m.Started(ctx, e)
				}
			}
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			for _, m := range live {
				if m.Succeeded != nil {
					m.Succeeded(ctx, e)
				}
			}
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			for _, m := range live {
				if m.Failed != nil {
					m.Failed(ctx, e)
				}
			}
		},
	}
}

var skip = map[string]bool{"hello": true, "isMaster": true, "ismaster": true, "ping": true, "endSessions": true,
	"saslStart": true, "saslContinue": true, "buildInfo": true, "getLastError": true}

func clone(r bson.Raw) bson.Raw {
	if r == nil {
		return nil
	}
	return append(bson.Raw(nil), r...)
}

// Total is the number of commands counted since the last Reset.
func (c *Counter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// By returns the counts by "command collection", sorted by key.
func (c *Counter) By() []KeyCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]KeyCount, 0, len(c.by))
	for k, n := range c.by {
		out = append(out, KeyCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// KeyCount is one line of By.
type KeyCount struct {
	Key   string
	Count int
}

// Commands returns the kept commands (New(true)) since the last Reset.
func (c *Counter) Commands() []Command {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Command(nil), c.commands...)
}

// Reset starts counting afresh.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total, c.by, c.commands = 0, map[string]int{}, nil
}
