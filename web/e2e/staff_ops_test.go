package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
	"jinhui/services/pairing"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/testenv"
)

// TestConsoleStaffQueues performs through the console the staff operations
// no other browser test did (issue 14), on one site: a county organizer
// writes a pair's handover notes, ends the pair, proposes and confirms a
// successor in the relay queue (rule P2), registers a rectification that
// the county admin re-checks (rule Q3), approves one micro-wish and
// rejects another, approves one volunteer story and rejects another; the
// top-level admin edits an SMS template.
func TestConsoleStaffQueues(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	token := func(user string) string {
		var login struct{ Token string }
		if st := s.api("POST", "/api/auth/login", "", map[string]string{"username": user, "password": demo.Password}, &login); st != 200 {
			t.Fatalf("login %s: %d", user, st)
		}
		return login.Token
	}
	org := token("szq")

	// The volunteer's two elders are pairs of record (startSite sets only
	// the register's side).
	for _, id := range s.paired {
		var name, village string
		for _, e := range s.set.Elders {
			if e.ID == id {
				name, village = e.Name, e.Village
			}
		}
		pr := pairing.Pair{ID: id + ".0.0", Elder: id, ElderName: name, Village: village, Areas: area.AreasOf(village), County: village[:6] + "000000",
			Role: pairing.RoleAny, Volunteer: s.volunteer.ID, VolunteerName: s.volunteer.Name, Status: pairing.PairActive, StartDate: clock.Today(time.Now()), Source: "override", By: "test"}
		if err := s.p.Store.InsertPair(context.Background(), pr); err != nil {
			t.Fatal(err)
		}
		if err := s.p.Store.ClaimPairKey(context.Background(), id, s.volunteer.ID, pr.ID); err != nil {
			t.Fatal(err)
		}
	}

	// What the queues hold before: two pending wishes, a problem, two
	// stories a volunteer sent (the test's own calls, not the console's).
	for _, need := range []string{"一件厚棉衣", "一副老花镜"} {
		if st := s.api("POST", "/api/wishes", org, map[string]any{"elder": s.paired[0], "category": "coat", "need": need, "value": 80}, nil); st != 200 && st != 201 {
			t.Fatalf("record wish: %d", st)
		}
	}
	var problem struct{ ID string }
	if st := s.api("POST", "/api/supervise/problems", org, map[string]any{"area": s.volunteer.Village, "kind": "service", "description": "探访记录与老人所述不符",
		"owner": "村委会", "deadline": clock.Today(time.Now())}, &problem); st != 200 && st != 201 {
		t.Fatalf("register problem: %d", st)
	}
	phoneNo := s.volunteer.Phone
	s.api("POST", "/api/auth/code", "", map[string]string{"phone": strings.TrimPrefix(phoneNo, "+86")}, nil)
	var vlogin struct{ Token string }
	if st := s.api("POST", "/api/auth/verify", "", map[string]string{"phone": strings.TrimPrefix(phoneNo, "+86"), "code": s.lastCode(phoneNo)}, &vlogin); st != 200 {
		t.Fatalf("volunteer login: %d", st)
	}
	for _, title := range []string{"给老人修好了电视", "陪老人包饺子"} {
		if st := s.api("POST", "/api/exchange/posts", vlogin.Token, map[string]any{"title": title, "text": "周末去村里探访, 老人很高兴。",
			"area": s.volunteer.Village, "date": clock.Today(time.Now())}, nil); st != 200 && st != 201 {
			t.Fatalf("send story: %d", st)
		}
	}

	ctx := browser(t)
	loginConsole(t, s, ctx, "szq")

	// Pairs: handover notes, then the pair ends and its place opens a relay.
	open(t, s, ctx, "/pairs?status=active&sort=elderName&order=asc")
	must(t, ctx, waitVisible(`.data-table tbody tr .notes`))
	must(t, ctx, clickJS(`.data-table tbody tr .notes`), waitVisible(`.el-dialog textarea[name=preferences]`),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog textarea[name=preferences]`), "喜欢听戏"), confirmForm())
	waitText(t, ctx, "#flash", "已保存交接备注")
	must(t, ctx, clickJS(`.data-table tbody tr .end`))
	answerBox(t, ctx, "志愿者外出务工")
	waitText(t, ctx, "#flash", "已解除结对")

	// The relay queue: propose again, then confirm the successor.
	open(t, s, ctx, "/relays")
	must(t, ctx, waitVisible(`.data-table tbody tr .relay-propose`), clickJS(`.data-table tbody tr .relay-propose`))
	waitText(t, ctx, "#flash", "已重新推荐")
	must(t, ctx, clickJS(`.data-table tbody tr .relay-confirm`), waitVisible(`.el-dialog .form-ok`))
	if eval[bool](t, ctx, `document.querySelector('.el-dialog .el-select').innerText.includes('请选择')`) {
		// nobody recommended: the organizer picks a volunteer of the county
		pick(t, ctx, ".el-dialog .el-select", "")
	}
	if sel := eval[string](t, ctx, `document.querySelector('.el-dialog .el-select').innerText`); !strings.Contains(sel, "推荐") {
		t.Errorf("the confirm form does not preselect the recommended successor: %q", sel)
	}
	must(t, ctx, confirmForm())
	waitText(t, ctx, "#flash", "已确认接替")

	// Q3: the organizer registers the rectification; the county admin,
	// someone else, re-checks it and closes the problem.
	open(t, s, ctx, "/supervise/problems?status=open")
	must(t, ctx, waitVisible(`.data-table tbody tr .rectify`), clickJS(`.data-table tbody tr .rectify`))
	answerBox(t, ctx, "已约谈志愿者并补做探访")
	waitText(t, ctx, "#flash", "已登记整改")

	// Micro-wishes: one read in full, one approved, one not published.
	open(t, s, ctx, "/wishes?status=pending")
	must(t, ctx, waitVisible(`.data-table tbody tr .wish-show`), clickJS(`.data-table tbody tr .wish-show`))
	waitText(t, ctx, ".el-drawer", "微心愿详情")
	open(t, s, ctx, "/wishes?status=pending")
	must(t, ctx, waitVisible(`.data-table tbody tr .wish-approve`), clickJS(`.data-table tbody tr .wish-approve`))
	waitText(t, ctx, "#flash", "已审核通过")
	open(t, s, ctx, "/wishes?status=pending")
	must(t, ctx, waitVisible(`.data-table tbody tr .wish-reject`), clickJS(`.data-table tbody tr .wish-reject`))
	answerBox(t, ctx, "心愿重复登记")
	waitText(t, ctx, "#flash", "已不予发布")

	// Stories on the exchange page: one approved, one not published.
	open(t, s, ctx, "/exchange?status=pending")
	must(t, ctx, waitVisible(`.data-table tbody tr .post-approve`), clickJS(`.data-table tbody tr .post-approve`))
	waitText(t, ctx, "#flash", "已审核通过")
	open(t, s, ctx, "/exchange?status=pending")
	must(t, ctx, waitVisible(`.data-table tbody tr .post-reject`), clickJS(`.data-table tbody tr .post-reject`))
	answerBox(t, ctx, "照片未经老人同意")
	waitText(t, ctx, "#flash", "已不予发布")

	// A volunteer's full record (audited) and their code lock lifted.
	open(t, s, ctx, "/volunteers/"+s.volunteer.ID)
	must(t, ctx, clickJS(`#reveal`))
	waitText(t, ctx, "#reveal", "已显示完整信息")
	must(t, ctx, clickJS(`#volunteer-unlock`))
	waitText(t, ctx, "#flash", "已解除验证码锁定")

	admin := browser(t)
	loginConsole(t, s, admin, "szqadmin")
	// The county admin stops another account, then lets it in again.
	open(t, s, admin, "/admin/accounts")
	toggle := `[...document.querySelectorAll('.data-table tbody tr')].find((r) => r.innerText.includes('szqdudao')).querySelector('.account-toggle').click()`
	must(t, admin, waitVisible(`.data-table tbody tr .account-toggle`), chromedp.Evaluate[chromedp.Void](toggle))
	must(t, admin, waitVisible(`.confirm-box .el-button--primary`), clickJS(`.confirm-box .el-button--primary`))
	waitText(t, admin, "#flash", "已停用")
	row := `[...document.querySelectorAll('.data-table tbody tr')].find((r) => r.innerText.includes('szqdudao')).innerText`
	if !testenv.Eventually(10*time.Second, func() bool { return strings.Contains(eval[string](t, admin, row), "已停用") }) {
		t.Fatalf("the stopped account's row: %q", eval[string](t, admin, row))
	}
	must(t, admin, chromedp.Evaluate[chromedp.Void](toggle))
	yes := `(() => { const b = [...document.querySelectorAll('.confirm-box')].filter((e) => e.innerText.includes('启用账号')).pop(); if (!b) return false; b.querySelector('.el-button--primary').click(); return true; })()`
	if !testenv.Eventually(10*time.Second, func() bool { return eval[bool](t, admin, yes) }) {
		t.Fatal("no confirmation asked before enabling the account")
	}
	waitText(t, admin, "#flash", "已启用")
	open(t, s, admin, "/supervise/problems?status=rectified")
	must(t, admin, waitVisible(`.data-table tbody tr .recheck`), clickJS(`.data-table tbody tr .recheck`),
		waitVisible(`.el-dialog textarea[name=note]`),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog textarea[name=note]`), "回访老人, 已按时探访"), confirmForm())
	waitText(t, admin, "#flash", "回查通过")

	// What a user would see afterwards, read from the store.
	if !testenv.Eventually(10*time.Second, func() bool {
		var p struct{ Status string }
		return s.api("GET", "/api/supervise/problems/"+problem.ID, org, nil, &p) == 200 && p.Status == "closed"
	}) {
		t.Error("the re-checked problem is not closed")
	}
	var ws struct{ Items []struct{ Status string } }
	s.api("GET", "/api/wishes?limit=10", org, nil, &ws)
	got := map[string]int{}
	for _, w := range ws.Items {
		got[w.Status]++
	}
	if got["pending"] != 0 {
		t.Errorf("wishes after moderation: %v", got)
	}

	// SMS templates: the top-level admin saves one.
	top := browser(t)
	loginConsole(t, s, top, "admin")
	open(t, s, top, "/sms/templates")
	must(t, top, waitVisible(`.template-edit`), clickJS(`.template-edit`), waitVisible(`.el-dialog .form-ok`), confirmForm())
	waitText(t, top, "#flash", "已保存模板")
}
