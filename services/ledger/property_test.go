package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/shared/apperr"
	"jinhui/shared/mongostore"
	"jinhui/shared/testenv"
)

// model is a random history of the ledger: entries, corrections, holds,
// restores, resends, rebuilds and compactions, some cut short by a crash.
type model struct {
	t      *testing.T
	f      *testenv.Faults
	db     string
	s      *mongostore.Store
	svc    *ledger.Service
	rnd    *rand.Rand
	visits []string // visit ids with a credit entry
	held   map[string]int
	open   map[string]bool // suspended now
	n      int
}

var root = access.Principal{Kind: access.KindOrganizer, ID: "prop", Name: "测试", Role: access.RoleAdmin, Region: "370000000000", Level: 1}

func (m *model) restart() {
	_ = m.s.Close(context.Background())
	m.s = m.f.Open(m.t, m.db)
	m.svc = ledger.New(m.s, nil)
	m.svc.CompactAbove = 0
}

// crashing runs op with the store stopped after a random number of writes
// (sometimes never), then restarts; it reports whether op finished.
func (m *model) crashing(op func(ctx context.Context, svc *ledger.Service) error) bool {
	limit := 0
	if m.rnd.IntN(3) == 0 {
		limit = 1 + m.rnd.IntN(4)
	}
	ctx, done := m.f.StopAfter(limit)
	err := op(ctx, m.svc)
	done()
	if err != nil && limit == 0 && !apperr.Is(err, apperr.Conflict) {
		m.t.Fatalf("step %d: %v", m.n, err)
	}
	if err != nil {
		m.restart()
	}
	return err == nil
}

func (m *model) entry(kind string) ledger.Entry {
	m.n++
	areas := [][]string{{"370000000000", "370100000000", "370101000000", "370101001000", "370101001001"},
		{"370000000000", "370100000000", "370102000000", "370102001000", "370102001001"}}[m.rnd.IntN(2)]
	month := fmt.Sprintf("2026-%02d", 9+m.rnd.IntN(2))
	e := ledger.Entry{ID: fmt.Sprintf("%s:%d", kind, m.n), Kind: ledger.KindCredit, Areas: areas, Village: areas[4], Date: month + "-10", Month: month,
		Minutes: m.rnd.IntN(300), Source: kind, SourceID: fmt.Sprint(m.n), At: time.Now()}
	switch kind {
	case "visit":
		e.Volunteer, e.Elder = fmt.Sprintf("v%d", m.rnd.IntN(3)), fmt.Sprintf("e%d", m.rnd.IntN(3))
		e.Over4h = e.Minutes > 240
	case "carer":
		e.Kind, e.Carer, e.Minutes = ledger.KindCarer, fmt.Sprintf("c%d", m.rnd.IntN(2)), 5+m.rnd.IntN(100)
	}
	return e
}

// appendOnce appends e, resending after a crash until it went through.
func (m *model) appendOnce(e ledger.Entry) {
	for !m.crashing(func(ctx context.Context, svc *ledger.Service) error { return svc.Append(ctx, e) }) {
	}
	if m.rnd.IntN(4) == 0 { // a resend of something that went through
		m.crashing(func(ctx context.Context, svc *ledger.Service) error { return svc.Append(ctx, e) })
	}
}

// hold suspends or restores a visit's hours the way supervision does.
func (m *model) hold(id string) {
	n := m.held[id]
	if !m.open[id] {
		cur, err := m.svc.Current(context.Background(), "visit:"+id)
		if err != nil {
			return
		}
		e := cur
		e.ID, e.Minutes, e.Reverses, e.Source = fmt.Sprintf("suspend:%s:%d", id, n+1), -cur.Minutes, cur.ID, "check"
		m.appendOnce(e)
		m.held[id], m.open[id] = n+1, true
		return
	}
	sus, err := m.s.LedgerEntry(context.Background(), fmt.Sprintf("suspend:%s:%d", id, n))
	if err != nil {
		m.t.Fatal(err)
	}
	e := sus
	e.ID, e.Minutes, e.Reverses, e.Reinstates = fmt.Sprintf("restore:%s:%d", id, n), -sus.Minutes, sus.ID, true
	m.appendOnce(e)
	m.open[id] = false
}

