package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"jinhui/services/pairing"
	"jinhui/services/recruit"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/testenv"
)

// Issue 14, second share: the recruitment, supervision, exchange, figures,
// pairing and visit operations an organizer, supervisor or admin performs
// through the console, each done once as a user would (click, fill,
// confirm) and checked by what the page shows and what the API then holds.

// TestConsoleOpsBRecruitSupervise: a county organizer opens a call and
// edits it (V1), reads an application in full, reveals it (audited) and
// accepts it (V2), schedules a training batch, invites a volunteer and
// records the attendance (V5), registers a partner, opens it, reveals its
// phone and edits its agreement (V3), exports the funnel and the work
// figures (R1–R2), and publishes activity news with a photo and opens it;
// the county supervisor assigns a check task, registers a problem and
// opens it (Q3), opens a monthly report and exports it (Q4); the
// province admin makes 市中区 pair trained volunteers only (V5).
func TestConsoleOpsBRecruitSupervise(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	org, sup := apiToken(t, s, "szq"), apiToken(t, s, "szqdudao")
	county := s.volunteer.Village[:6] + "000000"
	month := time.Now().In(clock.Shanghai).Format("2006-01")
	today := time.Now().In(clock.Shanghai)

	// What the screens act on: a call with one application, this month's
	// check sample (drawn by the organizer, so its tasks are the
	// organizer's) and a monthly report (the test's own calls).
	var call struct{ ID string }
	if st := s.api("POST", "/api/recruit/calls", org, map[string]any{
		"title": "市中区金晖助老志愿者招募", "text": "诚邀热心人士结对帮扶身边的老人。", "kinds": []string{"neighbour", "urban"},
		"quotas": []any{}, "opens": today.AddDate(0, 0, -1).Format(time.DateOnly), "closes": today.AddDate(0, 0, 30).Format(time.DateOnly),
	}, &call); st != 201 {
		t.Fatalf("create call: %d", st)
	}
	applicant := "13700009902"
	if st := s.api("POST", "/api/public/code", "", map[string]string{"phone": applicant, "purpose": "apply", "call": call.ID}, nil); st >= 300 {
		t.Fatalf("apply code: %d", st)
	}
	var applied struct{ ID string }
	if st := s.api("POST", "/api/public/calls/"+call.ID+"/apply", "", map[string]any{
		"name": "王青禾", "idNumber": pii.CompleteResidentID("37010120000101123"), "phone": applicant, "code": s.lastCode("+86" + applicant),
		"village": s.volunteer.Village, "kind": "neighbour", "sourceKind": "individual", "hoursPerMonth": 8,
		"motivation": "想为家乡的老人做点实事", "consent": true, "consentVersion": recruit.ConsentVersion,
	}, &applied); st != 200 && st != 201 {
		t.Fatalf("apply: %d", st)
	}
	if st := s.api("POST", "/api/supervise/draws", org, map[string]any{"region": county, "month": month}, nil); st != 200 && st != 201 {
		t.Fatalf("draw: %d", st)
	}
	if st := s.api("POST", "/api/supervise/reports", sup, map[string]any{"area": county, "month": month}, nil); st != 200 && st != 201 {
		t.Fatalf("report: %d", st)
	}

	ctx := browser(t)
	downloads := downloads(t, ctx)
	loginConsole(t, s, ctx, "szq")

	t.Run("call", func(t *testing.T) {
		open(t, s, ctx, "/recruit/calls")
		rowClick(t, ctx, ".data-table", "市中区金晖助老志愿者招募", ".call-show")
		waitText(t, ctx, "#call-detail", "apply.html?call="+call.ID)
		must(t, ctx, clickJS(`.el-drawer__close-btn`))
		rowClick(t, ctx, ".data-table", "市中区金晖助老志愿者招募", ".call-edit")
		must(t, ctx, waitVisible(`.el-dialog input[name=title]`))
		setInput(t, ctx, `.el-dialog input[name=title]`, "市中区金晖助老志愿者招募(第二批)")
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已保存招募倡议")
		var c struct{ Title string }
		if s.api("GET", "/api/recruit/calls/"+call.ID, org, nil, &c); c.Title != "市中区金晖助老志愿者招募(第二批)" {
			t.Errorf("call title after the edit: %q", c.Title)
		}
	})

	t.Run("application", func(t *testing.T) {
		open(t, s, ctx, "/recruit/applications")
		must(t, ctx, waitVisible(`.data-table tbody a[href*="/recruit/applications/"]`),
			unready(), clickJS(`.data-table tbody a[href*="/recruit/applications/"]`), waitVisible(`#facts`), waitReady())
		if f := text(t, ctx, "#facts"); strings.Contains(f, applicant) {
			t.Fatalf("the phone is shown in full before revealing: %s", f)
		}
		must(t, ctx, clickJS(`#reveal`))
		waitText(t, ctx, "#facts", applicant)
		must(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#review-form .el-radio')].find((r) => r.innerText.trim() === '录用').click()`))
		must(t, ctx, clickJS(`#review-form button[type=submit]`))
		waitText(t, ctx, "#flash", "审核结果已保存")
		var a struct{ Status string }
		if !testenv.Eventually(10*time.Second, func() bool {
			return s.api("GET", "/api/recruit/applications/"+applied.ID, org, nil, &a) == 200 && a.Status == "accepted"
		}) {
			t.Errorf("application after accepting: %q", a.Status)
		}
	})

	t.Run("training", func(t *testing.T) {
		open(t, s, ctx, "/recruit/batches")
		must(t, ctx, clickJS(`#batch-add`), waitVisible(`#batch-form input[name=place]`))
		setInput(t, ctx, `#batch-form input[name=place]`, "市中区新时代文明实践中心")
		setInput(t, ctx, `#batch-form input[name=topic]`, "入户探访礼仪与安全")
		setInput(t, ctx, `#batch-form input[name=trainer]`, "李老师")
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "培训批次已安排")
		rowClick(t, ctx, ".data-table", "入户探访礼仪与安全", ".invite")
		waitText(t, ctx, ".el-dialog__title", "邀请志愿者参加")
		pick(t, ctx, `.el-dialog .el-select`, s.volunteer.Name)
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已邀请 1 人")
		rowClick(t, ctx, ".data-table", "入户探访礼仪与安全", ".attendance")
		waitText(t, ctx, ".el-dialog__title", "登记培训出勤")
		pick(t, ctx, `.el-dialog .el-select`, s.volunteer.Name)
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已登记出勤")
		var bs struct{ Items []struct{ ID, Topic string } }
		s.api("GET", "/api/recruit/batches?limit=50", org, nil, &bs)
		var b struct {
			Invites []struct {
				VolunteerID string
				Attended    bool
			}
		}
		for _, x := range bs.Items {
			if x.Topic == "入户探访礼仪与安全" {
				s.api("GET", "/api/recruit/batches/"+x.ID, org, nil, &b)
			}
		}
		if len(b.Invites) != 1 || b.Invites[0].VolunteerID != s.volunteer.ID || !b.Invites[0].Attended {
			t.Errorf("batch invitations after the attendance: %+v", b.Invites)
		}
	})

	t.Run("partner", func(t *testing.T) {
		open(t, s, ctx, "/recruit/partners")
		must(t, ctx, clickJS(`#partner-add`), waitVisible(`#partner-form input[name=name]`))
		setInput(t, ctx, `#partner-form input[name=name]`, "济南大学青年志愿者协会")
		setInput(t, ctx, `#partner-form input[name=contactName]`, "刘老师")
		setInput(t, ctx, `#partner-form input[name=contactPhone]`, "13800001234")
		typeDate(t, ctx, `#partner-form input[name=from]`, today.Format(time.DateOnly))
		typeDate(t, ctx, `#partner-form input[name=to]`, today.AddDate(1, 0, 0).Format(time.DateOnly))
		setInput(t, ctx, `#partner-form .el-input-number input`, "20")
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "合作单位已登记")
		rowClick(t, ctx, ".data-table", "济南大学青年志愿者协会", ".partner-show")
		waitText(t, ctx, "#partner-detail", "刘老师")
		waitText(t, ctx, "#partner-progress", "已录用 0/20 人")
		if d := text(t, ctx, "#partner-detail"); strings.Contains(d, "13800001234") {
			t.Errorf("the partner's phone is shown in full before revealing: %s", d)
		}
		must(t, ctx, clickJS(`.el-drawer__close-btn`))
		rowClick(t, ctx, ".data-table", "济南大学青年志愿者协会", ".partner-reveal")
		waitText(t, ctx, "#flash", "已显示完整电话")
		waitText(t, ctx, ".data-table tbody", "13800001234")
		rowClick(t, ctx, ".data-table", "济南大学青年志愿者协会", ".partner-edit")
		must(t, ctx, waitVisible(`.el-dialog textarea[name=note]`))
		setInput(t, ctx, `.el-dialog textarea[name=note]`, "协议续签一年")
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已保存")
		var ps struct{ Items []struct{ Name, Note string } }
		if !testenv.Eventually(10*time.Second, func() bool {
			s.api("GET", "/api/recruit/partners?limit=50", org, nil, &ps)
			return len(ps.Items) == 1 && ps.Items[0].Note == "协议续签一年"
		}) {
			t.Errorf("partners after the edit: %+v", ps.Items)
		}
	})

	t.Run("exports", func(t *testing.T) {
		open(t, s, ctx, "/recruit/funnel")
		must(t, ctx, clickJS(`#funnel-export`))
		waitText(t, ctx, "#flash", "已导出招募漏斗")
		downloaded(t, downloads, "招募漏斗.xlsx")
		open(t, s, ctx, "/figures")
		must(t, ctx, clickJS(`#figures-export`))
		waitText(t, ctx, "#flash", "已导出统计表")
		downloaded(t, downloads, "工作统计-")
	})

	t.Run("exchange", func(t *testing.T) {
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for x := range 64 {
			for y := range 48 {
				img.Set(x, y, color.RGBA{uint8(x * 4), 160, uint8(y * 5), 255})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "activity.png")
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		open(t, s, ctx, "/exchange")
		must(t, ctx, chromedp.SetUploadFiles(chromedp.CSS(`.data-table .toolbar input[type=file]`), []string{file}))
		waitText(t, ctx, "#flash", "已上传照片(共 1 张)")
		must(t, ctx, clickJS(`#post-add`), waitVisible(`#post-form input[name=title]`))
		setInput(t, ctx, `#post-form input[name=title]`, "重阳节敬老活动")
		setInput(t, ctx, `#post-form textarea[name=text]`, "志愿者们陪村里的老人包饺子、拉家常。")
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已发布")
		rowClick(t, ctx, ".data-table", "重阳节敬老活动", ".post-show")
		waitText(t, ctx, "#post-detail", "组织者")
		// The photo is read with the session and drawn.
		if !testenv.Eventually(15*time.Second, func() bool {
			return eval[bool](t, ctx, `(() => { const i = document.querySelector('#post-photos img'); return !!i && i.complete && i.naturalWidth > 0; })()`)
		}) {
			shot(t, ctx, "FAILED-"+safe(t.Name()))
			t.Fatal("the post's photo is not shown")
		}
		drawerShot(t, ctx, "console-exchange-post")
	})

	// The county supervisor, in the same browser.
	loginConsole(t, s, ctx, "szqdudao")
	t.Run("task", func(t *testing.T) {
		open(t, s, ctx, "/supervise/tasks")
		must(t, ctx, waitVisible(`.data-table tbody tr .assign`), clickJS(`.data-table tbody tr .assign`),
			waitVisible(`.el-dialog .form-ok`))
		if sel := eval[string](t, ctx, `document.querySelector('.el-dialog .el-select').innerText`); !strings.Contains(sel, "市中区督导员") {
			t.Errorf("the assign form does not offer the supervisor: %q", sel)
		}
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已指派")
		var ts struct {
			Items []struct{ AssigneeName string }
		}
		if !testenv.Eventually(10*time.Second, func() bool {
			s.api("GET", "/api/supervise/tasks?assignee=me&limit=5", sup, nil, &ts)
			return len(ts.Items) == 1 && ts.Items[0].AssigneeName == "市中区督导员"
		}) {
			t.Errorf("tasks assigned to the supervisor: %+v", ts.Items)
		}
	})

	t.Run("problem", func(t *testing.T) {
		open(t, s, ctx, "/supervise/problems")
		must(t, ctx, clickJS(`#problem-add`), waitVisible(`#problem-form textarea[name=description]`))
		pickRegion(t, ctx, `#problem-form .region-cascader`)
		pick(t, ctx, `#problem-form .el-select`, "服务质量")
		setInput(t, ctx, `#problem-form textarea[name=description]`, "探访清单多项未做且无说明")
		setInput(t, ctx, `#problem-form input[name=owner]`, "村委会王主任")
		typeDate(t, ctx, `#problem-form input[name=deadline]`, today.AddDate(0, 0, 14).Format(time.DateOnly))
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已登记问题")
		rowClick(t, ctx, ".data-table", "探访清单多项未做且无说明", ".problem-show")
		waitText(t, ctx, "#problem-detail", "村委会王主任")
		waitText(t, ctx, "#problem-detail", "人工登记")
	})

	t.Run("report", func(t *testing.T) {
		open(t, s, ctx, "/supervise/reports")
		must(t, ctx, waitVisible(`.data-table tbody tr .report-open`), clickJS(`.data-table tbody tr .report-open`),
			waitVisible(`#report`))
		waitText(t, ctx, "#report", "合计")
		must(t, ctx, clickJS(`.data-table tbody tr .report-export`))
		waitText(t, ctx, "#flash", "已导出月度通报")
		downloaded(t, downloads, "月度通报-")
	})

	// The province admin: 市中区 pairs trained volunteers only (V5).
	loginConsole(t, s, ctx, "admin")
	t.Run("require-training", func(t *testing.T) {
		open(t, s, ctx, "/regions")
		city := county[:4] + "00000000"
		must(t, ctx, waitVisible(`#regions tbody a`), unready(),
			clickJS(`#regions tbody a[href*="parent=`+city+`"]`), waitReady())
		row := `[...document.querySelectorAll('#regions tbody tr')].find((r) => r.innerText.includes('` + county + `'))`
		if !testenv.Eventually(10*time.Second, func() bool { return eval[bool](t, ctx, `!!`+row) }) {
			t.Fatalf("no row for %s: %s", county, text(t, ctx, "#regions"))
		}
		must(t, ctx, chromedp.Evaluate[chromedp.Void](row+`.querySelector('td:last-child .el-switch').click()`))
		waitText(t, ctx, "#flash", "须培训后才能结对")
		if !testenv.Eventually(10*time.Second, func() bool {
			r, err := s.p.Store.Region(context.Background(), county)
			return err == nil && r.RequireTraining
		}) {
			t.Error("the county does not require training")
		}
	})
}

