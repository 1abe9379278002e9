package pairing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jinhui/services/pairing"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
)

const countyA = "370101000000"

type world struct {
	t    *testing.T
	h    *platformtest.Harness
	szq  string
	vols map[string]registry.Volunteer // every volunteer by id, phones unmasked
	n    int
}

func newWorld(t *testing.T) *world {
	h := platformtest.New(t)
	w := &world{t: t, h: h, szq: h.Login("szq"), vols: map[string]registry.Volunteer{}}
	for _, v := range h.Set.Volunteers {
		w.vols[v.ID] = v
	}
	return w
}

func (w *world) do(method, path, tok string, body any, want int) platformtest.Response {
	w.t.Helper()
	r := w.h.Do(method, path, tok, body)
	if r.Status != want {
		w.t.Fatalf("%s %s: %d %s, want %d", method, path, r.Status, r.Body, want)
	}
	return r
}

// refused asserts a 4xx answer naming field.
func (w *world) refused(method, path, tok string, body any, status int, field string) {
	w.t.Helper()
	r := w.do(method, path, tok, body, status)
	if field != "" {
		if got := r.ErrorField(w.t); got != field {
			w.t.Fatalf("%s %s: refused on %q, want %q: %s", method, path, got, field, r.Body)
		}
	}
}

// volunteer registers a volunteer of a type in a village of county A.
func (w *world) volunteer(typ, village string, capacity int) registry.Volunteer {
	w.t.Helper()
	w.n++
	in := map[string]any{"name": fmt.Sprintf("测试%s%d", typ[:2], w.n), "idNumber": pii.CompleteResidentID(fmt.Sprintf("37010120000101%03d", w.n)),
		"phone": fmt.Sprintf("1370000%04d", w.n), "type": typ, "village": village, "capacity": capacity, "sourceKind": "individual",
		"skills": []string{"medical", "counselling"}, "availability": []map[string]any{{"day": 6, "from": "09:00", "to": "17:00"}}}
	var v registry.Volunteer
	w.do("POST", "/api/volunteers", w.szq, in, 201).JSON(w.t, &v)
	v.Phone = fmt.Sprintf("+861370000%04d", w.n)
	w.vols[v.ID] = v
	return v
}

func (w *world) settings(policy string, auto bool) pairing.Settings {
	w.t.Helper()
	var cur pairing.Settings
	w.do("GET", "/api/pairing/settings/"+countyA, w.szq, nil, 200).JSON(w.t, &cur)
	in := map[string]any{"policy": policy, "silentDays": 45, "relayLimitDays": 14, "autoConfirmRelay": auto, "version": cur.Version}
	var st pairing.Settings
	w.do("PUT", "/api/pairing/settings/"+countyA, w.szq, in, 200).JSON(w.t, &st)
	if st.Policy.Name != policy || st.Version != cur.Version+1 {
		w.t.Fatalf("settings saved as %+v", st)
	}
	return st
}

func (w *world) propose(body map[string]any) pairing.Proposal {
	w.t.Helper()
	var p pairing.Proposal
	w.do("POST", "/api/pairing/proposals", w.szq, body, 201).JSON(w.t, &p)
	return p
}

func (w *world) activeElder(village string) registry.Elder {
	for _, e := range w.h.Set.Elders {
		if e.Village == village && e.Status == registry.StatusActive {
			return e
		}
	}
	w.t.Fatalf("no active elder in %s", village)
	return registry.Elder{}
}

// checkItems asserts that every item of p is filled by a volunteer that
// fits the slot's role and constraint (rule P3), none twice per elder.
func (w *world) checkItems(p pairing.Proposal, st pairing.Settings) {
	w.t.Helper()
	slots := st.Policy.Expand()
	seen := map[string]bool{}
	for _, it := range p.Items {
		if it.Volunteer == "" {
			w.t.Fatalf("slot %d (%s) of %s left open: %s", it.Slot, it.Role, it.ElderName, it.Error)
		}
		v := w.vols[it.Volunteer]
		rule := slots[it.Slot]
		if rule.Role != pairing.RoleAny && v.Type != rule.Role {
			w.t.Errorf("slot %d asks for %s, got %s", it.Slot, rule.Role, v.Type)
		}
		if rule.SameVillage && v.Village != it.Village {
			w.t.Errorf("slot %d asks for the elder's village %s, got %s", it.Slot, it.Village, v.Village)
		}
		if seen[it.Elder+v.ID] {
			w.t.Errorf("%s twice on %s", v.ID, it.Elder)
		}
		seen[it.Elder+v.ID] = true
		if it.Explanation.Text == "" || it.Explanation.NeedsMet == nil {
			w.t.Errorf("item without explanation: %+v", it)
		}
	}
}