// check compares every stored total with a recount of the ledger.
func (m *model) check(step string) {
	m.t.Helper()
	ctx := context.Background()
	areas, people, _, _, err := m.svc.Recount(ctx)
	if err != nil {
		m.t.Fatal(err)
	}
	wantA, wantP := map[string]map[string]ledger.Sums{}, map[string]map[string]ledger.Sums{}
	for _, a := range areas {
		if ms := nonZero(a.Months); len(ms) > 0 {
			wantA[a.ID] = ms
		}
	}
	for _, p := range people {
		if ms := nonZero(p.Months); len(ms) > 0 {
			wantP[p.ID] = ms
		}
	}
	gotA, gotP, err := m.s.AllTotals(ctx)
	if err != nil {
		m.t.Fatal(err)
	}
	for k, ms := range gotA {
		if ms = nonZero(ms); len(ms) > 0 {
			gotA[k] = ms
		} else {
			delete(gotA, k)
		}
	}
	for k, ms := range gotP {
		if ms = nonZero(ms); len(ms) > 0 {
			gotP[k] = ms
		} else {
			delete(gotP, k)
		}
	}
	if !reflect.DeepEqual(gotA, wantA) || !reflect.DeepEqual(gotP, wantP) {
		m.t.Fatalf("after %s (step %d): totals differ from a rebuild\nareas got  %v\nareas want %v\npeople got  %v\npeople want %v", step, m.n, gotA, wantA, gotP, wantP)
	}
}

// TestTotalsEqualRebuild (rules V6, R1): after any random sequence of
// entries, corrections, holds, restores, resends, rebuilds and
// compactions, some cut short by a crash at a random write, every total
// equals what a rebuild from the ledger gives.
func TestTotalsEqualRebuild(t *testing.T) {
	f := testenv.NewFaults(t)
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			m := &model{t: t, f: f, db: fmt.Sprintf("prop_%d", seed), rnd: rand.New(rand.NewPCG(seed, 99)), held: map[string]int{}, open: map[string]bool{}}
			m.s = f.Open(t, m.db)
			m.svc = ledger.New(m.s, nil)
			m.svc.CompactAbove = 0
			for range 60 {
				step := ""
				switch r := m.rnd.IntN(20); {
				case r < 6 || len(m.visits) == 0:
					e := m.entry("visit")
					m.appendOnce(e)
					m.visits = append(m.visits, e.SourceID)
					step = "visit entry"
				case r < 9:
					m.appendOnce(m.entry("carer"))
					step = "carer log"
				case r < 11:
					id := m.visits[m.rnd.IntN(len(m.visits))]
					cur, err := m.svc.Current(context.Background(), "visit:"+id)
					if err != nil || m.open[id] {
						continue
					}
					min := m.rnd.IntN(200)
					for !m.crashing(func(ctx context.Context, svc *ledger.Service) error {
						_, err := svc.Correct(ctx, root, cur.ID, ledger.CorrectInput{Minutes: min, Reason: "更正"})
						return err
					}) {
					}
					step = "correction"
				case r < 15:
					m.hold(m.visits[m.rnd.IntN(len(m.visits))])
					step = "hold or restore"
				case r < 17:
					m.crashing(func(ctx context.Context, svc *ledger.Service) error { _, err := svc.Rebuild(ctx); return err })
					step = "rebuild (maybe cut short)"
				default:
					m.crashing(func(ctx context.Context, svc *ledger.Service) error { _, err := svc.Compact(ctx); return err })
					step = "compaction (maybe cut short)"
				}
				m.check(step)
			}
			if _, err := m.svc.Rebuild(context.Background()); err != nil && !apperr.Is(err, apperr.Conflict) {
				t.Fatal(err)
			}
			m.check("final rebuild")
		})
	}
}
