package supervise_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/services/ledger"
	"jinhui/services/notify"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/services/visit/visittest"
	"jinhui/shared/clock"
)

const countyA = "370101000000"

type world struct {
	h      *platformtest.Harness
	clk    *visittest.Clock
	month  string
	elders []registry.Elder
	vols   []registry.Volunteer
	visits map[string]visit.Visit // by elder
	toks   map[string]string      // volunteers' logins, by phone
}

// login logs a volunteer in once (a second code within a minute is refused).
func (w *world) login(phone string) string {
	if w.toks[phone] == "" {
		w.toks[phone] = w.h.PhoneLogin(phone, "volunteer")
	}
	return w.toks[phone]
}

// setup pairs every active elder of county A with a volunteer and plans
// one visit each this month, on a settable clock.
func setup(t *testing.T) *world {
	t.Helper()
	h := platformtest.New(t)
	now := time.Now().In(clock.Shanghai)
	start := time.Date(now.Year(), now.Month(), 10, 9, 0, 0, 0, clock.Shanghai)
	w := &world{h: h, clk: visittest.NewClock(start), month: start.Format("2006-01"), visits: map[string]visit.Visit{}, toks: map[string]string{}}
	h.P.Visits.Now, h.P.Visits.Queue, h.P.SMS.Now, h.P.Supervise.Now = w.clk.Now, &visittest.Queue{}, w.clk.Now, w.clk.Now
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, countyA) && v.Status == registry.VolActive {
			w.vols = append(w.vols, v)
		}
	}
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, countyA) && e.Status == registry.StatusActive {
			w.elders = append(w.elders, e)
		}
	}
	sort.Slice(w.elders, func(i, j int) bool { return w.elders[i].ID < w.elders[j].ID })
	var vs []visit.Visit
	for i, e := range w.elders {
		vol := w.vols[i%len(w.vols)]
		pair := visittest.Pair(t, h.P.Store, e, 0, vol)
		v := visit.Visit{ID: e.ID + ":" + w.month + ":1", Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas, County: countyA,
			ElderLat: e.Lat, ElderLon: e.Lon, Month: w.month, N: 1, Date: start.Format(time.DateOnly), Volunteer: vol.ID, VolunteerName: vol.Name,
			Pair: pair, People: []string{vol.ID}, Status: visit.StatusPlanned, Checklist: append([]visit.Item{}, visit.FiveOnes...),
			Changes: []visit.Change{}, Version: 1, CreatedAt: start, UpdatedAt: start}
		vs = append(vs, v)
		w.visits[e.ID] = v
	}
	if _, err := h.P.Store.InsertVisits(context.Background(), vs); err != nil {
		t.Fatal(err)
	}
	if len(w.elders) < 6 {
		t.Fatalf("test data: %d elders in county A", len(w.elders))
	}
	return w
}