func TestPoliciesPinsForbidsShortage(t *testing.T) {
	w := newWorld(t)
	village, other := "370101001001", "370101002001"
	e := w.activeElder(village)
	w.volunteer(registry.TypeNeighbour, village, 2)
	w.volunteer(registry.TypeUrban, other, 2)
	for range 3 {
		w.volunteer(registry.TypeGroup, other, 2)
	}
	doctor := w.volunteer(registry.TypeDoctor, other, 2)
	w.volunteer(registry.TypePsychologist, other, 2)

	for _, tc := range []struct {
		policy string
		slots  int
	}{{"default", 2}, {"liaocheng", 2}, {"yutai", 5}} {
		t.Run(tc.policy, func(t *testing.T) {
			st := w.settings(tc.policy, false)
			p := w.propose(map[string]any{"region": village, "elders": []string{e.ID}})
			if len(p.Items) != tc.slots || p.Filled != tc.slots || p.Unfilled != 0 {
				t.Fatalf("%s: %d items, %d filled, %d open", tc.policy, len(p.Items), p.Filled, p.Unfilled)
			}
			w.checkItems(p, st)
		})
	}

	t.Run("PinsAndForbids", func(t *testing.T) {
		w.settings("default", false)
		p := w.propose(map[string]any{"region": village, "elders": []string{e.ID}})
		first := p.Items[0].Volunteer
		if first == doctor.ID {
			first = p.Items[1].Volunteer
		}
		w.refused("POST", "/api/pairing/rules", w.szq, map[string]any{"kind": "forbid", "elder": e.ID, "volunteer": first}, 400, "reason")
		w.refused("POST", "/api/pairing/rules", w.szq, map[string]any{"kind": "ban", "elder": e.ID, "volunteer": first, "reason": "xx"}, 400, "kind")
		var forbid, pin pairing.Rule
		w.do("POST", "/api/pairing/rules", w.szq, map[string]any{"kind": "forbid", "elder": e.ID, "volunteer": first, "reason": "家属反映不合适"}, 201).JSON(t, &forbid)
		w.do("POST", "/api/pairing/rules", w.szq, map[string]any{"kind": "pin", "elder": e.ID, "volunteer": doctor.ID, "reason": "老人需要医生定期随访"}, 201).JSON(t, &pin)
		w.refused("POST", "/api/pairing/rules", w.szq, map[string]any{"kind": "pin", "elder": e.ID, "volunteer": doctor.ID, "reason": "重复"}, 400, "volunteer")
		p = w.propose(map[string]any{"region": village, "elders": []string{e.ID}})
		pinned := false
		for _, it := range p.Items {
			if it.Volunteer == first {
				t.Errorf("forbidden volunteer proposed")
			}
			if it.Volunteer == doctor.ID && it.Explanation.Pinned == "老人需要医生定期随访" {
				pinned = true
			}
		}
		if !pinned {
			t.Errorf("pinned doctor not proposed: %+v", p.Items)
		}
		w.do("POST", "/api/pairing/rules/"+pin.ID+"/revoke", w.szq, map[string]any{"reason": "不再需要", "version": pin.Version}, 200)
		w.do("POST", "/api/pairing/rules/"+forbid.ID+"/revoke", w.szq, map[string]any{"reason": "误会已澄清", "version": forbid.Version}, 200)
	})

	t.Run("ShortageCoverageFirst", func(t *testing.T) {
		w.settings("yutai", false)
		p := w.propose(map[string]any{"region": countyA})
		elders := map[string]bool{}
		for _, it := range p.Items {
			elders[it.Elder] = true
			if it.Volunteer == "" && (it.State != pairing.ItemOpen || it.Error == "") {
				t.Errorf("open slot without reason: %+v", it)
			}
		}
		if p.Unfilled == 0 || p.Filled+p.Unfilled != 5*len(elders) || len(p.Items) != 5*len(elders) {
			t.Fatalf("shortage: %d elders, %d filled, %d open", len(elders), p.Filled, p.Unfilled)
		}
		// Coverage first: each of the test's group members and the doctor and
		// psychologist serves up to its capacity, so the doctors and
		// psychologists of the county are all used before any slot of theirs stays open.
		used := map[string]int{}
		for _, it := range p.Items {
			if it.Volunteer != "" {
				used[it.Volunteer]++
			}
		}
		open := map[string]int{}
		for _, it := range p.Items {
			if it.Volunteer == "" {
				open[it.Role]++
			}
		}
		for id, v := range w.vols {
			if registry.AncestorAt(v.Village, registry.County) == countyA && open[v.Type] > 0 && used[id] < v.Capacity && v.Status == registry.VolActive {
				t.Errorf("%s slots left open while %s (%s) has room", v.Type, v.Name, id)
			}
		}
	})

	t.Run("Refusals", func(t *testing.T) {
		w.refused("PUT", "/api/pairing/settings/"+countyA, w.szq, map[string]any{"policy": "default", "silentDays": 3, "relayLimitDays": 14, "version": 0}, 400, "silentDays")
		w.refused("PUT", "/api/pairing/settings/"+countyA, w.szq, map[string]any{"policy": "custom", "slots": []map[string]any{{"role": "any", "count": 1}}, "silentDays": 45, "relayLimitDays": 14, "version": 4}, 400, "slots")
		w.refused("PUT", "/api/pairing/settings/"+countyA, w.szq, map[string]any{"policy": "default", "silentDays": 45, "relayLimitDays": 14, "version": 1}, 409, "")
		w.refused("PUT", "/api/pairing/settings/"+countyA, w.h.Login("cgz"), map[string]any{"policy": "default", "silentDays": 45, "relayLimitDays": 14, "version": 5}, 403, "")
		w.refused("PUT", "/api/pairing/settings/"+countyA, w.szq, map[string]any{"policy": "default", "silentDays": 45, "relayLimitDays": 14, "version": 5, "extra": 1}, 400, "extra")
		w.refused("POST", "/api/pairing/proposals", w.szq, map[string]any{"region": "370100000000"}, 400, "region")
		w.refused("POST", "/api/pairing/proposals", w.szq, map[string]any{"region": "370102000000"}, 400, "region")
		w.refused("POST", "/api/pairing/proposals", w.szq, map[string]any{"region": village, "elders": []string{"nobody"}}, 400, "elders[0]")
		w.refused("POST", "/api/pairing/proposals", w.h.Login("szqdudao"), map[string]any{"region": village}, 403, "")
		var list struct{ Items []pairing.Proposal }
		w.do("GET", "/api/pairing/proposals", w.szq, nil, 200).JSON(t, &list)
		if len(list.Items) == 0 {
			t.Fatal("no stored proposals")
		}
		w.do("GET", "/api/pairing/proposals/"+list.Items[0].ID, w.h.Login("linxian"), nil, 404)
		w.do("GET", "/api/pairing/settings/370102000000", w.szq, nil, 404)
	})
}

