// Command ledgerbench measures the ledger issue's figures on the embedded
// store (as `make run` uses it): it loads the full-scale demo (10,288
// elders, 21,087 volunteers, two volunteers per elder) and one year of
// ledger (about 250,000 entries), rebuilds all totals, appends entries
// one by one as check-outs do, checks the totals against a recount, and
// times the province's headline figures with a drill-down to a village.
//
//	go run ./services/cmd/ledgerbench
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"reflect"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/services/stats"
	"jinhui/shared/embedded"
	"jinhui/shared/mongostore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ledgerbench:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "jinhui-ledgerbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	m, err := embedded.StartMongo(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer m.Stop()
	s, err := mongostore.Open(ctx, m.URI, "jinhui", true)
	if err != nil {
		return err
	}
	if err := m.IndexIDs(ctx); err != nil {
		return err
	}
	defer s.Close(ctx)

	t0 := time.Now()
	set, err := demo.Generate(demo.Full, 2017, time.Now())
	if err != nil {
		return err
	}
	if err := demo.Load(ctx, s, set); err != nil {
		return err
	}
	// Two volunteers of the same county per elder (the pairing service's
	// output, written directly).
	byCounty := map[string][]registry.Volunteer{}
	for _, v := range set.Volunteers {
		c := registry.AncestorAt(v.Village, registry.County)
		byCounty[c] = append(byCounty[c], v)
	}
	type pair struct {
		elder registry.Elder
		vols  []registry.Volunteer
	}
	var pairs []any
	var paired []pair
	next := map[string]int{}
	for _, e := range set.Elders {
		c := registry.AncestorAt(e.Village, registry.County)
		vs := byCounty[c]
		p := pair{elder: e}
		for slot := 0; slot < 2 && len(vs) > 1; slot++ {
			v := vs[next[c]%len(vs)]
			next[c]++
			p.vols = append(p.vols, v)
			pairs = append(pairs, bson.D{{Key: "_id", Value: fmt.Sprintf("%s.%d.1", e.ID, slot)}, {Key: "elder", Value: e.ID}, {Key: "areas", Value: e.Areas},
				{Key: "slot", Value: slot}, {Key: "volunteer", Value: v.ID}, {Key: "volunteerName", Value: v.Name}, {Key: "status", Value: "active"}})
		}
		if len(p.vols) > 0 {
			paired = append(paired, p)
		}
	}
	for i := 0; i < len(pairs); i += 5000 {
		if _, err := s.DB.Collection("pairs").InsertMany(ctx, pairs[i:min(i+5000, len(pairs))]); err != nil {
			return err
		}
	}
	fmt.Printf("demo load           %.1f s (%d elders, %d volunteers, %d carers, %d pairs)\n", time.Since(t0).Seconds(), len(set.Elders), len(set.Volunteers), len(set.Carers), len(pairs))

	// One year of ledger: two visits a month per paired elder, some honour hours.
	rng := rand.New(rand.NewPCG(1, 2))
	months := []string{}
	for t := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC); len(months) < 12; t = t.AddDate(0, 1, 0) {
		months = append(months, t.Format("2006-01"))
	}
	now := time.Now()
	var entries []ledger.Entry
	for _, mo := range months {
		for _, p := range paired {
			for n := 0; n < 2; n++ {
				v := p.vols[n%len(p.vols)]
				min := 60 + rng.IntN(240)
				date := fmt.Sprintf("%s-%02d", mo, 1+rng.IntN(28))
				entries = append(entries, ledger.Entry{ID: fmt.Sprintf("visit:%s:%s:%d", p.elder.ID, mo, n+1), Kind: ledger.KindCredit, Volunteer: v.ID,
					Elder: p.elder.ID, Areas: p.elder.Areas, Village: p.elder.Village, Date: date, Month: mo, Minutes: min, Over4h: min > 240,
					Items: []string{"chat", "housework", "hygiene", "health"}, Source: "visit", SourceID: fmt.Sprintf("%s:%s:%d", p.elder.ID, mo, n+1), By: v.ID, ByName: v.Name, At: now})
			}
		}
	}
	for i := 0; len(entries) < 250000; i++ {
		v := set.Volunteers[rng.IntN(len(set.Volunteers))]
		mo := months[rng.IntN(len(months))]
		entries = append(entries, ledger.Entry{ID: fmt.Sprintf("honour:bench-%d", i), Kind: ledger.KindHonour, Volunteer: v.ID, Areas: v.Areas, Village: v.Village,
			Date: mo + "-15", Month: mo, Minutes: 30 + rng.IntN(120), Source: "organizer", SourceID: fmt.Sprint(i), Reason: "平台启用前的服务", By: "bench", ByName: "bench", Approver: "县团委", At: now})
	}
	t0 = time.Now()
	for i := 0; i < len(entries); i += 5000 {
		if _, err := s.InsertLedgerEntries(ctx, entries[i:min(i+5000, len(entries))]); err != nil {
			return err
		}
	}
	fmt.Printf("ledger load         %.1f s (%d entries, %s to %s)\n", time.Since(t0).Seconds(), len(entries), months[0], months[11])

	mongostore.LedgerTrace = func(step string, took time.Duration) {
		fmt.Printf("  rebuild step: %-28s %.1f s\n", step, took.Seconds())
	}
	svc := ledger.New(s, nil)
	res, err := svc.Rebuild(ctx)
	if err != nil {
		return err
	}
	mongostore.LedgerTrace = nil
	fmt.Printf("rebuild all totals  %.1f s (count %.1f s, write %.1f s; %d entries, %d area documents, %d person documents)\n", res.Took.Seconds(),
		res.Count.Seconds(), res.Write.Seconds(), res.Entries, res.Areas, res.People)

	// Appends as check-outs make them (entry insert, then its totals delta)
	// and a retry of each (counts once).
	const appends = 20
	var tRecord, tApply, tRetry time.Duration
	for i := 0; i < appends; i++ {
		p := paired[rng.IntN(len(paired))]
		e := ledger.Entry{ID: fmt.Sprintf("visit:bench-append-%d", i), Kind: ledger.KindCredit, Volunteer: p.vols[0].ID, Elder: p.elder.ID, Areas: p.elder.Areas,
			Village: p.elder.Village, Date: months[11] + "-20", Month: months[11], Minutes: 90, Source: "visit", SourceID: fmt.Sprint(i), By: "bench", At: now}
		t0 = time.Now()
		if err := s.RecordEntry(ctx, e); err != nil {
			return err
		}
		t1 := time.Now()
		if err := svc.Apply(ctx, e); err != nil {
			return err
		}
		t2 := time.Now()
		if err := svc.Append(ctx, e); err != nil { // a retry: counts once
			return err
		}
		tRecord, tApply, tRetry = tRecord+t1.Sub(t0), tApply+t2.Sub(t1), tRetry+time.Since(t2)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / appends }
	fmt.Printf("append              entry insert %.1f ms, totals delta %.1f ms, retry %.1f ms (means of %d)\n", ms(tRecord), ms(tApply), ms(tRetry), appends)

	// The province's figures and a drill-down, from the totals only.
	prov := access.Principal{Kind: access.KindOrganizer, ID: "bench", Name: "bench", Role: access.RoleAdmin, Region: "370000000000", Level: int(registry.Province)}
	st := stats.New(s)
	q := stats.Query{Area: "370000000000", From: months[0], To: months[11]}
	t0 = time.Now()
	rep, err := st.Report(ctx, prov, q)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	a := rep.Area
	fmt.Printf("province figures    %.0f ms (%d child areas, %d months)\n", float64(took.Microseconds())/1000, len(rep.Children), len(rep.Months))
	fmt.Printf("  villages taking part %d, volunteers %d, pairs %d, elders %d (covered %d), visits %d, credit hours %.0f, honour hours %.0f, over 4 h %d, carers %d\n",
		a.Villages, a.Volunteers, a.Pairs, a.Elders, a.Covered, a.Visits, a.CreditHours, a.HonourHours, a.Over4h, a.Carers)
	area := rep
	for _, lvl := range []string{"city", "county", "township", "village"} {
		if len(area.Children) == 0 {
			break
		}
		q.Area = area.Children[0].Code
		t0 = time.Now()
		area, err = st.Report(ctx, prov, q)
		if err != nil {
			return err
		}
		fmt.Printf("drill-down %-9s%.0f ms (%s %s: visits %d, credit hours %.0f, %d child areas)\n", lvl, float64(time.Since(t0).Microseconds())/1000,
			area.Area.Code, area.Area.Name, area.Area.Visits, area.Area.CreditHours, len(area.Children))
	}
	q.Area = "370000000000"
	t0 = time.Now()
	b, _, err := st.Export(ctx, prov, q)
	if err != nil {
		return err
	}
	fmt.Printf("province xlsx       %.0f ms (%d bytes)\n", float64(time.Since(t0).Microseconds())/1000, len(b))

	// The totals equal a recount from the ledger (which scans it).
	t0 = time.Now()
	areas, _, _, _, err := svc.Recount(ctx)
	if err != nil {
		return err
	}
	scan := time.Since(t0)
	stored, err := s.AreaTotals(ctx, []string{"370000000000"})
	if err != nil {
		return err
	}
	for _, t := range areas {
		if t.ID == "370000000000" {
			if !reflect.DeepEqual(t.Months, stored["370000000000"].Months) {
				return fmt.Errorf("province totals differ from a recount")
			}
			fmt.Printf("recount (scans the ledger) %.1f s: province totals equal the recount\n", scan.Seconds())
		}
	}
	return nil
}