// visit checks the volunteer of elder i in and out through the API.
func (w *world) visit(t *testing.T, i int, minutes int) visit.Visit {
	t.Helper()
	v := w.visits[w.elders[i].ID]
	var vol registry.Volunteer
	for _, x := range w.vols {
		if x.ID == v.Volunteer {
			vol = x
		}
	}
	tok := w.login(vol.Phone)
	at := w.clk.Now()
	if r := w.h.Do("POST", "/api/visits/"+v.ID+"/checkin", tok, map[string]any{"key": "in-" + v.ID}); r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	w.clk.Set(at.Add(time.Duration(minutes) * time.Minute))
	var out visit.Visit
	r := w.h.Do("POST", "/api/visits/"+v.ID+"/checkout", tok, map[string]any{"key": "out-" + v.ID, "items": []string{"chat", "housework", "hygiene"}})
	if r.Status != 200 {
		t.Fatalf("check-out: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &out)
	w.clk.Set(at.Add(time.Duration(minutes+5) * time.Minute))
	return out
}

// minutes sums a visit's credit in the ledger: its own entry and supervision's.
func (w *world) minutes(t *testing.T, visitID string) int {
	t.Helper()
	cur, err := w.h.P.Store.DB.Collection("ledger").Find(context.Background(), bson.D{{Key: "sourceId", Value: visitID}})
	if err != nil {
		t.Fatal(err)
	}
	var es []ledger.Entry
	if err := cur.All(context.Background(), &es); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		n += e.Minutes
	}
	return n
}

func (w *world) messages(t *testing.T, kind string) []notify.Message {
	t.Helper()
	ms, _, err := w.h.P.Store.Messages(context.Background(), "", 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Message
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func sign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := u
	for _, k := range keys {
		s += k + form.Get(k)
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// reply posts a signed Twilio inbound SMS.
func (w *world) reply(t *testing.T, sid, from, body string) {
	t.Helper()
	w.h.P.API.TwilioToken, w.h.P.API.PublicURL = "webhooktoken", "https://jinhui.example.cn"
	form := url.Values{"MessageSid": {sid}, "From": {from}, "Body": {body}}
	req := httptest.NewRequest("POST", "/api/sms/twilio/inbound", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sign("webhooktoken", "https://jinhui.example.cn/api/sms/twilio/inbound", form))
	resp, err := w.h.P.API.App.Test(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("inbound webhook: %v %v", resp.StatusCode, err)
	}
}

// TestElderReplies: after a visit the elder's contact person is asked by
// SMS; "1" confirms the visit, "2" suspends its hours and files a
// problem; a retried webhook changes nothing (rule Q1).
func TestElderReplies(t *testing.T) {
	w := setup(t)
	v1, v2 := w.visit(t, 0, 60), w.visit(t, 1, 45)
	asks := w.messages(t, "confirm")
	if len(asks) != 2 {
		t.Fatalf("%d confirmation texts, want 2", len(asks))
	}
	contact := map[string]string{}
	for _, e := range w.elders[:2] {
		contact[e.ID] = e.Contacts[0].Phone
	}
	for _, m := range asks {
		if !strings.Contains(m.Body, "今天来过吗?回复1确认,回复2没有") || !strings.Contains(m.Body, "志愿者") {
			t.Fatalf("confirmation text: %s", m.Body)
		}
	}
	// "1" from the first elder's contact confirms the first visit.
	w.reply(t, "SMyes1", contact[v1.Elder], "1")
	if a, err := w.h.P.Store.Answer(t.Context(), v1.ID); err != nil || a.Status != supervise.ConfirmConfirmed {
		t.Fatalf("answer after 1: %+v %v", a, err)
	}
	if got := w.minutes(t, v1.ID); got != 60 {
		t.Fatalf("confirmed visit counts %d minutes, want 60", got)
	}
	// "2" from the second suspends the second visit's hours.
	w.reply(t, "SMno2", contact[v2.Elder], "2")
	w.reply(t, "SMno2", contact[v2.Elder], "2") // Twilio retries
	if got := w.minutes(t, v2.ID); got != 0 {
		t.Fatalf("denied visit counts %d minutes, want 0 (suspended)", got)
	}
	if e, err := w.h.P.Store.LedgerEntry(t.Context(), "suspend:"+v2.ID+":1"); err != nil || e.Minutes != -45 || e.Reverses != "visit:"+v2.ID || e.Source != "check" {
		t.Fatalf("suspension entry: %+v %v", e, err)
	}
	if len(w.messages(t, "supervise")) != 1 {
		t.Fatal("the volunteer was not told of the suspension")
	}
	org := w.h.Login("szq")
	r := w.h.Do("GET", "/api/supervise/problems/reply:"+v2.ID, org, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "未来探访") {
		t.Fatalf("problem from the reply: %d %s", r.Status, r.Body)
	}
	if r := w.h.Do("GET", "/api/supervise/alerts", org, nil); !strings.Contains(string(r.Body), "暂缓计入") {
		t.Fatalf("organizers not alerted: %s", r.Body)
	}
	// An unrelated reply from an unknown number is left alone.
	w.reply(t, "SMother", "+8613900000000", "1")
}

// TestChecks: a risk-weighted draw becomes check tasks; a result not
// confirming a visit suspends its hours and files a problem, a later
// confirmation restores them (rules Q1, Q3).
func TestChecks(t *testing.T) {
	w := setup(t)
	var done []visit.Visit
	for i := 0; i < 5; i++ {
		done = append(done, w.visit(t, i, []int{5, 60, 70, 300, 50}[i]))
	}
	sup := w.h.Login("szqdudao")
	body := map[string]any{"region": countyA, "month": w.month, "mode": "risk", "seed": 7, "size": 3}
	var d supervise.Draw
	r := w.h.Do("POST", "/api/supervise/draws", sup, body)
	if r.Status != 201 {
		t.Fatalf("risk draw: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &d)
	if d.Seed != 7 || d.Size != 3 || d.Population != 5 || d.N != 1 {
		t.Fatalf("draw: %+v", d)
	}
	// Not silently re-rolled: a second draw needs a reason and is kept beside the first.
	if r := w.h.Do("POST", "/api/supervise/draws", sup, body); r.Status != 409 {
		t.Fatalf("second draw without a reason: %d", r.Status)
	}
	body["reason"] = "第一次抽样电话多数打不通, 经分管领导同意加抽"
	var d2 supervise.Draw
	w.h.Do("POST", "/api/supervise/draws", sup, body).JSON(t, &d2)
	if d2.N != 2 || d2.ID == d.ID {
		t.Fatalf("second draw: %+v", d2)
	}
	var tasks struct{ Items []supervise.Task }
	w.h.Do("GET", "/api/supervise/tasks?draw="+url.QueryEscape(d.ID), sup, nil).JSON(t, &tasks)
	var tasks2 struct{ Items []supervise.Task }
	w.h.Do("GET", "/api/supervise/tasks?draw="+url.QueryEscape(d2.ID), sup, nil).JSON(t, &tasks2)
	if len(tasks.Items) != 3 || len(tasks2.Items) != 3 {
		t.Fatalf("tasks: %d and %d", len(tasks.Items), len(tasks2.Items))
	}
	for i := range tasks.Items {
		if tasks.Items[i].Visit != tasks2.Items[i].Visit {
			t.Fatal("the same seed drew another sample")
		}
	}
	task := tasks.Items[0]
	if task.Script == "" || !strings.Contains(task.Script, task.ElderName) || task.Method != supervise.MethodPhone || len(task.Reasons) == 0 {
		t.Fatalf("task: %+v", task)
	}
	// Assign it as an unannounced visit to the county organizer.
	var szqID string
	for _, a := range w.h.Set.Accounts {
		if a.Username == "szq" {
			szqID = a.ID
		}
	}
	r = w.h.Do("POST", "/api/supervise/tasks/"+task.ID+"/assign", sup, map[string]any{"assignee": szqID, "method": "visit", "version": task.Version})
	if r.Status != 200 {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &task)
	if task.Assignee != szqID || !strings.Contains(task.Script, "不打招呼") {
		t.Fatalf("assigned: %+v", task)
	}
	var minutes int
	for _, v := range done {
		if v.ID == task.Visit {
			minutes = v.Minutes
		}
	}
	org := w.h.Login("szq")
	r = w.h.Do("POST", "/api/supervise/tasks/"+task.ID+"/result", org, map[string]any{"result": "not_confirmed", "notes": "老人说本月没人来过", "version": task.Version})
	if r.Status != 200 {
		t.Fatalf("result: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &task)
	if got := w.minutes(t, task.Visit); got != 0 {
		t.Fatalf("unconfirmed visit counts %d minutes, want 0", got)
	}
	if r := w.h.Do("GET", "/api/supervise/problems/check:"+task.ID, org, nil); r.Status != 200 {
		t.Fatalf("problem from the check: %d %s", r.Status, r.Body)
	}
	// Not confirmed twice: suspended once.
	r = w.h.Do("POST", "/api/supervise/tasks/"+task.ID+"/result", org, map[string]any{"result": "not_confirmed", "version": task.Version})
	r.JSON(t, &task)
	if got := w.minutes(t, task.Visit); got != 0 {
		t.Fatalf("suspended twice: %d", got)
	}
	// A re-visit confirms it: the hours come back.
	r = w.h.Do("POST", "/api/supervise/tasks/"+task.ID+"/result", sup, map[string]any{"result": "confirmed", "notes": "复核: 邻居证实来过", "version": task.Version})
	if r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &task)
	if got := w.minutes(t, task.Visit); got != minutes || len(task.History) != 3 {
		t.Fatalf("restored visit counts %d minutes, want %d; history %d", got, minutes, len(task.History))
	}
	if e, err := w.h.P.Store.LedgerEntry(t.Context(), "restore:"+task.Visit+":1"); err != nil || e.Minutes != minutes {
		t.Fatalf("restore entry: %+v %v", e, err)
	}
	// Stale version, another county, a volunteer: refused.
	if r := w.h.Do("POST", "/api/supervise/tasks/"+task.ID+"/result", sup, map[string]any{"result": "confirmed", "version": 1}); r.Status != 409 {
		t.Fatalf("stale version: %d", r.Status)
	}
	if r := w.h.Do("GET", "/api/supervise/tasks/"+task.ID, w.h.Login("linxian"), nil); r.Status != 404 {
		t.Fatalf("sibling county reads a task: %d", r.Status)
	}
}

// TestFujinDraw: the default draw follows rule Q2 over the register, with
// key villages always in and the non-poor shortfall explained.
func TestFujinDraw(t *testing.T) {
	w := setup(t)
	key := w.elders[len(w.elders)-1]
	// Q2: the county marks the village a key village, with a reason; a
	// supervisor may not, nor may anyone without a reason.
	sup := w.h.Login("szqdudao")
	org := w.h.Login("szq")
	kv := "/api/regions/" + key.Village + "/key-village"
	if r := w.h.Do("PUT", kv, sup, map[string]any{"keyVillage": true, "reason": "问题多"}); r.Status != 403 {
		t.Fatalf("supervisor marking a key village: %d %s", r.Status, r.Body)
	}
	if r := w.h.Do("PUT", kv, org, map[string]any{"keyVillage": true, "reason": "\u200b"}); r.Status != 400 || r.ErrorField(t) != "reason" {
		t.Fatalf("key village without a reason: %d %s", r.Status, r.Body)
	}
	if r := w.h.Do("PUT", kv, org, map[string]any{"keyVillage": true, "reason": "上月回访发现问题较多"}); r.Status != 200 || !strings.Contains(string(r.Body), `"keyVillage":true`) {
		t.Fatalf("marking a key village: %d %s", r.Status, r.Body)
	}
	var d supervise.Draw
	for seed := 0; seed < 3; seed++ {
		body := map[string]any{"region": countyA, "month": w.month, "seed": seed, "villages": 1, "perVillage": 4}
		if seed > 0 {
			body["reason"] = fmt.Sprintf("第 %d 次演练", seed+1)
		}
		r := w.h.Do("POST", "/api/supervise/draws", sup, body)
		if r.Status != 201 {
			t.Fatalf("fujin draw: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &d)
		var tasks struct{ Items []supervise.Task }
		w.h.Do("GET", "/api/supervise/tasks?draw="+url.QueryEscape(d.ID), sup, nil).JSON(t, &tasks)
		towns, keyIn := map[string]map[string]bool{}, false
		for _, tk := range tasks.Items {
			town := registry.AncestorAt(tk.Village, registry.Township)
			if towns[town] == nil {
				towns[town] = map[string]bool{}
			}
			towns[town][tk.Village] = true
			keyIn = keyIn || tk.Village == key.Village
		}
		for town, vs := range towns {
			if len(vs) != 1 {
				t.Fatalf("township %s: %d villages, want 1", town, len(vs))
			}
		}
		if !keyIn || d.Mode != supervise.ModeFujin || len(d.Notes) == 0 {
			t.Fatalf("seed %d: key village in %v, draw %+v", seed, keyIn, d)
		}
	}
	if !strings.Contains(strings.Join(d.Notes, ";"), "非贫困户不足一半") {
		t.Fatalf("notes: %v", d.Notes)
	}
	var list struct{ Total int }
	w.h.Do("GET", "/api/supervise/draws?month="+w.month, sup, nil).JSON(t, &list)
	if list.Total != 3 {
		t.Fatalf("%d draws kept, want 3", list.Total)
	}
}

// TestProblemLedger: a problem goes through rectification and re-check
// (回访回查) to closed; an overdue one is flagged once (rule Q3).
func TestProblemLedger(t *testing.T) {
	w := setup(t)
	org, sup := w.h.Login("szq"), w.h.Login("szqdudao")
	today := clock.Today(w.clk.Now())
	deadline := w.clk.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	var p supervise.Problem
	r := w.h.Do("POST", "/api/supervise/problems", sup, map[string]any{"area": w.elders[0].Village, "kind": "service", "description": "探访记录与实际不符",
		"owner": "村支书王某", "ownerPhone": "13812345678", "deadline": deadline})
	if r.Status != 201 {
		t.Fatalf("new problem: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &p)
	if p.OwnerPhone == "+8613812345678" || p.Status != supervise.ProblemOpen {
		t.Fatalf("problem: %+v", p)
	}
	if r := w.h.Do("POST", "/api/supervise/problems/"+p.ID+"/recheck", sup, map[string]any{"passed": true, "note": "x", "version": p.Version}); r.Status != 409 {
		t.Fatalf("re-check before rectification: %d", r.Status)
	}
	w.h.Do("POST", "/api/supervise/problems/"+p.ID+"/rectify", org, map[string]any{"note": "已约谈志愿者, 补录台账", "version": p.Version}).JSON(t, &p)
	if p.Status != supervise.ProblemRectified {
		t.Fatalf("after rectify: %+v", p)
	}
	if r := w.h.Do("POST", "/api/supervise/problems/"+p.ID+"/recheck", org, map[string]any{"passed": true, "note": "自查通过", "version": p.Version}); r.Status != 403 {
		t.Fatalf("re-check by the rectifier: %d", r.Status)
	}
	r = w.h.Do("POST", "/api/supervise/problems/"+p.ID+"/recheck", sup, map[string]any{"passed": false, "note": "回访老人, 仍未落实", "version": p.Version})
	if r.Status != 400 || r.ErrorField(t) != "deadline" {
		t.Fatalf("failed re-check without a new deadline: %d %s", r.Status, r.Body)
	}
	w.h.Do("POST", "/api/supervise/problems/"+p.ID+"/recheck", sup, map[string]any{"passed": false, "note": "回访老人, 仍未落实", "deadline": deadline, "version": p.Version}).JSON(t, &p)
	if p.Status != supervise.ProblemOpen {
		t.Fatalf("after failed re-check: %+v", p)
	}
	// Past the deadline: on the dashboard's list, flagged once by SMS and alert.
	w.clk.Set(w.clk.Now().AddDate(0, 0, 5))
	var over struct {
		Items []supervise.Problem
		Total int
	}
	w.h.Do("GET", "/api/supervise/problems/overdue", org, nil).JSON(t, &over)
	if over.Total != 1 || !over.Items[0].Overdue {
		t.Fatalf("overdue list: %+v", over)
	}
	if n, err := w.h.P.Supervise.FlagOverdue(t.Context()); err != nil || n != 1 {
		t.Fatalf("flag overdue: %d %v", n, err)
	}
	if n, _ := w.h.P.Supervise.FlagOverdue(t.Context()); n != 0 {
		t.Fatalf("flagged again: %d", n)
	}
	if ms := w.messages(t, "supervise"); len(ms) != 1 || ms[0].To != "+8613812345678" {
		t.Fatalf("overdue SMS: %+v", ms)
	}
	w.h.Do("POST", "/api/supervise/problems/"+p.ID+"/rectify", org, map[string]any{"note": "已落实每月两次探访", "version": p.Version}).JSON(t, &p)
	w.h.Do("POST", "/api/supervise/problems/"+p.ID+"/recheck", sup, map[string]any{"passed": true, "note": "电话回访老人, 属实", "version": p.Version}).JSON(t, &p)
	if p.Status != supervise.ProblemClosed || len(p.Steps) != 4 || p.Overdue {
		t.Fatalf("closed: %+v", p)
	}
	if r := w.h.Do("POST", "/api/supervise/problems", org, map[string]any{"area": "370102000000", "kind": "other", "description": "x", "owner": "y", "deadline": today}); r.Status != 400 {
		t.Fatalf("problem outside the subtree: %d", r.Status)
	}
	// A volunteer's concern at check-out goes to the ledger by itself.
	w.clk.Set(w.clk.Now().AddDate(0, 0, -5))
	v := w.visits[w.elders[2].ID]
	var vol registry.Volunteer
	for _, x := range w.vols {
		if x.ID == v.Volunteer {
			vol = x
		}
	}
	tok := w.h.PhoneLogin(vol.Phone, "volunteer")
	w.h.Do("POST", "/api/visits/"+v.ID+"/checkin", tok, map[string]any{"key": "in-concern"})
	if r := w.h.Do("POST", "/api/visits/"+v.ID+"/checkout", tok, map[string]any{"key": "out-concern", "items": []string{"chat", "housework", "hygiene"},
		"concern": "老人屋顶漏雨"}); r.Status != 200 {
		t.Fatalf("check-out: %d %s", r.Status, r.Body)
	}
	if r := w.h.Do("GET", "/api/supervise/problems/concern:"+v.ID, org, nil); r.Status != 200 || !strings.Contains(string(r.Body), "屋顶漏雨") {
		t.Fatalf("concern problem: %d %s", r.Status, r.Body)
	}
}

// TestMonthlyReport: a month's figures per township, ranked, exported to
// xlsx and kept as generated (rule Q4).
func TestMonthlyReport(t *testing.T) {
	w := setup(t)
	for i := 0; i < 4; i++ {
		w.visit(t, i, 60)
	}
	org := w.h.Login("szq")
	var rep supervise.Report
	r := w.h.Do("POST", "/api/supervise/reports", org, map[string]any{"month": w.month})
	if r.Status != 201 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &rep)
	if len(rep.Rows) != 2 || rep.Rows[0].Rank != 1 || rep.Rows[0].Score < rep.Rows[1].Score {
		t.Fatalf("ranking: %+v", rep.Rows)
	}
	if rep.Total.Elders != len(w.elders) || rep.Total.Paired != len(w.elders) || rep.Total.Coverage != 1 || rep.Total.Done != 4 || rep.Total.Planned != len(w.elders) {
		t.Fatalf("total: %+v", rep.Total)
	}
	// More visits, a second report: the first stays as it was.
	w.visit(t, 4, 60)
	var rep2 supervise.Report
	w.h.Do("POST", "/api/supervise/reports", org, map[string]any{"month": w.month}).JSON(t, &rep2)
	if rep2.N != 2 || rep2.Total.Done != 5 {
		t.Fatalf("second report: %+v", rep2.Total)
	}
	var again supervise.Report
	w.h.Do("GET", "/api/supervise/reports/"+rep.ID, org, nil).JSON(t, &again)
	if again.Total.Done != 4 {
		t.Fatalf("kept report changed: %+v", again.Total)
	}
	r = w.h.Do("GET", "/api/supervise/reports/"+rep.ID+"/export.xlsx", org, nil)
	if r.Status != 200 {
		t.Fatalf("export: %d", r.Status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("月度通报")
	if len(rows) != 5 || rows[1][0] != "排名" || rows[2][0] != "1" || rows[4][2] != "合计" {
		t.Fatalf("sheet: %v", rows)
	}
	if r := w.h.Do("GET", "/api/supervise/reports/"+rep.ID, w.h.Login("linxian"), nil); r.Status != 404 {
		t.Fatalf("sibling county reads the report: %d", r.Status)
	}
}

// TestLateUploadNamesTheDay: a check-in made offline and uploaded two
// days later asks the elder's side about that day, not "今天", so a
// truthful "2" cannot suspend a visit that happened (rule S1, Q1).
func TestLateUploadNamesTheDay(t *testing.T) {
	w := setup(t)
	v := w.visits[w.elders[0].ID]
	var vol registry.Volunteer
	for _, x := range w.vols {
		if x.ID == v.Volunteer {
			vol = x
		}
	}
	tok := w.login(vol.Phone)
	happened := w.clk.Now()
	w.clk.Set(happened.Add(49 * time.Hour)) // the phone comes back online two days later
	if r := w.h.Do("POST", "/api/visits/"+v.ID+"/checkin", tok, map[string]any{"key": "in-" + v.ID, "at": happened}); r.Status != 200 {
		t.Fatalf("late check-in: %d %s", r.Status, r.Body)
	}
	out := happened.Add(time.Hour)
	if r := w.h.Do("POST", "/api/visits/"+v.ID+"/checkout", tok, map[string]any{"key": "out-" + v.ID, "at": out, "items": []string{"chat", "housework", "hygiene"}}); r.Status != 200 {
		t.Fatalf("late check-out: %d %s", r.Status, r.Body)
	}
	asks := w.messages(t, "confirm")
	if len(asks) != 1 {
		t.Fatalf("%d confirmation texts, want 1", len(asks))
	}
	d := happened.In(clock.Shanghai)
	day := fmt.Sprintf("%d月%d日来过吗", d.Month(), d.Day())
	if !strings.Contains(asks[0].Body, day) || strings.Contains(asks[0].Body, "今天") {
		t.Fatalf("late visit's question %q does not name its day (%s)", asks[0].Body, day)
	}
	// The same visit uploaded on its own day still says 今天.
	if got := supervise.ConfirmText("张三", happened, happened.Add(2*time.Hour)); !strings.Contains(got, "今天来过吗") {
		t.Fatalf("same-day question: %q", got)
	}
}
