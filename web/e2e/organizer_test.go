package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/shared/pii"
	"jinhui/shared/testenv"
)

// TestOrganizerJourney: a county organizer logs in, reads the dashboard,
// browses the registers, imports elders with a bad row (check → report →
// import the valid rows) and approves one in the intake queue.
func TestOrganizerJourney(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)

	must(t, ctx, chromedp.Navigate(s.base+"/console/"), waitReady())
	shot(t, ctx, "console-login")
	loginConsole(t, s, ctx, "szq")
	if n := text(t, ctx, "#stat-elders .n"); n == "" || n == "—" || n == "0" {
		t.Fatalf("dashboard elders figure %q", n)
	}
	// Service hours and carers come from the ledger's figures.
	must(t, ctx, waitVisible(`#dash-hours`), waitVisible(`#dash-carers #stat-carer-count`))
	if n := text(t, ctx, "#stat-carer-count .n"); n == "" || n == "—" {
		t.Fatalf("dashboard carers figure %q", n)
	}
	shot(t, ctx, "console-dashboard")

	// Registers: list, search by name, an elder's page with the full view.
	open(t, s, ctx, "/elders")
	total := text(t, ctx, ".pager .total")
	shot(t, ctx, "console-elders")
	first := text(t, ctx, "table tbody tr td a")
	open(t, s, ctx, "/elders?name="+first)
	if got := text(t, ctx, ".pager .total"); got == total || !strings.Contains(text(t, ctx, "table tbody"), first) {
		t.Fatalf("search %q: %s (all: %s)", first, got, total)
	}
	must(t, ctx, unready(), clickJS("table tbody tr td a"), waitVisible("#elder"), waitReady())
	masked := text(t, ctx, "#facts")
	if !strings.Contains(masked, "*") {
		t.Fatalf("elder page should be masked: %s", masked)
	}
	must(t, ctx, clickOn("#reveal"), waitVisible("#reveal[disabled]"))
	if full := text(t, ctx, "#facts"); strings.Contains(full, "****") {
		t.Fatalf("reveal left the id masked: %s", full)
	}
	shot(t, ctx, "console-elder")

	// Import: one bad identity number among three rows.
	csv := "姓名,身份证号,村代码,建档立卡,留守\n" +
		"测试钱大娘," + pii.CompleteResidentID("37010119450101006") + ",370101001001,是,是\n" +
		"测试错号,370101194501010000,370101001001,是,否\n" +
		"测试冯大爷," + pii.CompleteResidentID("37010119420202017") + ",370101001002,是,否\n"
	file := filepath.Join(t.TempDir(), "建档立卡名单.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, s, ctx, "/import")
	must(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#import-form input[type=file]`), []string{file}),
		clickOn(`#import-form button[type=submit]`),
		waitVisible("#report"))
	if sum := text(t, ctx, "#report-summary"); !strings.Contains(sum, "共 3 行") || !strings.Contains(sum, "正确 2 行") || !strings.Contains(sum, "已导入 0 人") {
		t.Fatalf("check report: %s", sum)
	}
	if p := text(t, ctx, "#problems tbody"); !strings.Contains(p, "3") || !strings.Contains(p, "身份证号") {
		t.Fatalf("row-by-row report: %s", p)
	}
	shot(t, ctx, "console-import-report")
	must(t, ctx, clickOn("#import-valid"), waitVisible(".ok"))
	if sum := text(t, ctx, "#report-summary"); !strings.Contains(sum, "已导入 2 人") {
		t.Fatalf("valid-rows import: %s", sum)
	}
	shot(t, ctx, "console-import-done")

	// Compare the same list with the register (E5): the columns it lacks are
	// named, not read as 否; one elder missing from the list is marked moved.
	must(t, ctx, unready(), clickOn("#compare"), waitVisible("#comparison"), waitReady())
	if m := text(t, ctx, "#missing-columns"); !strings.Contains(m, "失独") {
		t.Fatalf("missing columns: %s", m)
	}
	goneCount := func() string {
		m := regexp.MustCompile(`名册中有、名单中没有\((\d+)\)`).FindStringSubmatch(text(t, ctx, "#comparison"))
		if m == nil {
			t.Fatalf("comparison: %s", text(t, ctx, "#comparison"))
		}
		return m[1]
	}
	before := goneCount()
	must(t, ctx, clickJS(`#pick-gone .el-checkbox`))
	setInput(t, ctx, `input#pick-reason, #pick-reason input`, "扶贫办名单比对: 已迁出")
	shot(t, ctx, "console-compare")
	must(t, ctx, clickJS(`#resolve`), waitVisible(`#flash`))
	if !testenv.Eventually(10*time.Second, func() bool { return goneCount() != before }) {
		t.Fatalf("the missing elder marked moved is still listed (%s)", before)
	}

	// Intake: the imported elders wait for the county; approve one.
	open(t, s, ctx, "/intake")
	queue := text(t, ctx, "table tbody")
	if !strings.Contains(queue, "测试钱大娘") || !strings.Contains(queue, "测试冯大爷") {
		t.Fatalf("intake queue lacks the imported elders: %s", queue)
	}
	shot(t, ctx, "console-intake")
	// From the page: the resolve step's banner may still cover the table.
	must(t, ctx,
		clickJS(`table tbody tr:has(a) button.approve`),
		waitVisible("#intake-msg .ok"))
	if msg := text(t, ctx, "#intake-msg"); !strings.Contains(msg, "已通过") {
		t.Fatalf("approve: %s", msg)
	}

	// A single elder proposed by hand starts the same intake.
	open(t, s, ctx, "/elders/new")
	must(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#elder-form input[name=name]`), "测试褚奶奶"),
		chromedp.SendKeys(chromedp.CSS(`#elder-form input[name=idNumber]`), pii.CompleteResidentID("37010119400404009")),
	)
	pick(t, ctx, `#elder-form .sel-village`, "周家村")
	must(t, ctx,
		clickOn(`#elder-form .cb-poor`),
		chromedp.SendKeys(chromedp.CSS(`#elder-form input[name=nDependency]`), "助餐、助浴"),
		unready(),
		clickOn(`#elder-form button[type=submit]`),
		waitVisible(`#elder`),
		waitReady())
	if steps := text(t, ctx, "#intake-steps"); !strings.Contains(steps, "乡镇已上报") {
		t.Fatalf("proposed elder's intake: %s", steps)
	}
	shot(t, ctx, "console-elder-proposed")

	open(t, s, ctx, "/regions")
	if r := text(t, ctx, "#regions tbody"); !strings.Contains(r, "370101001000") {
		t.Fatalf("regions page: %s", r)
	}
	shot(t, ctx, "console-regions")

	open(t, s, ctx, "/volunteers")
	if !strings.Contains(text(t, ctx, ".pager .total"), "共") {
		t.Fatal("volunteer register did not render")
	}
	shot(t, ctx, "console-volunteers")
	must(t, ctx, unready(), clickJS("table tbody tr td a"), waitVisible("#volunteer"), waitReady())
	shot(t, ctx, "console-volunteer")
	// Honour hours (V6): added with reason and approver, shown apart from visit hours.
	must(t, ctx, waitVisible("#volunteer-hours"),
		chromedp.SendKeys(chromedp.CSS(`#honour-form input[name=minutes]`), "90"),
		chromedp.SendKeys(chromedp.CSS(`#honour-form input[name=reason]`), "平台上线前在村里的探访"),
		chromedp.SendKeys(chromedp.CSS(`#honour-form input[name=approver]`), "张主任"),
		unready(), clickOn(`#honour-form button[type=submit]`), waitVisible("#flash"), waitReady())
	if hrs := text(t, ctx, "#volunteer-hours p"); !strings.Contains(hrs, "荣誉时长 1 小时 30 分钟") || !strings.Contains(hrs, "探访时长 0 小时 0 分钟") {
		t.Fatalf("volunteer hours after honour: %s", hrs)
	}
	shot(t, ctx, "console-volunteer-hours")
	open(t, s, ctx, "/carers")
	shot(t, ctx, "console-carers")
}

// TestAdminPages: the province admin's accounts, audit log, SMS outbox and
// the asynq dashboard, which reads the session cookie set at login.
func TestAdminPages(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	loginConsole(t, s, ctx, "admin")
	shot(t, ctx, "console-dashboard-province")
	open(t, s, ctx, "/admin/accounts")
	if !strings.Contains(text(t, ctx, "table tbody"), "szq") {
		t.Fatal("accounts list lacks szq")
	}
	shot(t, ctx, "console-accounts")
	open(t, s, ctx, "/admin/audit")
	shot(t, ctx, "console-audit")
	open(t, s, ctx, "/admin/sms")
	shot(t, ctx, "console-sms")
	must(t, ctx, chromedp.Navigate(s.base+"/admin/queues"), chromedp.WaitReady(chromedp.CSS("body"), every))
	body := text(t, ctx, "body")
	if strings.Contains(body, `"error"`) || strings.Contains(body, "unauthorized") {
		t.Fatalf("asynq dashboard refused the admin's cookie: %.200s", body)
	}
	shot(t, ctx, "console-queues")
}