func TestRelay(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for range 4 {
		w.volunteer(registry.TypeUrban, "370101002002", 2)
	}
	st := w.settings("default", false)
	p := w.propose(map[string]any{"region": countyA})
	if p.Filled == 0 {
		t.Fatalf("nothing proposed: %+v", p)
	}
	w.refused("POST", "/api/pairing/proposals/"+p.ID+"/confirm", w.szq, map[string]any{"version": p.Version, "items": []int{len(p.Items)}}, 400, "items[0]")
	var res pairing.ConfirmResult
	w.do("POST", "/api/pairing/proposals/"+p.ID+"/confirm", w.szq, map[string]any{"version": p.Version}, 200).JSON(t, &res)
	if res.Confirmed == 0 || res.Failed != 0 {
		t.Fatalf("confirmed %d, failed %d: %+v", res.Confirmed, res.Failed, res.Proposal.Items)
	}
	w.refused("POST", "/api/pairing/proposals/"+p.ID+"/confirm", w.szq, map[string]any{"version": p.Version}, 409, "")

	// Pick an elder with all slots filled and one of its volunteers.
	var pairs struct{ Items []pairing.Pair }
	w.do("GET", "/api/pairs?area="+countyA+"&status=active", w.szq, nil, 200).JSON(t, &pairs)
	count := map[string]int{}
	for _, pr := range pairs.Items {
		count[pr.Elder]++
		if pr.By == "" || pr.At.IsZero() || pr.StartDate != clock.Today(time.Now()) {
			t.Errorf("pair without who/when: %+v", pr)
		}
	}
	var out pairing.Pair
	for _, pr := range pairs.Items {
		if count[pr.Elder] == 2 {
			out = pr
			break
		}
	}
	if out.ID == "" {
		t.Fatal("no fully paired elder")
	}
	elderID, leaver := out.Elder, w.vols[out.Volunteer]
	msgs, _, err := w.h.P.Store.Messages(ctx, "", 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	texted := false
	for _, m := range msgs {
		if m.ID == "pair:"+out.ID && m.To == leaver.Phone && strings.Contains(m.Body, "日前") && strings.Contains(m.Body, "首次探访") {
			texted = true
		}
	}
	if !texted {
		t.Errorf("no pairing SMS to %s for %s", leaver.Phone, out.ID)
	}

	// The outgoing volunteer sees own pairs only, and writes handover notes.
	vt := w.h.PhoneLogin(leaver.Phone, "volunteer")
	var mine struct{ Items []pairing.Pair }
	w.do("GET", "/api/pairs?area="+countyA, vt, nil, 200).JSON(t, &mine)
	for _, pr := range mine.Items {
		if pr.Volunteer != leaver.ID {
			t.Errorf("volunteer sees another's pair %s", pr.ID)
		}
	}
	w.do("GET", "/api/elders/"+elderID, vt, nil, 200)
	notes := map[string]any{"notes": map[string]any{"preferences": "喜欢听吕剧", "risks": "高血压, 注意防跌倒", "whatWorked": "先拉家常再干活"}}
	w.do("PUT", "/api/pairs/"+out.ID+"/notes", vt, notes, 200)
	w.refused("PUT", "/api/pairs/"+out.ID+"/notes", vt, map[string]any{"notes": map[string]any{"risks": strings.Repeat("险", 501)}}, 400, "notes.risks")

	// The volunteer leaves: the slot opens and the elder enters the relay queue.
	var v registry.Volunteer
	w.do("GET", "/api/volunteers/"+leaver.ID, w.szq, nil, 200).JSON(t, &v)
	w.do("POST", "/api/volunteers/"+leaver.ID+"/status", w.szq,
		map[string]any{"status": "left", "date": clock.Today(time.Now()), "reason": "毕业离开本县", "version": v.Version}, 200)
	var relays struct{ Items []pairing.Relay }
	w.do("GET", "/api/relays?area="+countyA, w.szq, nil, 200).JSON(t, &relays)
	var r pairing.Relay
	for _, x := range relays.Items {
		if x.Elder == elderID {
			r = x
		}
	}
	if r.ID == "" || r.Status != pairing.RelayOpen || r.Outgoing != out.ID || r.OpenedDate != clock.Today(time.Now()) || r.Reason != pairing.ReasonVolunteerLeft {
		t.Fatalf("relay not opened: %+v", r)
	}
	if r.Proposal == nil || r.Proposal.Volunteer == leaver.ID || r.Proposal.Explanation.Text == "" {
		t.Fatalf("no successor proposed: %+v %s", r.Proposal, r.ProposalNote)
	}
	w.do("GET", "/api/elders/"+elderID, vt, nil, 401) // a volunteer who left has no session (issue 13)
	var cv pairing.Coverage
	w.do("GET", "/api/pairing/coverage?region="+countyA, w.szq, nil, 200).JSON(t, &cv)
	if cv.Total.InRelay == 0 || len(cv.Relays) == 0 {
		t.Fatalf("coverage does not show the relay: %+v", cv.Total)
	}

	// Confirmation: the successor takes the slot, with the handover.
	w.refused("POST", "/api/relays/"+r.ID+"/confirm", w.szq, map[string]any{"version": r.Version, "jointVisit": "2026-13-01"}, 400, "jointVisit")
	w.refused("POST", "/api/relays/"+r.ID+"/confirm", w.szq, map[string]any{"version": r.Version, "volunteer": leaver.ID}, 400, "reason")
	w.do("POST", "/api/relays/"+r.ID+"/confirm", w.h.Login("linxian"), map[string]any{"version": r.Version}, 404)
	joint := clock.Today(time.Now().AddDate(0, 0, 3))
	var ho pairing.Handover
	w.do("POST", "/api/relays/"+r.ID+"/confirm", w.szq, map[string]any{"version": r.Version, "jointVisit": joint}, 200).JSON(t, &ho)
	succ := w.vols[r.Proposal.Volunteer]
	if ho.From != leaver.ID || ho.To != succ.ID || ho.Notes.Preferences != "喜欢听吕剧" || ho.JointVisit != joint || ho.ToPair != r.ID || ho.FromPair != out.ID {
		t.Fatalf("handover %+v", ho)
	}
	w.refused("POST", "/api/relays/"+r.ID+"/confirm", w.szq, map[string]any{"version": r.Version + 1}, 409, "")
	var now struct{ Items []pairing.Pair }
	w.do("GET", "/api/pairs?elder="+elderID+"&status=active", w.szq, nil, 200).JSON(t, &now)
	if len(now.Items) != 2 {
		t.Fatalf("elder has %d active pairs after relay", len(now.Items))
	}
	var ended pairing.Pair
	w.do("GET", "/api/pairs/"+out.ID, w.szq, nil, 200).JSON(t, &ended)
	if ended.Status != pairing.PairEnded || ended.EndKind != pairing.ReasonVolunteerLeft || ended.Notes.Risks == "" {
		t.Fatalf("outgoing pair not kept in history: %+v", ended)
	}
	st2 := w.h.PhoneLogin(succ.Phone, "volunteer")
	var hs struct{ Items []pairing.Handover }
	w.do("GET", "/api/handovers", st2, nil, 200).JSON(t, &hs)
	if len(hs.Items) != 1 || hs.Items[0].ID != ho.ID {
		t.Fatalf("successor's handovers: %+v", hs.Items)
	}
	w.do("GET", "/api/handovers/"+ho.ID, vt, nil, 401) // the outgoing volunteer left: no session any more (issue 13)
	w.do("GET", "/api/elders/"+elderID, st2, nil, 200)
	msgs, _, _ = w.h.P.Store.Messages(ctx, "", 0, 500)
	texted = false
	for _, m := range msgs {
		if m.ID == "pair:"+r.ID && m.To == succ.Phone && strings.Contains(m.Body, "接力") && strings.Contains(m.Body, joint) {
			texted = true
		}
	}
	if !texted {
		t.Errorf("no relay SMS to the successor")
	}
	var closed pairing.Relay
	w.do("GET", "/api/relays/"+r.ID, w.szq, nil, 200).JSON(t, &closed)
	if closed.Status != pairing.RelayFilled || closed.Successor != r.ID {
		t.Fatalf("relay not closed: %+v", closed)
	}

	// The invariant: after the daily check every active elder of the county
	// has its slots filled or is in the relay queue.
	w.refused("POST", "/api/pairing/check", w.szq, nil, 403, "")
	w.do("POST", "/api/pairing/check", w.h.Login("admin"), nil, 200)
	w.do("GET", "/api/pairing/coverage?region="+countyA, w.szq, nil, 200).JSON(t, &cv)
	if len(cv.Uncovered) != 0 || cv.Total.Uncovered != 0 || cv.Total.Elders != cv.Total.FullyPaired+cv.Total.InRelay {
		t.Fatalf("invariant broken: %+v uncovered %v", cv.Total, cv.Uncovered)
	}
	if cv.Total.Elders == 0 || len(cv.Rows) != 2 {
		t.Fatalf("coverage rows: %+v", cv)
	}

	// Auto-confirmed relay: an organizer ends a pair; the county confirms relays itself.
	w.settings(st.Policy.Name, true)
	other := now.Items[0]
	if other.Volunteer == succ.ID {
		other = now.Items[1]
	}
	var auto pairing.Relay
	w.do("POST", "/api/pairs/"+other.ID+"/end", w.szq, map[string]any{"reason": "志愿者工作调动"}, 200).JSON(t, &auto)
	if auto.Status != pairing.RelayFilled {
		t.Fatalf("auto relay not filled: %+v", auto)
	}
	var ah pairing.Handover
	w.do("GET", "/api/handovers/"+auto.ID, w.szq, nil, 200).JSON(t, &ah)
	if !ah.Auto || ah.From != other.Volunteer {
		t.Fatalf("auto handover %+v", ah)
	}

	// An elder who dies leaves the programme: pairs end, no relay.
	var e registry.Elder
	w.do("GET", "/api/elders/"+elderID, w.szq, nil, 200).JSON(t, &e)
	w.do("POST", "/api/elders/"+elderID+"/status", w.szq, map[string]any{"status": "deceased", "date": clock.Today(time.Now()), "reason": "病故", "version": e.Version}, 200)
	w.do("GET", "/api/pairs?elder="+elderID+"&status=active", w.szq, nil, 200).JSON(t, &now)
	if len(now.Items) != 0 {
		t.Fatalf("deceased elder keeps %d pairs", len(now.Items))
	}
	var gone registry.Elder
	w.do("GET", "/api/elders/"+elderID, w.szq, nil, 200).JSON(t, &gone)
	if len(gone.Volunteers) != 0 || gone.Status != registry.StatusDeceased {
		t.Fatalf("deceased elder keeps volunteers %v", gone.Volunteers)
	}
}