// TestConsoleOpsBPairingVisits: a county organizer pins a volunteer to an
// elder and revokes the rule, changes the county's pairing settings,
// changes one item of a proposal with a reason (P1), opens a pair and a
// handover record (P2), opens a visit, approves a visit whose times were
// sent late (Q1) and changes the county's visit settings (S1, S4).
func TestConsoleOpsBPairingVisits(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	org := apiToken(t, s, "szq")
	county := s.volunteer.Village[:6] + "000000"
	bg := context.Background()

	// The volunteer's two elders are pairs of record (startSite sets only
	// the register's side); one earlier relay left a handover record.
	names := map[string]string{}
	var other string // an active elder of the county nobody serves
	for _, e := range s.set.Elders {
		names[e.ID] = e.Name
		if other == "" && e.Village[:6] == county[:6] && e.Status == "active" && !strings.Contains(strings.Join(s.paired, ","), e.ID) {
			other = e.ID
		}
	}
	for _, id := range s.paired {
		var village string
		for _, e := range s.set.Elders {
			if e.ID == id {
				village = e.Village
			}
		}
		pr := pairing.Pair{ID: id + ".0.0", Elder: id, ElderName: names[id], Village: village, Areas: area.AreasOf(village), County: county,
			Role: pairing.RoleAny, Volunteer: s.volunteer.ID, VolunteerName: s.volunteer.Name, Status: pairing.PairActive,
			StartDate: clock.Today(time.Now()), Source: "override", Reason: "老人点名要这位志愿者", By: "test", ByName: "市中区组织者", At: time.Now()}
		if err := s.p.Store.InsertPair(bg, pr); err != nil {
			t.Fatal(err)
		}
		if err := s.p.Store.ClaimPairKey(bg, id, s.volunteer.ID, pr.ID); err != nil {
			t.Fatal(err)
		}
	}
	first := s.paired[0]
	var firstVillage string
	for _, e := range s.set.Elders {
		if e.ID == first {
			firstVillage = e.Village
		}
	}
	if err := s.p.Store.InsertHandover(bg, pairing.Handover{ID: "h-" + first, Elder: first, ElderName: names[first], Village: firstVillage,
		Areas: area.AreasOf(firstVillage), From: "v-gone", FromName: "张前任", To: s.volunteer.ID, ToName: s.volunteer.Name, ToPair: first + ".0.0",
		People: []string{s.volunteer.ID}, Notes: pairing.Notes{Preferences: "爱听吕剧", Risks: "腿脚不便, 下楼要扶"}, By: "test", ByName: "市中区组织者", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// A proposal for one more elder; the month's visits, one of which
	// the volunteer reports 45 minutes late (held for review, Q1).
	var prop struct{ ID string }
	if st := s.api("POST", "/api/pairing/proposals", org, map[string]any{"region": county, "elders": []string{other}}, &prop); st != 200 && st != 201 {
		t.Fatalf("propose: %d", st)
	}
	month := time.Now().In(clock.Shanghai).Format("2006-01")
	if st := s.api("POST", "/api/visits/plan", org, map[string]any{"month": month, "area": county}, nil); st != 200 && st != 201 {
		t.Fatalf("plan visits: %d", st)
	}
	var vs struct {
		Items []struct {
			ID, Volunteer, Status string
			Checklist             []struct{ Code string }
		}
	}
	s.api("GET", "/api/visits?limit=50&month="+month, org, nil, &vs)
	visitID := ""
	var items []string
	for _, v := range vs.Items {
		if v.Volunteer == s.volunteer.ID && v.Status == "planned" {
			visitID = v.ID
			for _, it := range v.Checklist {
				items = append(items, it.Code)
			}
			break
		}
	}
	if visitID == "" {
		t.Fatalf("no planned visit of the volunteer: %+v", vs.Items)
	}
	ph := strings.TrimPrefix(s.volunteer.Phone, "+86")
	s.api("POST", "/api/auth/code", "", map[string]string{"phone": ph}, nil)
	var vlogin struct{ Token string }
	if st := s.api("POST", "/api/auth/verify", "", map[string]string{"phone": ph, "code": s.lastCode(s.volunteer.Phone)}, &vlogin); st != 200 {
		t.Fatalf("volunteer login: %d", st)
	}
	in, out := time.Now().Add(-45*time.Minute), time.Now().Add(-40*time.Minute)
	if st := s.api("POST", "/api/visits/"+visitID+"/checkin", vlogin.Token, map[string]any{"key": "opsb-in-" + visitID, "at": in}, nil); st != 200 {
		t.Fatalf("check in: %d", st)
	}
	if st := s.api("POST", "/api/visits/"+visitID+"/checkout", vlogin.Token, map[string]any{"key": "opsb-out-" + visitID, "at": out, "items": items,
		"condition": "好", "notes": "老人精神不错"}, nil); st != 200 {
		t.Fatalf("check out: %d", st)
	}

	ctx := browser(t)
	loginConsole(t, s, ctx, "szq")

	t.Run("rule", func(t *testing.T) {
		open(t, s, ctx, "/pairing/rules")
		must(t, ctx, clickJS(`#rule-add`), waitVisible(`.el-dialog textarea[name=reason]`))
		pick(t, ctx, `.el-dialog .el-form-item:nth-of-type(2) .el-select`, names[other])
		pick(t, ctx, `.el-dialog .el-form-item:nth-of-type(3) .el-select`, s.volunteer.Name)
		setInput(t, ctx, `.el-dialog textarea[name=reason]`, "老人与志愿者是老邻居, 家属要求")
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已登记规则")
		waitText(t, ctx, ".data-table tbody", names[other])
		rowClick(t, ctx, ".data-table", "老人与志愿者是老邻居", ".revoke")
		answerBox(t, ctx, "家属改变主意")
		waitText(t, ctx, "#flash", "已撤销规则")
		waitText(t, ctx, ".data-table tbody", "已撤销(家属改变主意)")
		var rs struct {
			Items []struct {
				Active    bool
				Volunteer string
			}
		}
		if !testenv.Eventually(10*time.Second, func() bool {
			s.api("GET", "/api/pairing/rules?elder="+other, org, nil, &rs)
			return len(rs.Items) == 1 && !rs.Items[0].Active && rs.Items[0].Volunteer == s.volunteer.ID
		}) {
			t.Errorf("rules of the elder: %+v", rs.Items)
		}
	})

	t.Run("pairing-settings", func(t *testing.T) {
		open(t, s, ctx, "/pairing/settings")
		in := `[...document.querySelectorAll('#pairing-settings .el-form-item')].find((f) => f.innerText.includes('沉默天数')).querySelector('input')`
		must(t, ctx, waitVisible(`#save-settings`), chromedp.Evaluate[chromedp.Void](`(() => { const e = `+in+`;
			e.value = '21'; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); })()`))
		must(t, ctx, clickJS(`#save-settings`))
		waitText(t, ctx, "#flash", "已保存结对设置")
		var st struct{ SilentDays int }
		if s.api("GET", "/api/pairing/settings/"+county, org, nil, &st); st.SilentDays != 21 {
			t.Errorf("silent days after saving: %d", st.SilentDays)
		}
	})

	t.Run("override", func(t *testing.T) {
		open(t, s, ctx, "/pairing/"+prop.ID)
		must(t, ctx, waitVisible(`#proposal-items .override`), clickJS(`#proposal-items .override`),
			waitVisible(`.el-dialog textarea[name=reason]`))
		pick(t, ctx, `.el-dialog .el-select`, "")
		setInput(t, ctx, `.el-dialog textarea[name=reason]`, "该志愿者下月外出务工")
		must(t, ctx, confirmForm())
		waitText(t, ctx, "#flash", "已调整该岗位")
		waitText(t, ctx, "#proposal-items", "人工调整: 该志愿者下月外出务工")
	})

	t.Run("pair", func(t *testing.T) {
		open(t, s, ctx, "/pairs?status=active")
		rowClick(t, ctx, ".data-table", names[first], ".pair-show")
		waitText(t, ctx, "#pair-detail", "老人点名要这位志愿者")
		waitText(t, ctx, "#pair-detail", s.volunteer.Name)
	})

	t.Run("handover", func(t *testing.T) {
		open(t, s, ctx, "/handovers")
		rowClick(t, ctx, ".data-table", names[first], ".handover-show")
		waitText(t, ctx, "#handover-detail", "张前任")
		waitText(t, ctx, "#handover-detail", "腿脚不便")
	})

	t.Run("visit", func(t *testing.T) {
		open(t, s, ctx, "/visits")
		rowClick(t, ctx, ".data-table", "已完成", ".visit-show")
		waitText(t, ctx, "#visit-detail", "补传")
		waitText(t, ctx, "#visit-detail", "老人精神不错")
		drawerShot(t, ctx, "console-visit-detail")
	})

	t.Run("review", func(t *testing.T) {
		open(t, s, ctx, "/visits/review")
		must(t, ctx, waitVisible(`.data-table tbody tr .review-approve`), clickJS(`.data-table tbody tr .review-approve`))
		waitText(t, ctx, "#flash", "已通过, 服务时长已计入台账")
		var v struct{ Review struct{ Status string } }
		if s.api("GET", "/api/visits/"+visitID, org, nil, &v); v.Review.Status != "approved" {
			t.Errorf("review of the late visit: %q", v.Review.Status)
		}
	})

	t.Run("visit-settings", func(t *testing.T) {
		open(t, s, ctx, "/visits/settings")
		must(t, ctx, waitVisible(`#visit-settings .el-input-number input`))
		setInput(t, ctx, `#visit-settings .el-input-number input`, "2")
		must(t, ctx, clickJS(`#save-visit-settings`))
		waitText(t, ctx, "#flash", "已保存探访设置")
		var st struct{ PerMonth int }
		if s.api("GET", "/api/visits/settings/"+county, org, nil, &st); st.PerMonth != 2 {
			t.Errorf("visits a month after saving: %d", st.PerMonth)
		}
	})
}

// drawerShot saves a screenshot once the open drawer has slid in (when
// shot keeps it: it does not wait otherwise).
func drawerShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !keeps(name) {
		return
	}
	testenv.Eventually(5*time.Second, func() bool {
		return eval[bool](t, ctx, `(() => { const d = [...document.querySelectorAll('.el-drawer')].find((e) => e.getClientRects().length);
			return !!d && Math.abs(d.getBoundingClientRect().right - document.documentElement.clientWidth) < 2; })()`)
	})
	shot(t, ctx, name)
}

// typeDate types a day into an Element Plus date picker and presses
// Enter, as a user typing the date would.
func typeDate(t *testing.T, ctx context.Context, css, day string) {
	t.Helper()
	must(t, ctx, clickOn(css), chromedp.SendKeys(chromedp.CSS(css), day+kb.Enter))
	if !testenv.Eventually(5*time.Second, func() bool {
		return eval[string](t, ctx, `document.querySelector(`+strconv.Quote(css)+`).value`) == day
	}) {
		t.Fatalf("date picker %s did not take %s", css, day)
	}
}

// pickRegion opens a region cascader and chooses the first region
// offered under the user's own.
func pickRegion(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	must(t, ctx, clickJS(css+` input`))
	js := `(() => {
		const n = [...document.querySelectorAll('.el-cascader-panel .el-cascader-node')].find((e) => e.getClientRects().length);
		if (!n) return false;
		(n.querySelector('.el-radio') || n).click();
		return true;
	})()`
	if !testenv.Eventually(10*time.Second, func() bool { return eval[bool](t, ctx, js) }) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("no region offered in %s", css)
	}
	if !testenv.Eventually(5*time.Second, func() bool {
		return eval[string](t, ctx, `document.querySelector(`+strconv.Quote(css+` input`)+`).value`) != ""
	}) {
		t.Fatalf("no region chosen in %s", css)
	}
}
